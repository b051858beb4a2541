package io.purefuse.vfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where a mount process keeps its log and pid file:
 * {@code ${XDG_RUNTIME_DIR:-/tmp}/purefuse/<escaped mount point>.log} and {@code .pid}.
 *
 * <p>Escaping: the absolute mount point without its leading slash, with {@code /} written as
 * {@code -} and every byte outside {@code [A-Za-z0-9._]} (including {@code -} itself) as
 * {@code %XX}; so {@code /mnt/my-data} becomes {@code mnt-my%2Ddata}.
 */
public record RuntimeFiles(Path dir, Path log, Path pid) {
    /** Overrides the directory (tests); otherwise XDG_RUNTIME_DIR or /tmp. */
    public static final String DIR_PROPERTY = "purefuse.runtime.dir";

    public static Path baseDir() {
        String override = System.getProperty(DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return Path.of(xdg != null && !xdg.isBlank() ? xdg : "/tmp", "purefuse");
    }

    public static RuntimeFiles of(Path mountPoint) {
        Path dir = baseDir();
        String name = escape(mountPoint.toAbsolutePath().normalize().toString());
        return new RuntimeFiles(dir, dir.resolve(name + ".log"), dir.resolve(name + ".pid"));
    }

    static String escape(String absolute) {
        String s = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        if (s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if (u == '/') {
                b.append('-');
            } else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.'
                    || u == '_') {
                b.append((char) u);
            } else {
                b.append('%').append(String.format("%02X", u));
            }
        }
        return b.toString();
    }

    /** The pid recorded in the pid file, if any. */
    public OptionalLong readPid() {
        try {
            String s = Files.readString(pid, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The pid from the pid file if that process is still alive. */
    public OptionalLong livePid() {
        OptionalLong p = readPid();
        if (p.isPresent() && ProcessHandle.of(p.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            return p;
        }
        return OptionalLong.empty();
    }

    public void writePid(long pidValue) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(pid.getFileName() + ".tmp" + pidValue);
        Files.writeString(tmp, pidValue + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, pid, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the pid file if it still names {@code pidValue}. */
    public void deletePid(long pidValue) {
        OptionalLong p = readPid();
        if (p.isPresent() && p.getAsLong() == pidValue) {
            try {
                Files.deleteIfExists(pid);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Last {@code lines} lines of the log (empty if none). */
    public String logTail(int lines) {
        try {
            java.util.List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
