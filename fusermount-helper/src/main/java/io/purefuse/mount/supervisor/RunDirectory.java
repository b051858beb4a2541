package io.purefuse.mount.supervisor;

import io.purefuse.mount.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where supervisors put their control sockets: {@code $PUREFUSE_RUN_DIR}, else
 * {@code /run/purefuse} for root, else {@code /tmp/purefuse-<uid>}. One socket per mount,
 * named after a hash of the canonical mount point (socket paths are limited to 107 bytes).
 */
public final class RunDirectory {
    private RunDirectory() {
    }

    public static Path directory() {
        String env = System.getenv("PUREFUSE_RUN_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        long uid = effectiveUid();
        return uid == 0 ? Path.of("/run/purefuse") : Path.of("/tmp/purefuse-" + uid);
    }

    /**
     * This process's effective uid, from the second field of {@code Uid:} in /proc/self/status:
     * the CLI asks this on every mount, and reading it that way spares it loading jnr (about a
     * quarter of its start-up CPU). jnr where /proc is not mounted.
     */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Native.posix().geteuid();
    }

    /** The control socket of the supervisor of {@code mountPoint} (absolute, normalized). */
    public static Path controlSocket(Path mountPoint) {
        return directory().resolve(hash(mountPoint.toAbsolutePath().normalize().toString()) + ".sock");
    }

    /** Every control socket in the run directory. */
    public static List<Path> sockets() throws IOException {
        Path dir = directory();
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().forEach(out::add);
        }
        return out;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
