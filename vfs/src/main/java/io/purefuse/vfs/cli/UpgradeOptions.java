package io.purefuse.vfs.cli;

import io.purefuse.vfs.FuseConfig;
import io.purefuse.vfs.FuseMountOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * New {@code -o} / {@code -D} options for {@code alluxio-fuse upgrade}: which may change on a live
 * mount, and the server command that carries them.
 *
 * <p>A successor serves the same kernel mount and inherits the INIT parameters its first server
 * negotiated, so options the kernel took at mount time ({@code ro}, {@code allow_other},
 * {@code fsname}, the generic mount flags, ...) or at INIT ({@code max_write},
 * {@code max_background}, {@code max_readahead}, passthrough), the number of device fds
 * ({@code max_idle_threads}) and what the mount shows ({@code --ufs}, the Alluxio path) cannot
 * change without a remount. What each reply carries (attribute and entry timeouts, the open
 * flags {@code kernel_cache}, {@code auto_cache}, {@code direct_io}), {@code debug} and the
 * client's and VFS's properties can.
 */
final class UpgradeOptions {
    /** {@code -o} options a successor can apply (they travel in replies or stay in the server). */
    static final Set<String> CHANGEABLE = Set.of("attr_timeout", "entry_timeout", "negative_timeout", "kernel_cache",
            "auto_cache", "direct_io", "debug");

    /** Properties fixed for the life of the mount. */
    static final Set<String> FIXED_PROPERTIES = Set.of(FuseConfig.UFS_ROOT, FuseConfig.MOUNT_ALLUXIO_PATH,
            FuseConfig.MOUNT_OPTIONS, FuseConfig.PASSTHROUGH);

    private UpgradeOptions() {
    }

    /**
     * Checks the new options; returns one line per option that cannot change on a live mount (or
     * is not a valid option at all), empty when all can.
     */
    static List<String> refusals(List<String> options, Map<String, String> properties) {
        List<String> out = new ArrayList<>();
        for (String s : options) {
            for (String raw : s.split(",")) {
                String opt = raw.trim();
                if (opt.isEmpty()) {
                    continue;
                }
                String key = opt.split("=", 2)[0].toLowerCase(Locale.ROOT);
                try {
                    FuseMountOptions.parse(List.of(opt));
                } catch (IllegalArgumentException e) {
                    out.add("-o " + opt + ": " + e.getMessage());
                    continue;
                }
                if (!CHANGEABLE.contains(key)) {
                    out.add("-o " + opt + ": fixed when the kernel mounted (mount option, INIT parameter or device fd"
                            + " count); unmount and mount again to change it");
                }
            }
        }
        for (String key : properties.keySet()) {
            if (key.isBlank()) {
                out.add("-D needs KEY=VALUE");
            } else if (FIXED_PROPERTIES.contains(key)) {
                out.add("-D " + key + ": fixed for the life of the mount; unmount and mount again to change it");
            }
        }
        return out;
    }

    /**
     * The server command {@code argv} (as the supervisor runs it: {@code ... mount [options]
     * MOUNTPOINT ALLUXIO_PATH}) with the new options added after the old ones (later ones win).
     *
     * @throws IllegalArgumentException when {@code argv} does not end with the mount point and the
     *     Alluxio path
     */
    static List<String> apply(List<String> argv, Set<String> mountPoint, List<String> options,
                              Map<String, String> properties) {
        int n = argv.size();
        if (n < 3 || !mountPoint.contains(argv.get(n - 2)) || !argv.contains("mount")) {
            throw new IllegalArgumentException("the server command does not end with the mount point " + mountPoint
                    + " and an Alluxio path: " + String.join(" ", argv));
        }
        List<String> out = new ArrayList<>(argv.subList(0, n - 2));
        properties.forEach((k, v) -> {
            out.add("-D");
            out.add(k + "=" + v);
        });
        for (String o : options) {
            out.add("-o");
            out.add(o);
        }
        out.addAll(argv.subList(n - 2, n));
        return out;
    }
}
