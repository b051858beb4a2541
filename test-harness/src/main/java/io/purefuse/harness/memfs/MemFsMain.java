package io.purefuse.harness.memfs;

import io.purefuse.mount.MountOptions;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
import io.purefuse.session.takeover.SupervisedServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code memfs MOUNTPOINT [options]}: serves an empty {@link MemFs} on MOUNTPOINT in the
 * foreground until it is unmounted ({@code fusermount3 -u MOUNTPOINT}) or the process gets
 * SIGTERM / SIGINT (which unmount). Exit status: 0 after a clean end, 1 when mounting failed,
 * 2 for bad arguments.
 */
public final class MemFsMain {
    private MemFsMain() {}

    static final String USAGE = String.join("\n",
            "usage: memfs MOUNTPOINT [options]",
            "",
            "Serves an empty in-memory filesystem on MOUNTPOINT until it is unmounted",
            "(fusermount3 -u MOUNTPOINT) or this process gets SIGTERM/SIGINT.",
            "",
            "options:",
            "  -o OPT[,OPT...]      mount options: allow_other, ro, default_permissions,",
            "                       auto_unmount, fsname=NAME, subtype=NAME, max_read=N, ...",
            "  --trace FILE         record every request and reply (conformance trace format)",
            "  --threads N          reader threads (default max(4, cores))",
            "  --size BYTES         capacity, with k/m/g/t suffixes (default 1g)",
            "  --timeout SECONDS    entry and attribute timeout (default 1, may be fractional)",
            "  --journal FILE       under a supervisor (purefuse-supervisor): journal every",
            "                       change here, so that a successor process can take over",
            "  -f                   ignored (memfs always runs in the foreground)",
            "  -h, --help           this text",
            "");

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path mountPoint = null;
        MountOptions.Builder mount = MountOptions.builder().fsname("memfs");
        SessionOptions session = new SessionOptions();
        MemFs.Options fsOptions = new MemFs.Options();
        Path journal = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    case "-f", "-d" -> { }
                    case "-o" -> mount.option(value(args, ++i, a));
                    case "--trace" -> session.traceFile(Path.of(value(args, ++i, a)));
                    case "--journal" -> journal = Path.of(value(args, ++i, a));
                    case "--threads" -> session.readerThreads(Integer.parseInt(value(args, ++i, a)));
                    case "--size" -> fsOptions.capacityBytes(parseSize(value(args, ++i, a)));
                    case "--timeout" -> {
                        Duration d = Duration.ofNanos((long) (Double.parseDouble(value(args, ++i, a)) * 1e9));
                        fsOptions.entryTimeout(d).attrTimeout(d);
                    }
                    default -> {
                        if (a.startsWith("-o") && a.length() > 2) {
                            mount.option(a.substring(2));
                        } else if (a.startsWith("--trace=")) {
                            session.traceFile(Path.of(a.substring("--trace=".length())));
                        } else if (a.startsWith("-") && !a.equals("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else if (mountPoint == null) {
                            mountPoint = Path.of(a);
                        } else {
                            throw new IllegalArgumentException("unexpected argument " + a);
                        }
                    }
                }
            }
            SupervisedServer sup = SupervisedServer.fromEnvironment();
            if (sup != null) {
                if (journal == null) {
                    throw new IllegalArgumentException("a supervised memfs needs --journal FILE");
                }
                return runSupervised(sup, journal, fsOptions, session, err);
            }
            if (mountPoint == null) {
                throw new IllegalArgumentException("missing MOUNTPOINT");
            }
        } catch (IllegalArgumentException e) {
            err.println("memfs: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        // The hook goes in before mounting: a SIGTERM/SIGINT during setup leaves no stale mount.
        session.mount(mount.build()).shutdownHook(true);
        FuseSession s;
        try {
            s = FuseSession.mount(mountPoint, new MemFs(fsOptions), session);
        } catch (IOException | RuntimeException e) {
            err.println("memfs: cannot mount " + mountPoint + ": " + e.getMessage());
            return 1;
        }
        err.println("memfs: serving " + mountPoint.toAbsolutePath() + " (unmount with: fusermount3 -u "
                + mountPoint.toAbsolutePath() + ")");
        try {
            s.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
        }
        return 0;
    }

    /**
     * Serves the fds a supervisor handed over: restores the predecessor's state from the journal
     * (as far as possible before GO, the rest after), then serves until unmounted.
     */
    private static int runSupervised(SupervisedServer sup, Path journal, MemFs.Options fsOptions,
                                     SessionOptions session, PrintStream err) {
        try {
            TakeoverMemFs fs = new TakeoverMemFs(fsOptions, journal);
            Thread follower = null;
            java.util.concurrent.atomic.AtomicBoolean goSeen = new java.util.concurrent.atomic.AtomicBoolean();
            if (sup.savedInit() != null) {
                fs.catchUp(sup.savedInit());
                // A standby keeps following the journal, so that a takeover replays only the last
                // few requests.
                follower = new Thread(() -> {
                    while (!goSeen.get()) {
                        try {
                            fs.catchUp(sup.savedInit());
                            Thread.sleep(20);
                        } catch (IOException e) {
                            err.println("memfs: following the journal failed: " + e);
                            return;
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "memfs-journal-follower");
                follower.setDaemon(true);
                follower.start();
            }
            sup.ready();
            SupervisedServer.Go go = sup.awaitGo();
            long t0 = System.nanoTime();
            goSeen.set(true);
            if (follower != null) {
                follower.join();
            }
            if (go.isTakeover()) {
                session.resentReplies(fs.finishRestore(go.init()));
            } else {
                fs.startFresh();
                String halt = System.getenv("MEMFS_TEST_HALT_BEFORE_MKDIR");
                if (halt != null) {
                    fs.haltBeforeRunningMkdir(halt);
                }
            }
            session.recorder(fs.journal());
            FuseSession s = sup.serve(fs, session, go);
            err.println("memfs: generation " + go.generation() + " serving " + (go.isTakeover()
                    ? "after replaying " + fs.replayed() + " journaled requests (last part in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms)" : "a fresh mount"));
            s.awaitTermination();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("memfs: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> mult = 1L << 10;
            case 'm' -> mult = 1L << 20;
            case 'g' -> mult = 1L << 30;
            case 't' -> mult = 1L << 40;
            default -> { }
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size: " + s);
        }
    }
}
