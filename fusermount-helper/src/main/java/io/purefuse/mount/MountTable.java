package io.purefuse.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mount table of this process's mount namespace, read from {@code /proc/self/mountinfo}.
 *
 * <p>Reading never touches the mounted file systems themselves, so it is safe on FUSE mounts that
 * are stale or whose server has not answered INIT yet (a {@code stat()} would block or fail).
 * mountinfo's octal escapes ({@code \040} space, {@code \011} tab, {@code \012} newline,
 * {@code \134} backslash) are decoded.
 */
public final class MountTable {
    /** The file read by {@link #read()}. */
    public static final Path MOUNTINFO = Paths.get("/proc/self/mountinfo");

    private MountTable() {
    }

    /**
     * One line of mountinfo.
     *
     * @param mountId      unique id of the mount (first field)
     * @param parentId     id of the parent mount
     * @param device       {@code major:minor} of the file system; for FUSE the minor is the
     *                     connection number under {@code /sys/fs/fuse/connections}
     * @param root         root of the mount within its file system
     * @param mountPoint   where it is mounted, unescaped
     * @param mountOptions per-mount options ({@code rw,nosuid,nodev,relatime})
     * @param fsType       file system type ({@code fuse}, {@code fuse.memfs}, {@code ext4}, ...)
     * @param source       mount source (the FUSE {@code fsname})
     * @param superOptions per-superblock options ({@code rw,user_id=0,group_id=0,...})
     */
    public record Entry(int mountId, int parentId, String device, String root, Path mountPoint,
                        String mountOptions, String fsType, String source, String superOptions) {

        /** A FUSE mount: type {@code fuse}, {@code fuse.*}, {@code fuseblk} or {@code fuseblk.*}
         *  (not {@code fusectl}, the control file system). */
        public boolean isFuse() {
            return isFuseType(fsType);
        }

        /** The subtype of a {@code fuse.<subtype>} mount. */
        public Optional<String> subtype() {
            int dot = fsType.indexOf('.');
            return isFuse() && dot > 0 ? Optional.of(fsType.substring(dot + 1)) : Optional.empty();
        }

        /** The FUSE connection number (device minor), the name of its directory in
         *  {@code /sys/fs/fuse/connections}. */
        public int connectionId() {
            return Integer.parseInt(device.substring(device.indexOf(':') + 1));
        }

        /** Whether the per-mount options contain {@code ro}. */
        public boolean readOnly() {
            return List.of(mountOptions.split(",")).contains("ro");
        }
    }

    /** Whether a mountinfo type names a FUSE file system. */
    public static boolean isFuseType(String fsType) {
        return fsType.equals("fuse") || fsType.startsWith("fuse.")
                || fsType.equals("fuseblk") || fsType.startsWith("fuseblk.");
    }

    /** All mounts of this mount namespace, in mountinfo order (a later entry on the same mount
     *  point is mounted on top of an earlier one). */
    public static List<Entry> read() {
        return read(MOUNTINFO);
    }

    /** Parses a mountinfo file. */
    public static List<Entry> read(Path mountinfo) {
        try {
            return parse(new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountinfo, e);
        }
    }

    /** Parses mountinfo text; malformed lines are skipped. */
    public static List<Entry> parse(String mountinfo) {
        List<Entry> entries = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            Entry e = parseLine(line);
            if (e != null) {
                entries.add(e);
            }
        }
        return entries;
    }

    /** Parses one mountinfo line, or returns null when it is malformed. */
    public static Entry parseLine(String line) {
        String[] f = line.trim().split(" ");
        int sep = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                sep = i;
                break;
            }
        }
        if (sep < 0 || sep + 2 >= f.length) {
            return null;
        }
        try {
            return new Entry(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]),
                    Paths.get(unescape(f[4])), f[5], unescape(f[sep + 1]), unescape(f[sep + 2]),
                    sep + 3 < f.length ? unescape(f[sep + 3]) : "");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Decodes mountinfo's {@code \ooo} octal escapes. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        // the escaped bytes are raw bytes of the path: decode as UTF-8 at the end
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && isOctal(in[i + 1]) && isOctal(in[i + 2]) && isOctal(in[i + 3])) {
                out.write(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }

    /** All FUSE mounts ({@link Entry#isFuse()}). */
    public static List<Entry> fuseMounts() {
        List<Entry> fuse = new ArrayList<>();
        for (Entry e : read()) {
            if (e.isFuse()) {
                fuse.add(e);
            }
        }
        return fuse;
    }

    /** FUSE mounts whose mount point is {@code dir} or below it (for tests: "nothing left mounted"). */
    public static List<Entry> fuseMountsUnder(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Entry> found = new ArrayList<>();
        for (Entry e : fuseMounts()) {
            if (e.mountPoint().startsWith(abs)) {
                found.add(e);
            }
        }
        return found;
    }

    /** The topmost mount (any type) on exactly {@code mountPoint} (compared as an absolute,
     *  normalised path; symlinks are not resolved). */
    public static Optional<Entry> find(Path mountPoint) {
        return find(read(), mountPoint);
    }

    static Optional<Entry> find(List<Entry> entries, Path mountPoint) {
        Path abs = mountPoint.toAbsolutePath().normalize();
        Entry top = null;
        for (Entry e : entries) {
            if (e.mountPoint().equals(abs)) {
                top = e;
            }
        }
        return Optional.ofNullable(top);
    }

    /** The entry with this mount id, if still mounted. */
    public static Optional<Entry> byMountId(int mountId) {
        for (Entry e : read()) {
            if (e.mountId() == mountId) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
