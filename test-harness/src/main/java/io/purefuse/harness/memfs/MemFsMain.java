package io.purefuse.harness.memfs;

import io.purefuse.mount.MountOptions;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
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
