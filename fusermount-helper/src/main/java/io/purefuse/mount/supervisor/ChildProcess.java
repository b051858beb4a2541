package io.purefuse.mount.supervisor;

import io.purefuse.mount.LibC;
import io.purefuse.mount.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import jnr.constants.platform.Fcntl;
import jnr.posix.POSIX;
import jnr.posix.SpawnFileAction;

/**
 * Starts a child process that inherits chosen descriptors at chosen numbers: what
 * {@code ProcessBuilder} cannot do (it passes only fds 0-2). A descriptor inherited this way
 * shares its open file description with ours, which is what keeps a FUSE connection and its
 * unanswered requests alive across the death of a server (docs/KERNEL-NOTES.md, "Takeover").
 *
 * <p>jnr's {@code posix_spawnp} would pass every fd of this JVM without close-on-exec to the
 * child; each is closed in the child except the ones asked for.
 */
public final class ChildProcess {
    private static final int FD_CLOEXEC = 1;
    private static final int WNOHANG = 1;

    private final long pid;
    private volatile int status = -1;
    private volatile boolean reaped;

    private ChildProcess(long pid) {
        this.pid = pid;
    }

    /**
     * Spawns {@code argv}.
     *
     * @param fds      child fd number to our fd (dup'd in the child, so both refer to the same
     *                 open file description)
     * @param env      variables added to (or replacing those of) this process's environment
     * @param output   file that receives the child's stdout and stderr (appended), or null for /dev/null
     */
    public static ChildProcess spawn(List<String> argv, Map<Integer, Integer> fds, Map<String, String> env,
                                     Path output) throws IOException {
        POSIX posix = Native.posix();
        List<SpawnFileAction> actions = new ArrayList<>();
        actions.add(SpawnFileAction.open("/dev/null", 0, LibC.O_RDONLY, 0));
        String out = output == null ? "/dev/null" : output.toString();
        int appendFlags = LibC.O_WRONLY | LibC.O_CREAT | 02000; // O_APPEND
        actions.add(SpawnFileAction.open(out, 1, appendFlags, 0600));
        actions.add(SpawnFileAction.open(out, 2, appendFlags, 0600));
        // Two steps, so that a target number that is also a source is not overwritten first:
        // dup every source to a high number, then onto its target.
        int scratch = 900;
        List<int[]> moves = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
            actions.add(SpawnFileAction.dup(e.getValue(), scratch));
            moves.add(new int[] {scratch, e.getKey()});
            scratch++;
        }
        for (int[] m : moves) {
            actions.add(SpawnFileAction.dup(m[0], m[1]));
            actions.add(SpawnFileAction.close(m[0]));
        }
        for (int fd : openFds()) {
            if (fd > 2 && !fds.containsKey(fd) && !fds.containsValue(fd)) {
                actions.add(SpawnFileAction.close(fd));
            }
        }
        for (int fd : fds.values()) {
            if (fd > 2 && !fds.containsKey(fd)) {
                actions.add(SpawnFileAction.close(fd));
            }
        }
        List<String> envp = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (!env.containsKey(e.getKey())) {
                envp.add(e.getKey() + "=" + e.getValue());
            }
        }
        env.forEach((k, v) -> envp.add(k + "=" + v));
        long pid = posix.posix_spawnp(argv.get(0), actions, argv, envp);
        if (pid <= 0) {
            throw new IOException("cannot start " + argv.get(0) + ": posix_spawnp failed: "
                    + Native.describe(posix.errno()));
        }
        return new ChildProcess(pid);
    }

    /** The java launcher of this JVM, for starting a JVM child with the same runtime. */
    public static String javaLauncher() {
        return ProcessHandle.current().info().command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    public long pid() {
        return pid;
    }

    /** Sends a signal (9: SIGKILL, 15: SIGTERM); false if the process is already reaped. */
    public boolean signal(int signal) {
        if (reaped) {
            return false;
        }
        return Native.posix().kill(pid, signal) == 0;
    }

    /** Waits for the child to end and returns its wait status (also when already reaped). */
    public int waitFor() {
        synchronized (this) {
            if (reaped) {
                return status;
            }
            POSIX posix = Native.posix();
            int[] st = new int[1];
            while (true) {
                int r = posix.waitpid(pid, st, 0);
                if (r == pid) {
                    status = st[0];
                    reaped = true;
                    return status;
                }
                if (r < 0 && posix.errno() != Native.EINTR) {
                    reaped = true;
                    return status;
                }
            }
        }
    }

    /** Waits up to {@code millis}; returns whether the child ended. */
    public boolean waitFor(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            synchronized (this) {
                if (reaped) {
                    return true;
                }
                int[] st = new int[1];
                int r = Native.posix().waitpid(pid, st, WNOHANG);
                if (r == pid || (r < 0 && Native.posix().errno() != Native.EINTR)) {
                    status = st[0];
                    reaped = true;
                    return true;
                }
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
    }

    public boolean isReaped() {
        return reaped;
    }

    /** The wait status once reaped, else -1. */
    public int status() {
        return status;
    }

    /** "exit 0", "killed by signal 9", ... */
    public static String describe(int status) {
        if (status == -1) {
            return "status unknown";
        }
        if ((status & 0x7f) == 0) {
            return "exit " + ((status >> 8) & 0xff);
        }
        return "killed by signal " + (status & 0x7f);
    }

    /** Sets close-on-exec on our fd, so that children get it only when asked for. */
    public static void closeOnExec(int fd) {
        Native.posix().fcntlInt(fd, Fcntl.F_SETFD, FD_CLOEXEC);
    }

    private static TreeSet<Integer> openFds() throws IOException {
        TreeSet<Integer> fds = new TreeSet<>();
        try (Stream<Path> s = Files.list(Paths.get("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    fds.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not an fd
                }
            });
        }
        return fds;
    }

    @Override
    public String toString() {
        return "pid " + pid + (reaped ? " (" + describe(status) + ")" : "");
    }
}
