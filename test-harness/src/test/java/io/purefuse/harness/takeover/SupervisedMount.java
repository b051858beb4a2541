package io.purefuse.harness.takeover;

import io.purefuse.mount.supervisor.ControlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A supervisor process mounting a supervised MemFs (memfs --journal) on a temp directory, for
 * takeover tests. {@link #close()} kills every process it started and unmounts.
 */
final class SupervisedMount implements AutoCloseable {
    final Path dir;
    final Path mnt;
    final Path control;
    final Path serverLog;
    final Path supervisorLog;
    final Process supervisor;
    private final List<Long> seenPids = new ArrayList<>();

    SupervisedMount(Path dir, Map<String, String> env) throws Exception {
        this.dir = dir;
        this.mnt = Files.createDirectories(dir.resolve("mnt"));
        this.control = dir.resolve("control.sock");
        this.serverLog = dir.resolve("server.log");
        this.supervisorLog = dir.resolve("supervisor.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", cp, "io.purefuse.mount.supervisor.SupervisorMain", "--fds", "4", "--log", serverLog.toString(),
                "--control", control.toString(), "-o", "fsname=memfs", mnt.toString(), "--",
                java, "-Xmx512m", "-XX:+UseParallelGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", cp, "io.purefuse.harness.memfs.MemFsMain", "--journal", dir.resolve("memfs.journal").toString(),
                "--size", "2g"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(supervisorLog.toFile());
        pb.environment().putAll(env);
        supervisor = pb.start();
        try {
            waitFor(() -> "yes".equals(status().get("standby_ready")), 90_000, "the supervisor with a ready standby");
        } catch (Throwable t) {
            close();
            throw t;
        }
    }

    Map<String, String> status() {
        Map<String, String> m = new HashMap<>();
        try {
            for (String l : ControlServer.call(control, "status")) {
                String[] kv = l.split(" ", 2);
                m.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        } catch (IOException e) {
            // not up yet, or gone
        }
        for (String k : new String[] {"server", "standby"}) {
            String v = m.get(k);
            if (v != null && !v.equals("-")) {
                synchronized (seenPids) {
                    seenPids.add(Long.parseLong(v));
                }
            }
        }
        return m;
    }

    long serverPid() {
        return Long.parseLong(status().get("server"));
    }

    List<String> call(String command) throws IOException {
        return ControlServer.call(control, command);
    }

    static void waitFor(BooleanSupplier cond, long millis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static void kill9(long pid) throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    }

    boolean mounted() throws IOException {
        return Files.readString(Path.of("/proc/self/mounts")).contains(" " + mnt + " ");
    }

    @Override
    public void close() throws Exception {
        try {
            if (supervisor.isAlive()) {
                try {
                    ControlServer.call(control, "stop");
                } catch (IOException ignored) {
                    // killed below
                }
                supervisor.waitFor(20, TimeUnit.SECONDS);
            }
        } finally {
            supervisor.destroyForcibly();
            supervisor.waitFor(10, TimeUnit.SECONDS);
            List<Long> pids;
            synchronized (seenPids) {
                pids = new ArrayList<>(seenPids);
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (mounted()) {
                new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start().waitFor();
            }
        }
    }

    void printLogs() throws IOException {
        for (Path f : new Path[] {supervisorLog, serverLog}) {
            if (Files.exists(f)) {
                List<String> lines = Files.readAllLines(f);
                System.err.println("--- " + f.getFileName() + " (last 40 lines)");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
            }
        }
    }
}
