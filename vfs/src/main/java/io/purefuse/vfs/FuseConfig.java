package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.InvalidPathException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alluxio-style properties ({@code alluxio-site.properties} form) that configure a mount, with
 * their defaults and typed accessors. Unknown {@code alluxio.*} keys are kept (and ignored).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #MOUNT_OPTIONS}</td><td>(none)</td><td>comma separated {@code -o} options</td></tr>
 *   <tr><td>{@value #MOUNT_ALLUXIO_PATH}</td><td>{@code /}</td><td>namespace sub-path exposed as the mount root</td></tr>
 *   <tr><td>{@value #UFS_ROOT}</td><td>(none)</td><td>local directory (or {@code file://} URI) used as the UFS</td></tr>
 *   <tr><td>{@value #RANDOM_ACCESS}</td><td>false</td><td>allow append, overwrite, random writes and truncate</td></tr>
 *   <tr><td>{@value #UMOUNT_TIMEOUT}</td><td>{@code 120s}</td><td>how long unmount waits for busy files</td></tr>
 *   <tr><td>{@value #METADATA_CACHE_MAX_SIZE}</td><td>20000</td><td>entries of the userspace metadata cache (0 = off)</td></tr>
 *   <tr><td>{@value #METADATA_CACHE_EXPIRATION}</td><td>{@code 10s}</td><td>lifetime of a cached status (0 = off)</td></tr>
 *   <tr><td>{@value #SYMLINK_ENABLED}</td><td>false</td><td>allow creating symbolic links</td></tr>
 *   <tr><td>{@value #PASSTHROUGH}</td><td>true</td><td>purefuse's own: let the kernel read (and, with random
 *   access, write) local UFS files directly (FUSE passthrough; needs root and a 6.9+ kernel, else
 *   ignored)</td></tr>
 *   <tr><td>{@value #PASSTHROUGH_MIN_SIZE}</td><td>32768</td><td>purefuse's own: read-only opens of smaller
 *   files (bytes) are served by purefuse, not passed through (registering costs more than it saves)</td></tr>
 *   <tr><td>{@value #TRACE_FILE}</td><td>(none)</td><td>purefuse's own: record every frame read from and
 *   written to /dev/fuse in this file (a conformance trace: {@code bin/fuse-trace dump}); slow, for diagnosis</td></tr>
 *   <tr><td>{@value #REQUEST_TIMEOUT}</td><td>{@code 10min}</td><td>purefuse's own: a kernel request unanswered
 *   this long is failed with ETIMEDOUT instead of hanging its caller (0 = never)</td></tr>
 *   <tr><td>{@value #BACKEND_TIMEOUT}</td><td>{@code 0}</td><td>purefuse's own: deadline of one backend
 *   namespace or open call; a call that misses it answers ETIMEDOUT and its late result is discarded
 *   (0 = none)</td></tr>
 * </table>
 * Durations are Alluxio style: a number with a unit {@code ms, s, sec, m, min, h, d} (a bare
 * number is milliseconds).
 */
public final class FuseConfig {
    public static final String MOUNT_OPTIONS = "alluxio.fuse.mount.options";
    public static final String MOUNT_ALLUXIO_PATH = "alluxio.fuse.mount.alluxio.path";
    public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
    public static final String RANDOM_ACCESS = "alluxio.user.fuse.random.access.file.stream.enabled";
    public static final String UMOUNT_TIMEOUT = "alluxio.fuse.umount.timeout";
    public static final String METADATA_CACHE_MAX_SIZE = "alluxio.user.metadata.cache.max.size";
    public static final String METADATA_CACHE_EXPIRATION = "alluxio.user.metadata.cache.expiration.time";
    public static final String SYMLINK_ENABLED = "alluxio.fuse.symlink.enabled";
    public static final String REQUEST_TIMEOUT = "purefuse.fuse.request.timeout";
    public static final String PASSTHROUGH = "purefuse.fuse.passthrough.enabled";
    public static final String BACKEND_TIMEOUT = "purefuse.fuse.backend.timeout";
    public static final String PASSTHROUGH_MIN_SIZE = "purefuse.fuse.passthrough.min.size";
    public static final String TRACE_FILE = "purefuse.fuse.trace.file";

    private static final Map<String, String> DEFAULTS = Map.of(
            MOUNT_ALLUXIO_PATH, "/",
            RANDOM_ACCESS, "false",
            UMOUNT_TIMEOUT, "120s",
            METADATA_CACHE_MAX_SIZE, "20000",
            METADATA_CACHE_EXPIRATION, "10s",
            SYMLINK_ENABLED, "false",
            REQUEST_TIMEOUT, "10min",
            PASSTHROUGH, "true",
            PASSTHROUGH_MIN_SIZE, Long.toString(VfsOptions.DEFAULT_PASSTHROUGH_MIN_SIZE),
            BACKEND_TIMEOUT, "0");

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|sec|m|min|h|hr|d|day)?");

    private final Map<String, String> values = new TreeMap<>();

    public FuseConfig() {
    }

    /** Loads {@code key=value} lines (java.util.Properties syntax) from {@code file}. */
    public FuseConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            set(k, p.getProperty(k));
        }
        return this;
    }

    public FuseConfig set(String key, String value) {
        values.put(key.trim(), value.trim());
        return this;
    }

    /** Explicitly set (file or -D), not defaulted. */
    public boolean isSet(String key) {
        return values.containsKey(key);
    }

    public String get(String key) {
        String v = values.get(key);
        return v != null ? v : DEFAULTS.get(key);
    }

    public Map<String, String> explicitValues() {
        return Map.copyOf(values);
    }

    public boolean getBoolean(String key) {
        String v = get(key);
        if (v == null) {
            return false;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(key + " must be true or false: '" + v + "'");
        }
    }

    public long getLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(key + " must be an integer: '" + v + "'");
        }
    }

    public Duration getDuration(String key) {
        return parseDuration(key, get(key));
    }

    /** Alluxio duration syntax: {@code 10s}, {@code 2min}, {@code 500ms}, {@code 1h}; bare number = ms. */
    public static Duration parseDuration(String what, String v) {
        Matcher m = DURATION.matcher(v == null ? "" : v.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " must be a duration like 500ms, 10s, 2min, 1h: '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
            case "sec":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
            case "hr":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    /** The mounted namespace path ({@value #MOUNT_ALLUXIO_PATH}), normalised. */
    public AlluxioPath alluxioPath() {
        return parseAlluxioPath(get(MOUNT_ALLUXIO_PATH));
    }

    /** Parses a user-given namespace path: absolute, trailing slashes and repeated slashes tolerated. */
    public static AlluxioPath parseAlluxioPath(String s) {
        String p = s.trim().replaceAll("/+", "/");
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        try {
            return AlluxioPath.of(p);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid Alluxio path '" + s + "': " + e.getMessage());
        }
    }

    /** The UFS root as a local directory, or null if not configured. */
    public Path ufsRoot() {
        String v = get(UFS_ROOT);
        if (v == null || v.isBlank()) {
            return null;
        }
        return parseLocalUfs(v);
    }

    public static Path parseLocalUfs(String v) {
        String s = v.trim();
        if (s.startsWith("file://")) {
            s = s.substring("file://".length());
        } else if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("only a local UFS is supported by the embedded backend: '" + v + "'");
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty UFS root");
        }
        return Path.of(s).toAbsolutePath().normalize();
    }
}
