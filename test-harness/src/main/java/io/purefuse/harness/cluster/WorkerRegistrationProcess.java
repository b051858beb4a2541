package io.purefuse.harness.cluster;

import io.purefuse.backend.membership.WorkerInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker registration held by a separate JVM ({@link WorkerRegistrationMain}), for tests that
 * kill the registering process with a signal. {@link #close()} always ends the process.
 */
public final class WorkerRegistrationProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String leaseHex;

    private WorkerRegistrationProcess(Process process, Path log, String leaseHex) {
        this.process = process;
        this.log = log;
        this.leaseHex = leaseHex;
    }

    /** Starts the process and waits (up to 60 s) until it has registered {@code worker}. */
    public static WorkerRegistrationProcess start(String endpoint, String cluster, WorkerInfo worker, Duration ttl)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("purefuse-registration-", ".log");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                WorkerRegistrationMain.class.getName(),
                endpoint, cluster, worker.identity().uuid().toString(), worker.address().host(),
                Integer.toString(worker.address().rpcPort()), Long.toString(ttl.toSeconds())))
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            first = null;
        }
        if (first == null || !first.startsWith("REGISTERED ")) {
            p.destroyForcibly();
            String err = Files.readString(log);
            Files.deleteIfExists(log);
            throw new IOException("registration process did not register (" + first + "):\n" + err);
        }
        return new WorkerRegistrationProcess(p, log, first.substring("REGISTERED ".length()).trim());
    }

    /** The lease id the process registered under, in hex. */
    public String leaseHex() {
        return leaseHex;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process dies without revoking its lease. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Closes the process's stdin, so it deregisters (revokes its lease) and exits. */
    public boolean deregister(Duration timeout) throws IOException, InterruptedException {
        process.getOutputStream().close();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
