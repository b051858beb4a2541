package io.purefuse.vfs;

import io.purefuse.mount.MountOptions;
import io.purefuse.wire.init.InitOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code -o} options of {@code alluxio-fuse mount}, split by who consumes them.
 *
 * <ul>
 *   <li>VFS: {@code kernel_cache}, {@code auto_cache}, {@code direct_io}, {@code attr_timeout=S},
 *   {@code entry_timeout=S}, {@code negative_timeout=S} (seconds, fractions allowed),
 *   {@code ro}.</li>
 *   <li>Session: {@code max_idle_threads=N} (the number of reader threads),
 *   {@code read_ahead_kb=N} (the mount's readahead window, default 1024),
 *   {@code max_background=N}, {@code max_write=N}, {@code max_readahead=N}.</li>
 *   <li>Mount: {@code ro}, {@code rw}, {@code allow_other}, {@code default_permissions},
 *   {@code auto_unmount}, {@code nonempty}, {@code fsname=}, {@code subtype=}, {@code max_read=}
 *   and the generic flags ({@code noatime}, {@code noexec}, {@code nosuid}, ...).</li>
 *   <li>Accepted for compatibility with libfuse command lines and ignored: {@code big_writes},
 *   {@code use_ino}, {@code readdir_ino}, {@code async_read}, {@code atomic_o_trunc},
 *   {@code splice_read}, {@code splice_write}, {@code splice_move}.</li>
 * </ul>
 * <p>{@code allow_other} implies {@code default_permissions} (the kernel then checks mode bits
 * for every caller, as a local filesystem would); {@code no_default_permissions} refuses that
 * explicitly and leaves all permission checks to the filesystem. {@code allow_other} is never on
 * unless asked for. Giving both {@code default_permissions} and {@code no_default_permissions}
 * is an error.
 *
 * Anything else is an error, so that a typo fails the mount instead of being silently dropped.
 */
public final class FuseMountOptions {
    private static final Set<String> MOUNT_FLAGS = Set.of("ro", "rw", "allow_other", "default_permissions",
            "auto_unmount", "nonempty", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "noatime", "atime",
            "nodiratime", "diratime", "relatime", "norelatime", "strictatime", "nostrictatime", "sync", "async",
            "dirsync", "lazytime", "nolazytime");
    private static final Set<String> MOUNT_VALUED = Set.of("fsname", "subtype", "max_read");
    private static final Set<String> IGNORED = Set.of("big_writes", "use_ino", "readdir_ino", "async_read",
            "atomic_o_trunc", "splice_read", "splice_write", "splice_move");

    /** fsname shown in mountinfo/df unless {@code -o fsname=} is given. */
    public static final String DEFAULT_FSNAME = "alluxio-fuse";
    /** The mount type is {@code fuse.purefuse}: how {@code alluxio-fuse list} recognises our mounts. */
    public static final String SUBTYPE = "purefuse";

    private final MountOptions.Builder mount = MountOptions.builder().fsname(DEFAULT_FSNAME).subtype(SUBTYPE);
    private final InitOptions init = new InitOptions();
    private int readerThreads = -1;
    private int readAheadKb = DEFAULT_READ_AHEAD_KB;
    private final List<String> ignored = new ArrayList<>();
    private boolean readOnly;
    private boolean kernelCache;
    private boolean autoCache;
    private boolean directIo;
    private boolean debug;
    private Duration attrTimeout;
    private Duration entryTimeout;
    private Duration negativeTimeout;
    private boolean allowOther;
    private boolean defaultPermissions;
    private boolean noDefaultPermissions;

    /** Parses comma separated options (several strings may be given). */
    public static FuseMountOptions parse(List<String> optionStrings) {
        FuseMountOptions o = new FuseMountOptions();
        for (String s : optionStrings) {
            if (s == null || s.isBlank()) {
                continue;
            }
            for (String raw : s.split(",")) {
                String opt = raw.trim();
                if (!opt.isEmpty()) {
                    o.add(opt);
                }
            }
        }
        return o;
    }

    private void add(String opt) {
        int eq = opt.indexOf('=');
        String key = (eq < 0 ? opt : opt.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? null : opt.substring(eq + 1);
        switch (key) {
            case "kernel_cache" -> kernelCache = flag(key, value);
            case "auto_cache" -> autoCache = flag(key, value);
            case "direct_io" -> directIo = flag(key, value);
            case "debug" -> debug = flag(key, value);
            case "attr_timeout" -> attrTimeout = seconds(key, value);
            case "entry_timeout" -> entryTimeout = seconds(key, value);
            case "negative_timeout" -> negativeTimeout = seconds(key, value);
            case "max_idle_threads" -> readerThreads = positive(key, value, 1, 1024);
            case "read_ahead_kb" -> readAheadKb = positive(key, value, 0, 1 << 20);
            case "max_background" -> init.maxBackground(positive(key, value, 1, 65535));
            case "max_write" -> init.maxWrite(positive(key, value, 4096, 1 << 20));
            case "max_readahead" -> init.maxReadahead(positive(key, value, 0, Integer.MAX_VALUE));
            case "no_default_permissions" -> noDefaultPermissions = flag(key, value);
            default -> {
                if (MOUNT_FLAGS.contains(key)) {
                    flag(key, value);
                    if (key.equals("ro")) {
                        readOnly = true;
                    } else if (key.equals("rw")) {
                        readOnly = false;
                    } else if (key.equals("allow_other")) {
                        allowOther = true;
                    } else if (key.equals("default_permissions")) {
                        defaultPermissions = true;
                    }
                    mount.option(key);
                } else if (MOUNT_VALUED.contains(key)) {
                    if (value == null || value.isEmpty()) {
                        throw new IllegalArgumentException("mount option '" + key + "' needs a value");
                    }
                    if (key.equals("max_read")) {
                        positive(key, value, 4096, Integer.MAX_VALUE);
                    }
                    mount.option(opt);
                } else if (IGNORED.contains(key)) {
                    ignored.add(opt);
                } else {
                    throw new IllegalArgumentException("unknown mount option '" + opt + "'");
                }
            }
        }
    }

    private static boolean flag(String key, String value) {
        if (value != null) {
            throw new IllegalArgumentException("mount option '" + key + "' takes no value");
        }
        return true;
    }

    private static Duration seconds(String key, String value) {
        try {
            double s = Double.parseDouble(value);
            if (!(s >= 0) || s > 1e9) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos((long) (s * 1e9));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("mount option '" + key + "' needs seconds (like 1 or 0.5): '"
                    + value + "'");
        }
    }

    private static int positive(String key, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("mount option '" + key + "' needs an integer in [" + min + ", " + max
                    + "]: '" + value + "'");
        }
    }

    /** Applies the VFS-level options. */
    public void applyTo(VfsOptions v) {
        v.readOnly(readOnly).kernelCache(kernelCache).autoCache(autoCache).directIo(directIo);
        if (attrTimeout != null) {
            v.attrTimeout(attrTimeout);
        }
        if (entryTimeout != null) {
            v.entryTimeout(entryTimeout);
        }
        if (negativeTimeout != null) {
            v.negativeTimeout(negativeTimeout);
        }
    }

    /** Mount options, with {@code default_permissions} when asked for or implied by {@code allow_other}. */
    public MountOptions mountOptions() {
        if (defaultPermissions && noDefaultPermissions) {
            throw new IllegalArgumentException("mount options 'default_permissions' and 'no_default_permissions'"
                    + " contradict each other");
        }
        return mount.defaultPermissions(defaultPermissions()).build();
    }

    /** Whether the kernel checks permissions ({@code default_permissions}, given or implied). */
    public boolean defaultPermissions() {
        return !noDefaultPermissions && (defaultPermissions || allowOther);
    }

    public InitOptions initOptions() {
        return init;
    }

    /**
     * {@code -o debug}: log every FUSE request and its reply on one line (the session's
     * {@code purefuse.fuse.debug} logger; a background mount writes it to its log file).
     */
    public boolean debug() {
        return debug;
    }

    /** Default of {@code read_ahead_kb}: 1 MiB buffered READs (see {@link #readAheadKb()}). */
    public static final int DEFAULT_READ_AHEAD_KB = 1024;

    /**
     * {@code read_ahead_kb=N}: the mount's readahead window in KiB, set through sysfs after
     * mounting (0 = the kernel's 128 KiB). Larger windows mean fewer, larger buffered READs.
     */
    public int readAheadKb() {
        return readAheadKb;
    }

    /** Reader threads, or -1 for the session default. */
    public int readerThreads() {
        return readerThreads;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public List<String> ignored() {
        return ignored;
    }
}
