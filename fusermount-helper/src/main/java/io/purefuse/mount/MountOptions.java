package io.purefuse.mount;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Immutable FUSE mount options; build with {@link #builder()}.
 *
 * <p>How they reach the kernel depends on the strategy:
 * <ul>
 *   <li><b>fusermount3</b>: {@link #fusermountOptions()} is passed as {@code -o}. fusermount3 computes
 *       {@code fd}, {@code rootmode}, {@code user_id} and {@code group_id} itself and adds
 *       {@code nosuid,nodev} unless {@code suid}/{@code dev} are given.</li>
 *   <li><b>mount(2)</b> (root, no fusermount3): source = {@link #fsname()}, type = {@link #fsType()},
 *       flags = {@link #mountFlags()} ({@code nosuid,nodev} by default, {@code ro} and the other
 *       generic flags go here, not into the data string) and data =
 *       {@link #mountData(int, int, int, int)}: {@code fd=N,rootmode=<octal st_mode & S_IFMT of the
 *       mount point>,user_id=<uid>,group_id=<gid>} plus {@code default_permissions},
 *       {@code allow_other}, {@code max_read=N} and any raw option that is not a generic flag.</li>
 * </ul>
 *
 * <p>{@code nonempty} is never handed to anyone: fusermount3 3.x accepts it but ignores it (and
 * happily mounts over a non-empty directory), the kernel does not know it. The emptiness check is
 * done by {@link Mounter} itself unless {@code nonempty} is set.
 *
 * <p>{@code auto_unmount} only exists with fusermount3 (it stays alive and unmounts when our end of
 * its socket closes), so {@link Mounter} mounts through fusermount3 whenever it is asked for, also
 * as root and with {@link Mounter.Strategy#MOUNT_SYSCALL}, and refuses it when fusermount3 is
 * missing.
 */
public final class MountOptions {
    /** Default {@code fsname} (the "source" column of mountinfo / df). */
    public static final String DEFAULT_FSNAME = "purefuse";

    /** Generic mount flags accepted as raw options: name -> {set bits, clear bits}. */
    private static final Map<String, long[]> FLAG_OPTIONS = Map.ofEntries(
            Map.entry("ro", new long[] {LibC.MS_RDONLY, 0}),
            Map.entry("rw", new long[] {0, LibC.MS_RDONLY}),
            Map.entry("nosuid", new long[] {LibC.MS_NOSUID, 0}),
            Map.entry("suid", new long[] {0, LibC.MS_NOSUID}),
            Map.entry("nodev", new long[] {LibC.MS_NODEV, 0}),
            Map.entry("dev", new long[] {0, LibC.MS_NODEV}),
            Map.entry("noexec", new long[] {LibC.MS_NOEXEC, 0}),
            Map.entry("exec", new long[] {0, LibC.MS_NOEXEC}),
            Map.entry("sync", new long[] {LibC.MS_SYNCHRONOUS, 0}),
            Map.entry("async", new long[] {0, LibC.MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[] {LibC.MS_DIRSYNC, 0}),
            Map.entry("noatime", new long[] {LibC.MS_NOATIME, 0}),
            Map.entry("atime", new long[] {0, LibC.MS_NOATIME}),
            Map.entry("nodiratime", new long[] {LibC.MS_NODIRATIME, 0}),
            Map.entry("diratime", new long[] {0, LibC.MS_NODIRATIME}),
            Map.entry("relatime", new long[] {LibC.MS_RELATIME, 0}),
            Map.entry("norelatime", new long[] {0, LibC.MS_RELATIME}),
            Map.entry("strictatime", new long[] {LibC.MS_STRICTATIME, 0}),
            Map.entry("nostrictatime", new long[] {0, LibC.MS_STRICTATIME}),
            Map.entry("lazytime", new long[] {LibC.MS_LAZYTIME, 0}),
            Map.entry("nolazytime", new long[] {0, LibC.MS_LAZYTIME}));

    private static final List<String> RESERVED = List.of("fd", "rootmode", "user_id", "group_id");

    private final boolean allowOther;
    private final boolean readOnly;
    private final boolean defaultPermissions;
    private final boolean autoUnmount;
    private final boolean nonempty;
    private final String fsname;
    private final String subtype;
    private final int maxRead;
    private final List<String> extraOptions;

    private MountOptions(Builder b) {
        this.allowOther = b.allowOther;
        this.readOnly = b.readOnly;
        this.defaultPermissions = b.defaultPermissions;
        this.autoUnmount = b.autoUnmount;
        this.nonempty = b.nonempty;
        this.fsname = b.fsname;
        this.subtype = b.subtype;
        this.maxRead = b.maxRead;
        this.extraOptions = List.copyOf(b.extra);
    }

    /** A new builder with the defaults (everything off, fsname {@value #DEFAULT_FSNAME}). */
    public static Builder builder() {
        return new Builder();
    }

    /** The default options. */
    public static MountOptions defaults() {
        return builder().build();
    }

    /** A builder initialised from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.allowOther = allowOther;
        b.readOnly = readOnly;
        b.defaultPermissions = defaultPermissions;
        b.autoUnmount = autoUnmount;
        b.nonempty = nonempty;
        b.fsname = fsname;
        b.subtype = subtype;
        b.maxRead = maxRead;
        b.extra.addAll(extraOptions);
        return b;
    }

    public boolean allowOther() {
        return allowOther;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public boolean defaultPermissions() {
        return defaultPermissions;
    }

    public boolean autoUnmount() {
        return autoUnmount;
    }

    public boolean nonempty() {
        return nonempty;
    }

    /** The mount source shown in mountinfo / df; {@value #DEFAULT_FSNAME} unless set. */
    public String fsname() {
        return fsname;
    }

    public Optional<String> subtype() {
        return Optional.ofNullable(subtype);
    }

    public OptionalInt maxRead() {
        return maxRead > 0 ? OptionalInt.of(maxRead) : OptionalInt.empty();
    }

    /** Raw {@code -o} options passed through as given (after the recognised ones were mapped). */
    public List<String> extraOptions() {
        return extraOptions;
    }

    /** {@code fuse} or {@code fuse.<subtype>}: the file system type in mountinfo. */
    public String fsType() {
        return subtype == null ? "fuse" : "fuse." + subtype;
    }

    /** The {@code -o} argument for fusermount3 (never empty: it always carries {@code fsname}). */
    public String fusermountOptions() {
        List<String> o = new ArrayList<>();
        if (readOnly) {
            o.add("ro");
        }
        o.add("fsname=" + escapeForFusermount(fsname));
        if (subtype != null) {
            o.add("subtype=" + subtype);
        }
        if (allowOther) {
            o.add("allow_other");
        }
        if (defaultPermissions) {
            o.add("default_permissions");
        }
        if (maxRead > 0) {
            o.add("max_read=" + maxRead);
        }
        if (autoUnmount) {
            o.add("auto_unmount");
        }
        o.addAll(extraOptions);
        return String.join(",", o);
    }

    /** mount(2) flags: {@code MS_NOSUID|MS_NODEV} by default, {@code MS_RDONLY} for read-only, adjusted
     *  by raw generic flag options ({@code suid}, {@code dev}, {@code noexec}, {@code noatime}, ...). */
    public long mountFlags() {
        long flags = LibC.MS_NOSUID | LibC.MS_NODEV;
        if (readOnly) {
            flags |= LibC.MS_RDONLY;
        }
        for (String opt : extraOptions) {
            long[] f = FLAG_OPTIONS.get(opt);
            if (f != null) {
                flags = (flags | f[0]) & ~f[1];
            }
        }
        return flags;
    }

    /**
     * The mount(2) data string for the fuse file system.
     *
     * @param fd       the open {@code /dev/fuse} descriptor
     * @param rootMode {@code st_mode & S_IFMT} of the mount point (written in octal, e.g. 40000)
     * @param uid      user id of the mounting user ({@code getuid()})
     * @param gid      group id of the mounting user ({@code getgid()})
     */
    public String mountData(int fd, int rootMode, int uid, int gid) {
        StringBuilder sb = new StringBuilder();
        sb.append("fd=").append(fd)
                .append(",rootmode=").append(Integer.toOctalString(rootMode & 0170000))
                .append(",user_id=").append(Integer.toUnsignedString(uid))
                .append(",group_id=").append(Integer.toUnsignedString(gid));
        if (defaultPermissions) {
            sb.append(",default_permissions");
        }
        if (allowOther) {
            sb.append(",allow_other");
        }
        if (maxRead > 0) {
            sb.append(",max_read=").append(maxRead);
        }
        for (String opt : extraOptions) {
            if (!FLAG_OPTIONS.containsKey(opt)) {
                sb.append(',').append(opt);
            }
        }
        return sb.toString();
    }

    static String escapeForFusermount(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,");
    }

    @Override
    public String toString() {
        return fusermountOptions() + (nonempty ? ",nonempty" : "");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MountOptions)) {
            return false;
        }
        MountOptions m = (MountOptions) o;
        return allowOther == m.allowOther && readOnly == m.readOnly
                && defaultPermissions == m.defaultPermissions && autoUnmount == m.autoUnmount
                && nonempty == m.nonempty && fsname.equals(m.fsname) && Objects.equals(subtype, m.subtype)
                && maxRead == m.maxRead && extraOptions.equals(m.extraOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(allowOther, readOnly, defaultPermissions, autoUnmount, nonempty, fsname, subtype,
                maxRead, extraOptions);
    }

    /** Builder for {@link MountOptions}. Not thread safe. */
    public static final class Builder {
        private boolean allowOther;
        private boolean readOnly;
        private boolean defaultPermissions;
        private boolean autoUnmount;
        private boolean nonempty;
        private String fsname = DEFAULT_FSNAME;
        private String subtype;
        private int maxRead;
        private final List<String> extra = new ArrayList<>();

        private Builder() {
        }

        /** {@code allow_other}: let users other than the mounter access the mount (non-root
         *  mounters need {@code user_allow_other} in /etc/fuse.conf). */
        public Builder allowOther(boolean on) {
            this.allowOther = on;
            return this;
        }

        /** {@code ro}. */
        public Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        /** {@code default_permissions}: the kernel checks permissions from the file modes. */
        public Builder defaultPermissions(boolean on) {
            this.defaultPermissions = on;
            return this;
        }

        /** {@code auto_unmount}: fusermount3 stays alive and unmounts when this process dies. */
        public Builder autoUnmount(boolean on) {
            this.autoUnmount = on;
            return this;
        }

        /** Allow mounting over a non-empty directory (checked by {@link Mounter}, not passed on). */
        public Builder nonempty(boolean on) {
            this.nonempty = on;
            return this;
        }

        /** Mount source shown in mountinfo/df; any characters but NUL (commas are escaped for fusermount3). */
        public Builder fsname(String name) {
            Objects.requireNonNull(name, "fsname");
            if (name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("fsname must be non-empty and contain no NUL: " + name);
            }
            this.fsname = name;
            return this;
        }

        /** Subtype: the mount shows as {@code fuse.<subtype>}; letters, digits, {@code _ - .} only. */
        public Builder subtype(String subtype) {
            if (subtype != null && !subtype.matches("[A-Za-z0-9_.+-]+")) {
                throw new IllegalArgumentException("subtype must match [A-Za-z0-9_.+-]+: " + subtype);
            }
            this.subtype = subtype;
            return this;
        }

        /** {@code max_read=N}; 0 or negative clears it. */
        public Builder maxRead(int bytes) {
            this.maxRead = Math.max(0, bytes);
            return this;
        }

        /**
         * Raw {@code -o} option(s), comma separated. Options this class models ({@code ro},
         * {@code allow_other}, {@code default_permissions}, {@code auto_unmount}, {@code nonempty},
         * {@code fsname=}, {@code subtype=}, {@code max_read=}) are mapped to their setters; generic
         * mount flags ({@code rw, suid, dev, noexec, noatime, ...}) become mount(2) flags; anything
         * else is passed through to fusermount3 or into the mount(2) data string.
         *
         * @throws IllegalArgumentException for {@code fd}, {@code rootmode}, {@code user_id},
         *                                  {@code group_id} (always computed) or an empty option
         */
        public Builder option(String options) {
            for (String raw : options.split(",", -1)) {
                String opt = raw.trim();
                if (opt.isEmpty()) {
                    throw new IllegalArgumentException("empty mount option in '" + options + "'");
                }
                int eq = opt.indexOf('=');
                String key = (eq < 0 ? opt : opt.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : opt.substring(eq + 1);
                if (RESERVED.contains(key)) {
                    throw new IllegalArgumentException("mount option '" + key + "' is computed by the mounter");
                }
                switch (key) {
                    case "ro" -> readOnly(true);
                    case "rw" -> readOnly(false);
                    case "allow_other" -> allowOther(true);
                    case "default_permissions" -> defaultPermissions(true);
                    case "auto_unmount" -> autoUnmount(true);
                    case "nonempty" -> nonempty(true);
                    case "fsname" -> fsname(requireValue(key, value));
                    case "subtype" -> subtype(requireValue(key, value));
                    case "max_read" -> {
                        try {
                            maxRead(Integer.parseInt(requireValue(key, value)));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("max_read needs a number: " + opt, e);
                        }
                    }
                    default -> extra.add(opt);
                }
            }
            return this;
        }

        private static String requireValue(String key, String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("mount option '" + key + "' needs a value");
            }
            return value;
        }

        public MountOptions build() {
            return new MountOptions(this);
        }
    }
}
