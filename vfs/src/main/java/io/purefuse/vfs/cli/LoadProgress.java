package io.purefuse.vfs.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of {@code alluxio-fuse load}: files and bytes done of the total, and the rate. On a
 * terminal one bar redrawn in place (at most 5 times a second); otherwise plain lines, one per
 * finished file plus one every few seconds while a big file is loading, so logs stay readable.
 * Thread safe: several loader threads report into one instance.
 */
final class LoadProgress {
    private static final long BAR_INTERVAL_NS = 200_000_000L;
    private static final long LINE_INTERVAL_NS = 5_000_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean bar;
    private final long totalFiles;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private long files;
    private long lastPrint = start;
    private int lastBarLength;

    LoadProgress(PrintWriter out, boolean bar, long totalFiles, long totalBytes) {
        this.out = out;
        this.bar = bar;
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
    }

    /** {@code delta} more bytes loaded. */
    void addBytes(long delta) {
        bytes.addAndGet(delta);
        tick(false, null);
    }

    /** One more file finished ({@code failed} = null) or failed. */
    void fileDone(String path, long length, String failed) {
        synchronized (this) {
            files++;
        }
        tick(true, failed == null ? "loaded " + path + " (" + human(length) + ")" : "FAILED " + path + ": " + failed);
    }

    private synchronized void tick(boolean fileEvent, String line) {
        long now = System.nanoTime();
        if (bar) {
            if (line != null && line.startsWith("FAILED")) {
                clearBar();
                out.println(line);
            }
            if (fileEvent || now - lastPrint >= BAR_INTERVAL_NS) {
                drawBar(now);
                lastPrint = now;
            }
        } else if (line != null) {
            out.println(line + " " + counters(now));
            lastPrint = now;
        } else if (now - lastPrint >= LINE_INTERVAL_NS) {
            out.println("loading " + counters(now));
            lastPrint = now;
        }
        out.flush();
    }

    /** Ends the bar with a newline and prints the summary line. */
    synchronized void finish(long failedFiles) {
        long now = System.nanoTime();
        if (bar) {
            drawBar(now);
            out.println();
        }
        double secs = Math.max(1e-9, (now - start) / 1e9);
        out.printf(Locale.ROOT, "Loaded %d of %d files, %s in %.1f s (%s/s)%s%n", files - failedFiles, totalFiles,
                human(bytes.get()), secs, human((long) (bytes.get() / secs)),
                failedFiles > 0 ? ", " + failedFiles + " failed" : "");
        out.flush();
    }

    private String counters(long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        return String.format(Locale.ROOT, "[%d/%d files, %s/%s, %s/s]", files, totalFiles, human(bytes.get()),
                human(totalBytes), human((long) (bytes.get() / secs)));
    }

    private void drawBar(long now) {
        double frac = totalBytes > 0 ? Math.min(1.0, (double) bytes.get() / totalBytes)
                : totalFiles > 0 ? (double) files / totalFiles : 1.0;
        int filled = (int) Math.round(frac * BAR_WIDTH);
        String s = String.format(Locale.ROOT, "\r[%s%s] %3d%% %s", "#".repeat(filled), ".".repeat(BAR_WIDTH - filled),
                (int) Math.floor(frac * 100), counters(now));
        int pad = Math.max(0, lastBarLength - s.length());
        out.print(s + " ".repeat(pad));
        lastBarLength = s.length();
    }

    private void clearBar() {
        if (lastBarLength > 0) {
            out.print("\r" + " ".repeat(lastBarLength) + "\r");
            lastBarLength = 0;
        }
    }

    static String human(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Whether stdout is a terminal (on JDK 22+ System.console() exists even when it is not). */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK < 22: console() is non-null only on a terminal
        }
    }
}
