package io.purefuse.vfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where a mount process keeps its log, pid file and status file:
 * {@code ${XDG_RUNTIME_DIR:-/tmp}/purefuse/<escaped mount point>.log}, {@code .pid} and
 * {@code .status} ({@link MountStatusFile}).
 *
 * <p>Escaping: the absolute mount point without its leading slash, with {@code /} written as
 * {@code -} and every byte outside {@code [A-Za-z0-9._]} (including {@code -} itself) as
 * {@code %XX}; so {@code /mnt/my-data} becomes {@code mnt-my%2Ddata}.
 */
public record RuntimeFiles(Path dir, Path log, Path pid, Path mountPoint) {
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
        Path mp = mountPoint.toAbsolutePath().normalize();
        String name = escape(mp.toString());
        return new RuntimeFiles(dir, dir.resolve(name + ".log"), dir.resolve(name + ".pid"), mp);
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

    /**
     * The pid from the pid file if that process is still alive and is our mount process for this
     * mount point. A pid file left behind (crash, reboot) may name a pid that now belongs to an
     * unrelated process, which must never be waited for or signalled: the process's command line
     * ({@code /proc/PID/cmdline}) must name {@link AlluxioFuseCommand} and this mount point.
     */
    public OptionalLong livePid() {
        OptionalLong p = readPid();
        if (p.isPresent() && ProcessHandle.of(p.getAsLong()).map(ProcessHandle::isAlive).orElse(false)
                && isOurMountProcess(p.getAsLong())) {
            return p;
        }
        return OptionalLong.empty();
    }

    /** Whether process {@code pidValue} runs {@link AlluxioFuseCommand} with this mount point as an argument. */
    boolean isOurMountProcess(long pidValue) {
        Path proc = Path.of("/proc", Long.toString(pidValue));
        byte[] raw;
        try {
            raw = Files.readAllBytes(proc.resolve("cmdline"));
        } catch (IOException e) {
            return false;
        }
        String[] args = new String(raw, StandardCharsets.UTF_8).split("\0");
        boolean mainClass = false;
        for (String a : args) {
            if (a.equals(AlluxioFuseCommand.class.getName())) {
                mainClass = true;
                break;
            }
        }
        if (!mainClass) {
            return false;
        }
        Path cwd = null;
        try {
            cwd = proc.resolve("cwd").toRealPath();
        } catch (IOException | SecurityException e) {
            // unreadable: only absolute arguments can match
        }
        for (String a : args) {
            if (a.isEmpty() || a.startsWith("-")) {
                continue;
            }
            try {
                Path arg = Path.of(a);
                Path abs = arg.isAbsolute() ? arg.normalize() : cwd != null ? cwd.resolve(arg).normalize() : null;
                if (abs != null && abs.equals(mountPoint)) {
                    return true;
                }
            } catch (java.nio.file.InvalidPathException e) {
                // not a path
            }
        }
        return false;
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

    /** The status file the mount process rewrites every second ({@link MountStatusFile}). */
    public Path status() {
        String n = pid.getFileName().toString();
        return dir.resolve(n.substring(0, n.length() - ".pid".length()) + ".status");
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
