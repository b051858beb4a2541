package io.purefuse.harness.cluster;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.Backends;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.VfsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Alluxio VFS mounted in this JVM over a worker client built from a cluster's client
 * properties ({@code Backends.fromProperties}), as {@code alluxio-fuse mount --etcd ...} does in
 * its own process. {@link #close()} unmounts (always), closes the VFS and the client.
 */
public final class ClusterMount implements AutoCloseable {
    private final FileSystemBackend backend;
    private final AlluxioFuseFilesystem fs;
    private final MountedFs mount;

    private ClusterMount(FileSystemBackend backend, AlluxioFuseFilesystem fs, MountedFs mount) {
        this.backend = backend;
        this.fs = fs;
        this.mount = mount;
    }

    /** Mounts {@code cluster} with default VFS and session options. */
    public static ClusterMount mount(LocalCluster cluster) throws IOException, BackendException {
        return mount(cluster.clientProperties(), new VfsOptions(), new SessionOptions());
    }

    /** Mounts with extra client properties on top of the cluster's. */
    public static ClusterMount mount(LocalCluster cluster, Map<String, String> extra) throws IOException, BackendException {
        Map<String, String> p = new LinkedHashMap<>(cluster.clientProperties());
        p.putAll(extra);
        return mount(p, new VfsOptions(), new SessionOptions());
    }

    public static ClusterMount mount(Map<String, String> clientProperties, VfsOptions vfs, SessionOptions session)
            throws IOException, BackendException {
        FileSystemBackend backend = Backends.fromProperties(clientProperties);
        AlluxioFuseFilesystem fs = null;
        try {
            fs = new AlluxioFuseFilesystem(backend, vfs);
            // As alluxio-fuse mount does: ask for passthrough when the VFS can use it (the client cache).
            if (fs.wantsPassthrough()) {
                session.passthrough(true);
            }
            return new ClusterMount(backend, fs, MountedFs.mount(fs, session));
        } catch (IOException | RuntimeException | Error e) {
            if (fs != null) {
                fs.close();
            }
            backend.close();
            throw e;
        }
    }

    /** The worker client under the mount. */
    public FileSystemBackend backend() {
        return backend;
    }

    public MountedFs mounted() {
        return mount;
    }

    public Path root() {
        return mount.root();
    }

    public Path path(String relative) {
        return mount.path(relative);
    }

    @Override
    public void close() {
        try {
            mount.close();
        } finally {
            try {
                fs.close();
            } finally {
                try {
                    backend.close();
                } catch (BackendException | RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ClusterMount.class).warn("closing the client failed", e);
                }
            }
        }
    }
}
