package io.purefuse.vfs.cli;

import io.purefuse.session.FuseSession;
import io.purefuse.session.PendingRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The mount process's status for {@code alluxio-fuse list}: every second it rewrites
 * {@link RuntimeFiles#status()} (atomically) with its pid, the time, and the requests that have
 * waited for an answer longer than {@link #SLOW}:
 * <pre>
 * pid 1234 updated 1764403200000
 * slow 2150 LOOKUP unique=88 nodeid=1 pid=4321
 * </pre>
 * ({@code slow AGE_MS OPCODE ...}, oldest first). A file not updated for several seconds means the
 * mount process itself is stuck or gone.
 */
public final class MountStatusFile implements AutoCloseable {
    /** Requests older than this are listed. */
    public static final Duration SLOW = Duration.ofSeconds(1);
    /** A status file older than this is stale. */
    static final long STALE_MILLIS = 5_000;
    /** How often the file is rewritten. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    private final Path file;
    private final FuseSession session;
    private final long pid;
    private final ScheduledExecutorService timer;

    private MountStatusFile(Path file, FuseSession session, long pid) {
        this.file = file;
        this.session = session;
        this.pid = pid;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alluxio-fuse-status");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts rewriting {@code rf.status()} for {@code session} (needs request ages tracked). */
    public static MountStatusFile start(RuntimeFiles rf, FuseSession session, long pid) {
        MountStatusFile s = new MountStatusFile(rf.status(), session, pid);
        s.write();
        s.timer.scheduleAtFixedRate(s::write, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }

    private void write() {
        try {
            StringBuilder sb = new StringBuilder();
            sb.append("pid ").append(pid).append(" updated ").append(System.currentTimeMillis()).append('\n');
            for (PendingRequest r : session.pendingRequests(SLOW)) {
                sb.append("slow ").append(TimeUnit.NANOSECONDS.toMillis(r.ageNanos())).append(' ').append(r.opcode())
                        .append(" unique=").append(r.unique()).append(" nodeid=").append(r.nodeid())
                        .append(" pid=").append(r.pid()).append('\n');
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // best effort: list then reports the file as stale
        }
    }

    /** Stops and deletes the file. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * What {@code list} shows for a status file: indented lines, empty if nothing to report. Slow
     * requests come only from a fresh file; a stale one is reported only while its process lives.
     */
    static List<String> describe(Path file, long nowMillis, boolean processAlive) {
        List<String> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        if (lines.isEmpty()) {
            return out;
        }
        String[] head = lines.get(0).split(" ");
        long age = Long.MAX_VALUE;
        if (head.length >= 4 && head[2].equals("updated")) {
            try {
                age = nowMillis - Long.parseLong(head[3]);
            } catch (NumberFormatException ignored) {
                // malformed: treated as stale
            }
        }
        if (age > STALE_MILLIS) {
            if (processAlive) {
                out.add("  status not updated for " + (age == Long.MAX_VALUE ? "?" : Long.toString(age / 1000))
                        + " s: the mount process may be stuck");
            }
            return out;
        }
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(" ", 3);
            if (f.length == 3 && f[0].equals("slow")) {
                out.add("  in flight " + f[1] + " ms: " + f[2]);
            }
        }
        return out;
    }
}
