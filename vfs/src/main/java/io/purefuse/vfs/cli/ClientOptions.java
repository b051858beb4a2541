package io.purefuse.vfs.cli;

import io.purefuse.vfs.FuseConfig;
import io.purefuse.vfs.cli.AlluxioFuseCommand.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that talk to a cluster without mounting ({@code location},
 * {@code load}, {@code stat}): {@code --conf}, {@code -D}, {@code --ufs} and the
 * {@link ClusterOptions}, resolved as {@code mount} resolves them.
 */
final class ClientOptions {
    @Option(names = "--ufs", paramLabel = "ROOT",
            description = "The UFS root the workers serve (" + FuseConfig.UFS_ROOT + ").")
    String ufs;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "An Alluxio property, as in alluxio-site.properties.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--conf", paramLabel = "FILE", description = "Properties file (alluxio-site.properties form).")
    Path conf;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    /**
     * The configuration for {@code command}; a usage error unless it names a cluster and a UFS
     * root.
     */
    FuseConfig resolve(String command) {
        FuseConfig config = new FuseConfig();
        if (conf != null) {
            if (!Files.isReadable(conf)) {
                throw new UsageError("cannot read --conf file " + conf);
            }
            try {
                config.load(conf);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageError("cannot load --conf file " + conf + ": " + e.getMessage());
            }
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new UsageError("-D needs KEY=VALUE");
            }
            config.set(e.getKey(), e.getValue());
        }
        if (ufs != null) {
            config.set(FuseConfig.UFS_ROOT, ufs);
        }
        cluster.applyTo(config);
        if (!ClusterOptions.isCluster(config)) {
            throw new UsageError(command + " asks the workers: give --etcd URL [--cluster NAME] or --workers HOST:PORT,...");
        }
        checkClusterUfsRoot(config);
        return config;
    }

    /** In cluster mode the UFS root is required and, when it is a plain path, absolute. */
    static void checkClusterUfsRoot(FuseConfig config) {
        String root = config.get(FuseConfig.UFS_ROOT);
        if (root == null || root.isBlank()) {
            throw new UsageError("no UFS root: with " + ClusterOptions.describe(config) + " give --ufs ROOT, the "
                    + "under-store root the workers serve (" + FuseConfig.UFS_ROOT + ")");
        }
        if (!root.contains("://") && !root.startsWith("/")) {
            throw new UsageError("the UFS root '" + root + "' must be absolute (the workers resolve it, not this directory)");
        }
    }
}
