package io.purefuse.harness.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member etcd for tests: {@code /usr/bin/etcd} (or the system property
 * {@code purefuse.etcd.binary}) on free loopback client and peer ports with a temporary data
 * directory.
 *
 * <pre>{@code
 * try (EtcdProcess etcd = EtcdProcess.launch()) {
 *     String url = etcd.endpoint();   // http://127.0.0.1:<port>
 *     etcd.stop();                    // SIGTERM, as an operator would
 *     etcd.start();                   // same ports, same data
 * }
 * }</pre>
 *
 * <p>{@link #close()} always kills the process (SIGKILL if still running) and deletes the data
 * directory. Tests should first check {@link #available()} and skip with
 * {@link #unavailableReason()} when etcd is not installed.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path binary;
    private final Path baseDir;
    private final Path dataDir;
    private final Path log;
    private int clientPort;
    private int peerPort;
    private Process process;
    private boolean closed;

    private EtcdProcess(Path binary, Path baseDir) {
        this.binary = binary;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.log = baseDir.resolve("etcd.log");
    }

    /** The etcd binary the fixture runs. */
    public static Path binary() {
        return Path.of(System.getProperty("purefuse.etcd.binary", "/usr/bin/etcd"));
    }

    /** Whether {@link #binary()} exists and is executable. */
    public static boolean available() {
        return Files.isExecutable(binary());
    }

    /** Why etcd tests cannot run here (for a skip message). */
    public static String unavailableReason() {
        return "etcd not found at " + binary() + " (install the Debian package etcd-server, or set "
                + "-Dpurefuse.etcd.binary=/path/to/etcd)";
    }

    /** Starts a fresh etcd and waits until it reports healthy. */
    public static EtcdProcess launch() throws IOException {
        if (!available()) {
            throw new IllegalStateException(unavailableReason());
        }
        EtcdProcess etcd = new EtcdProcess(binary(), Files.createTempDirectory("purefuse-etcd-"));
        IOException last = null;
        // A free port can be taken between probing and etcd binding it; then try other ports.
        for (int attempt = 0; attempt < 3; attempt++) {
            etcd.clientPort = freePort();
            etcd.peerPort = freePort();
            try {
                etcd.start();
                return etcd;
            } catch (IOException e) {
                last = e;
                etcd.kill();
                deleteRecursively(etcd.dataDir); // it may name the ports that failed
            }
        }
        etcd.close();
        throw last;
    }

    /** {@code http://127.0.0.1:<client port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id while running, else -1. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /** Starts etcd again on the same ports and data directory; waits until healthy. */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (isRunning()) {
            throw new IllegalStateException("etcd already running, pid " + process.pid());
        }
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(),
                "--name", "purefuse-test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "purefuse-test=" + peer,
                // Ignored once the data directory holds a member (restarts).
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-outputs", "stderr"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("ETCD_DATA_DIR");
        process = pb.start();
        waitHealthy();
    }

    /** SIGTERM and wait for exit (SIGKILL after 15 s). Data stays for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL and wait for exit. Data stays for {@link #start()}. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines etcd logged (for failure messages). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no etcd log: " + e + ")";
        }
    }

    /** Kills etcd and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        kill();
        closed = true;
        deleteRecursively(baseDir);
    }

    private void waitHealthy() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with status " + process.exitValue() + " while starting:\n"
                        + logTail(20));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                lastAnswer = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for etcd", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for etcd", e);
            }
        }
        throw new IOException("etcd not healthy after " + STARTUP_TIMEOUT.toSeconds() + " s (" + lastAnswer + "):\n"
                + logTail(20));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("EtcdProcess: could not delete " + dir + ": " + e);
        }
    }
}
