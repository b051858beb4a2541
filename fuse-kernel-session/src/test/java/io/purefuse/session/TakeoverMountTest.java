package io.purefuse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.wire.Flags;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel facts takeover rests on, checked with real processes: a supervisor process
 * ({@code SupervisorMain}) holds the mount and every device fd, a {@link TakeoverProbeServer}
 * process serves; killing the server with SIGKILL while it holds a request, the standby's
 * NOTIFY_RESEND brings the request back (unique bit 63 set) and the caller sees no error.
 */
@Timeout(180)
class TakeoverMountTest {
    @TempDir
    Path tmp;
    Path mnt;
    Path probes;
    Path control;
    Path log;
    Process supervisor;
    final List<Long> pids = new ArrayList<>();
    final List<Process> callers = new ArrayList<>();

    @BeforeEach
    void startSupervisor(org.junit.jupiter.api.TestInfo info) throws Exception {
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        probes = Files.createDirectory(tmp.resolve("probes"));
        control = tmp.resolve("control.sock");
        log = tmp.resolve("server.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", cp, "io.purefuse.mount.supervisor.SupervisorMain", "--fds", "3", "--log", log.toString(),
                "--control", control.toString(), mnt.toString(), "--",
                java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp,
                TakeoverProbeServer.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("supervisor.log").toFile());
        pb.environment().put("PROBE_DIR", probes.toString());
        if (info.getTags().contains("failing-successors")) {
            pb.environment().put("PROBE_FAIL_TAKEOVER", "1");
        }
        supervisor = pb.start();
        waitFor(() -> Files.exists(control) && !status().getOrDefault("standby", "-").equals("-"), 60_000,
                "the supervisor serving with a standby");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : callers) {
            p.destroyForcibly();
        }
        if (supervisor != null) {
            supervisor.destroyForcibly();
            supervisor.waitFor(10, TimeUnit.SECONDS);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + mnt + " ")) {
            new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start().waitFor();
        }
        printTail(tmp.resolve("supervisor.log"));
        printTail(log);
    }

    static void printTail(Path file) throws IOException {
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            System.err.println("--- " + file.getFileName() + " (last 30 lines)");
            lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.err::println);
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
            // not up yet
        }
        return m;
    }

    long serverPid() {
        long pid = Long.parseLong(status().get("server"));
        pids.add(pid);
        return pid;
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

    List<String> markers(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(probes)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }

    Process caller(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        callers.add(p);
        return p;
    }

    static long uniqueOf(String marker) {
        return Long.parseUnsignedLong(marker.substring(marker.lastIndexOf('-') + 1), 16);
    }

    @Test
    void aRequestHeldByAKilledServerIsResentToItsSuccessor() throws Exception {
        Process stat = caller("stat", "-c", "%s", mnt.resolve("held-1").toString());
        waitFor(() -> exists("g0-held-1-"), 20_000, "the first server to read the LOOKUP");
        long first = serverPid();
        assertThat(stat.isAlive()).isTrue();
        new ProcessBuilder("kill", "-9", Long.toString(first)).start().waitFor();

        assertThat(stat.waitFor(20, TimeUnit.SECONDS)).as("stat finished after the takeover").isTrue();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stat.exitValue()).as("stat output: %s", out).isZero();
        assertThat(out.strip()).isEqualTo(Integer.toString(HelloFs.CONTENT.length));

        long original = uniqueOf(markers("g0-held-1-").get(0));
        List<String> resent = markers("g1-held-1-");
        assertThat(resent).hasSize(1);
        long again = uniqueOf(resent.get(0));
        assertThat(again & Flags.UNIQUE_RESEND).as("bit 63 marks the resend").isNotZero();
        assertThat(again & ~Flags.UNIQUE_RESEND).as("same request").isEqualTo(original);
        assertThat(status().get("takeovers")).isEqualTo("1");
        assertThat(Files.readString(mnt.resolve("hello"), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
    }

    @Test
    void anInterruptReachesAResentRequest() throws Exception {
        Process stat = caller("stat", mnt.resolve("intr-1").toString());
        waitFor(() -> exists("g0-intr-1-"), 20_000, "the first server to read the LOOKUP");
        new ProcessBuilder("kill", "-9", Long.toString(serverPid())).start().waitFor();
        waitFor(() -> exists("g1-intr-1-"), 20_000, "the resent LOOKUP");
        String resent = markers("g1-intr-1-").get(0);
        assertThat(uniqueOf(resent) & Flags.UNIQUE_RESEND).isNotZero();
        assertThat(stat.isAlive()).isTrue();
        stat.destroy(); // SIGTERM: the kernel sends INTERRUPT for the resent unique
        waitFor(() -> exists("g1-interrupted-intr-1-"), 20_000, "the INTERRUPT of the resent LOOKUP");
        assertThat(uniqueOf(markers("g1-interrupted-intr-1-").get(0))).isEqualTo(uniqueOf(resent));
        assertThat(stat.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killingTheSupervisorLeavesTheServerServingThenTheMountEndsCleanly() throws Exception {
        long server = serverPid();
        long standby = Long.parseLong(status().get("standby"));
        pids.add(standby);
        new ProcessBuilder("kill", "-9", Long.toString(supervisor.pid())).start().waitFor();
        assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();
        waitFor(() -> ProcessHandle.of(standby).map(h -> !h.isAlive()).orElse(true), 20_000,
                "the standby to leave with its supervisor");
        assertThat(Files.readString(mnt.resolve("hello"), StandardCharsets.UTF_8)).isEqualTo("hello, world\n");
        new ProcessBuilder("kill", "-9", Long.toString(server)).start().waitFor();
        waitFor(() -> !mounted(), 60_000, "fusermount3 to unmount the dead mount");
        assertThat(new File(mnt.toString()).list()).isEmpty(); // no "Transport endpoint is not connected"
    }

    @Test
    void stopUnmountsAndEndsTheSupervisor() throws Exception {
        assertThat(ControlServer.call(control, "stop")).containsExactly("ok stopping");
        assertThat(supervisor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(supervisor.exitValue()).isZero();
        assertThat(mounted()).isFalse();
    }

    @Test
    void anUnmountFromOutsideEndsTheSupervisor() throws Exception {
        Process u = new ProcessBuilder("fusermount3", "-u", mnt.toString()).inheritIO().start();
        assertThat(u.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(supervisor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(supervisor.exitValue()).isZero();
        assertThat(mounted()).isFalse();
    }

    boolean mounted() {
        try {
            return Files.readString(Path.of("/proc/self/mounts")).contains(" " + mnt + " ");
        } catch (IOException e) {
            return true;
        }
    }

    boolean exists(String prefix) {
        try {
            return !markers(prefix).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("failing-successors")
    void successorsThatCannotStartEndTheMountInsteadOfLoopingForEver() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(serverPid())).start().waitFor();
        assertThat(supervisor.waitFor(120, TimeUnit.SECONDS)).as("the supervisor gives up").isTrue();
        assertThat(supervisor.exitValue()).isEqualTo(1);
        waitFor(() -> !mounted(), 20_000, "the mount to be gone");
        assertThat(Files.readString(tmp.resolve("supervisor.log"))).contains("giving up");
    }
}
