package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.mount.MountTable;
import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM / SIGINT on a supervised background mount mean "stop this mount cleanly", whichever
 * process gets them (the server, the supervisor, or all of them at once as systemd's stop does):
 * a file being written is complete afterwards (or its writer saw an error), both processes exit
 * 0, nothing is left mounted or running, and no standby takes over. The mount is started with
 * the real CLI under a small subreaper (python3), so that the supervisor's exit status, which
 * the CLI's background launch hides, is measured.
 */
@Timeout(240)
class SupervisedStopTest {
    /** Runs argv as a child subreaper: prints "cli exit N", then "reaped PID STATUS" for every descendant. */
    private static final String REAPER = "import ctypes,os,signal,sys,subprocess,time\n"
            + "ctypes.CDLL(None).prctl(36,1,0,0,0)\n" // PR_SET_CHILD_SUBREAPER
            // A build started as a background job of a non-interactive shell runs with SIGINT
            // ignored, which every descendant inherits (the JVM then installs no handler): give
            // the mount the default disposition an interactive or service start has.
            + "signal.signal(signal.SIGINT,signal.SIG_DFL)\n"
            + "p=subprocess.Popen(sys.argv[1:])\n"
            + "print('cli exit',p.wait(),flush=True)\n"
            + "while True:\n"
            + "  try: pid,st=os.wait()\n"
            + "  except ChildProcessError: break\n"
            + "  print('reaped',pid,os.waitstatus_to_exitcode(st),'%.3f'%time.time(),flush=True)\n";

    /** Writes CHUNKS x 256 KiB, 50 ms apart; prints "complete" or "error ERRNO". */
    private static final String WRITER = "import sys,time\n"
            + "f=open(sys.argv[1],'wb')\n"
            + "try:\n"
            + "  for i in range(int(sys.argv[2])):\n"
            + "    f.write(bytes([i%251])*262144); f.flush(); time.sleep(0.05)\n"
            + "  f.close(); print('complete')\n"
            + "except OSError as e:\n"
            + "  print('error', e.errno)\n";

    Path base;
    Path ufs;
    Path mnt;
    Path runtime;
    Path sockets;
    Path reaperOut;
    Process reaper;
    final List<Process> started = new ArrayList<>();
    final Set<Long> pids = new LinkedHashSet<>();

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-stop-");
        ufs = Files.createDirectory(base.resolve("ufs"));
        mnt = Files.createDirectory(base.resolve("mnt"));
        runtime = Files.createDirectory(base.resolve("run"));
        sockets = Files.createDirectory(base.resolve("sockets"));
        reaperOut = base.resolve("reaper.out");
        Files.writeString(ufs.resolve("hello"), "hello\n");
    }

    @AfterEach
    void cleanup() {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Process p : started) {
            p.destroyForcibly();
        }
        MountFixture.forceUnmount(mnt);
        SupervisedMountTest.killSupervisorOf(mnt);
        MountFixture.deleteTree(base);
    }

    /** Mounts with the CLI under the reaper; returns the supervisor's status fields once a standby runs. */
    private Map<String, String> mount(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", REAPER,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + RuntimeFiles.DIR_PROPERTY + "=" + runtime, "-cp", System.getProperty("java.class.path"),
                AlluxioFuseCommand.class.getName(), "mount"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("--ufs", ufs.toString(), mnt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(reaperOut.toFile());
        pb.environment().put("PUREFUSE_RUN_DIR", sockets.toString());
        reaper = pb.start();
        started.add(reaper);
        waitFor(() -> reaperOutput().contains("cli exit"), 120_000, "the mount command");
        assertThat(reaperOutput()).as("mount command; log:\n%s", log()).contains("cli exit 0");
        Map<String, String> status = new HashMap<>();
        waitFor(() -> {
            status.clear();
            status.putAll(status());
            return !status.getOrDefault("standby", "-").equals("-");
        }, 120_000, "a standby");
        for (String k : new String[] {"supervisor", "server", "standby"}) {
            pids.add(Long.parseLong(status.get(k)));
        }
        assertThat(Files.readString(mnt.resolve("hello"))).isEqualTo("hello\n");
        return status;
    }

    private Map<String, String> status() {
        Map<String, String> m = new HashMap<>();
        try (var s = Files.list(sockets)) {
            for (Path sock : s.toList()) {
                for (String l : ControlServer.call(sock, "status")) {
                    String[] kv = l.split(" ", 2);
                    m.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
        } catch (IOException e) {
            // not up yet
        }
        return m;
    }

    private String reaperOutput() {
        try {
            return Files.readString(reaperOut);
        } catch (IOException e) {
            return "";
        }
    }

    private String log() throws IOException {
        try (var s = Files.list(runtime)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : s.filter(p -> p.toString().endsWith(".log")).toList()) {
                sb.append(Files.readString(p));
            }
            return sb.toString();
        }
    }

    private Process writer(String name, int chunks) throws IOException {
        Process w = new ProcessBuilder("python3", "-c", WRITER, mnt.resolve(name).toString(), Integer.toString(chunks))
                .redirectErrorStream(true).start();
        started.add(w);
        return w;
    }

    /**
     * Waits until the writer's bytes reach the UFS: python may take seconds to start here, and a
     * writer that opens its file only after the lazy unmount writes to the directory underneath.
     */
    private void writingThroughTheMount(String name) throws InterruptedException {
        waitFor(() -> {
            try {
                return Files.size(ufs.resolve(name)) > 0;
            } catch (IOException e) {
                return false;
            }
        }, 60_000, "the writer's first bytes in the UFS");
    }

    /** kill(1); true if every target was signalled (one may have ended meanwhile). */
    private static boolean kill(String signal, long... targets) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (long t : targets) {
            cmd.add(Long.toString(t));
        }
        return new ProcessBuilder(cmd).inheritIO().start().waitFor() == 0;
    }

    /** The supervisor's exit status as its subreaper saw it; the seconds from {@code t0} to it. */
    private record Exit(int status, double seconds) {}

    private Exit supervisorExit(long supervisor, long t0Nanos) throws Exception {
        Pattern p = Pattern.compile("reaped " + supervisor + " (-?\\d+) ");
        waitFor(() -> p.matcher(reaperOutput()).find(), 200_000, "the supervisor to exit");
        double secs = (System.nanoTime() - t0Nanos) / 1e9;
        Matcher m = p.matcher(reaperOutput());
        assertThat(m.find()).isTrue();
        return new Exit(Integer.parseInt(m.group(1)), secs);
    }

    private void assertStoppedCleanly(Map<String, String> status, Exit sup, String what) throws Exception {
        String log = log();
        assertThat(sup.status()).as("supervisor exit status after %s; log:\n%s", what, log).isZero();
        assertThat(log).as("the supervisor saw the server exit 0 after %s", what)
                .contains("server pid " + status.get("server") + " (exit 0) ended");
        assertThat(log).as("no takeover after %s", what).doesNotContain("takes over");
        assertThat(MountTable.find(mnt)).as("nothing mounted after %s", what).isEmpty();
        waitFor(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                30_000, "supervisor, server and standby gone");
        assertThat(reaper.waitFor(30, TimeUnit.SECONDS)).as("every descendant reaped (fusermount3 too): %s",
                reaperOutput()).isTrue();
    }

    /** Chunk i of a complete file is 256 KiB of byte i % 251. */
    private void assertComplete(Path file, int chunks) throws IOException {
        byte[] got = Files.readAllBytes(file);
        assertThat(got).hasSize(chunks * 262144);
        for (int i = 0; i < chunks; i++) {
            assertThat(got[i * 262144]).as("chunk %d", i).isEqualTo((byte) (i % 251));
            assertThat(got[i * 262144 + 262143]).as("end of chunk %d", i).isEqualTo((byte) (i % 251));
        }
    }

    @ParameterizedTest(name = "SIG{1} to {0}")
    @CsvSource({"server, TERM", "server, INT", "supervisor, TERM", "supervisor, INT", "all, TERM"})
    void aSignalStopsTheMountAfterTheWriterFinishes(String target, String signal) throws Exception {
        Map<String, String> status = mount();
        long supervisor = Long.parseLong(status.get("supervisor"));
        long server = Long.parseLong(status.get("server"));
        long standby = Long.parseLong(status.get("standby"));
        int chunks = 64; // ~3 s and more: the signal arrives in the middle
        Process w = writer("big", chunks);
        writingThroughTheMount("big");
        assertThat(w.isAlive()).as("writer still writing when the signal is sent").isTrue();
        long t0 = System.nanoTime();
        switch (target) {
            case "server" -> assertThat(kill(signal, server)).isTrue();
            case "supervisor" -> assertThat(kill(signal, supervisor)).isTrue();
            default -> {
                // systemd's stop (KillMode=control-group): every process of the unit at once, fusermount3 too.
                List<Long> all = new ArrayList<>(List.of(supervisor, server, standby));
                ProcessHandle.of(supervisor).ifPresent(h -> h.children().map(ProcessHandle::pid)
                        .filter(pid -> !all.contains(pid)).forEach(all::add));
                kill(signal, all.stream().mapToLong(Long::longValue).toArray());
            }
        }
        assertThat(w.waitFor(120, TimeUnit.SECONDS)).isTrue();
        double writerSecs = (System.nanoTime() - t0) / 1e9;
        String said = new String(w.getInputStream().readAllBytes()).trim();
        Exit sup = supervisorExit(supervisor, t0);
        System.out.printf("[stop] SIG%s to %s: writer said '%s' %.1f s after the signal; supervisor exit %d after "
                + "%.1f s (load %s)%n", signal, target, said, writerSecs, sup.status(), sup.seconds(), load());
        assertStoppedCleanly(status, sup, "SIG" + signal + " to " + target);
        if (said.equals("complete")) {
            assertComplete(ufs.resolve("big"), chunks);
        } else {
            assertThat(said).as("the writer saw an error").startsWith("error");
        }
    }

    @Test
    void aWriterStillWritingAtTheUnmountTimeoutSeesAnErrorAndTheMountStillEnds() throws Exception {
        Map<String, String> status = mount("-D", FuseConfig.UMOUNT_TIMEOUT + "=2s");
        long supervisor = Long.parseLong(status.get("supervisor"));
        Process w = writer("long", 100_000); // hours: only the abort ends it
        writingThroughTheMount("long");
        assertThat(w.isAlive()).isTrue();
        long t0 = System.nanoTime();
        assertThat(kill("TERM", Long.parseLong(status.get("server")))).isTrue();
        boolean ended = w.waitFor(120, TimeUnit.SECONDS);
        assertThat(ended).as("the writer is ended by the abort; log:\n%s", log()).isTrue();
        double writerSecs = (System.nanoTime() - t0) / 1e9;
        String said = new String(w.getInputStream().readAllBytes()).trim();
        Exit sup = supervisorExit(supervisor, t0);
        System.out.printf("[stop] SIGTERM, umount timeout 2 s, endless writer: writer said '%s' after %.1f s; "
                + "supervisor exit %d after %.1f s (load %s)%n", said, writerSecs, sup.status(), sup.seconds(), load());
        assertThat(said).as("the writer saw an error").startsWith("error");
        assertStoppedCleanly(status, sup, "SIGTERM with a writer past the unmount timeout");
        byte[] kept = Files.readAllBytes(ufs.resolve("long"));
        assertThat(kept.length).as("what the writer wrote before the abort reached the UFS").isPositive();
        for (int i = 0; i * 262144 < kept.length; i++) {
            assertThat(kept[i * 262144]).as("chunk %d of what reached the UFS", i).isEqualTo((byte) (i % 251));
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, long millis, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
