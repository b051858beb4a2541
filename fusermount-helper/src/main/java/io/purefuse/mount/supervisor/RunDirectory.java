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
        int uid = Native.posix().geteuid();
        return uid == 0 ? Path.of("/run/purefuse") : Path.of("/tmp/purefuse-" + uid);
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
