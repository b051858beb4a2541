package io.purefuse.harness.posix;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.harness.cluster.ClusterMount;
import io.purefuse.harness.cluster.LocalCluster;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.mount.MountOptions;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.VfsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * The mounts the POSIX suite runs against, each as a user would mount it for POSIX work:
 * {@code allow_other} with {@code default_permissions} (what {@code alluxio-fuse mount -o
 * allow_other} gives: the kernel checks modes), symlinks on.
 */
final class PosixMounts {
    private PosixMounts() {}

    /** VFS options shared by every backend: symlinks on, random access as asked. */
    static VfsOptions vfsOptions(boolean randomAccess) {
        return new VfsOptions().symlinks(true).randomAccess(randomAccess);
    }

    static SessionOptions sessionOptions(boolean passthrough) {
        MountOptions m = MountOptions.builder().fsname("alluxio-fuse").subtype("purefuse")
                .allowOther(true).defaultPermissions(true).build();
        return new SessionOptions().readerThreads(4).mount(m).unmountTimeout(Duration.ofSeconds(10))
                .passthrough(passthrough);
    }

    /** The VFS over a local UFS in a temp dir. {@link #close()} unmounts and deletes both. */
    static final class Local implements AutoCloseable {
        final Path ufs;
        private final LocalUnderFileSystem backend;
        private final AlluxioFuseFilesystem fs;
        private final MountedFs mount;

        private Local(Path ufs, LocalUnderFileSystem backend, AlluxioFuseFilesystem fs, MountedFs mount) {
            this.ufs = ufs;
            this.backend = backend;
            this.fs = fs;
            this.mount = mount;
        }

        static Local mount(boolean randomAccess) throws IOException {
            Path ufs = Files.createTempDirectory("purefuse-posix-ufs-");
            // The UFS root is the mount's root: other users must be able to walk in.
            Files.setPosixFilePermissions(ufs, PosixFilePermissions.fromString("rwxr-xr-x"));
            LocalUnderFileSystem backend = null;
            AlluxioFuseFilesystem fs = null;
            try {
                backend = LocalUnderFileSystem.open(ufs);
                fs = new AlluxioFuseFilesystem(backend, vfsOptions(randomAccess));
                return new Local(ufs, backend, fs, MountedFs.mount(fs, sessionOptions(fs.wantsPassthrough())));
            } catch (IOException | RuntimeException | Error e) {
                if (fs != null) {
                    fs.close();
                }
                if (backend != null) {
                    backend.close();
                }
                PosixSuite.deleteTree(ufs);
                throw e;
            }
        }

        Path root() {
            return mount.root();
        }

        @Override
        public void close() {
            try {
                mount.close();
            } finally {
                fs.close();
                backend.close();
                PosixSuite.deleteTree(ufs);
            }
        }
    }

    /** A 3-worker static cluster (no etcd) and the VFS mounted over it in this JVM. */
    static final class Cluster implements AutoCloseable {
        final LocalCluster cluster;
        final ClusterMount mount;

        private Cluster(LocalCluster cluster, ClusterMount mount) {
            this.cluster = cluster;
            this.mount = mount;
        }

        static Cluster start(boolean randomAccess) throws IOException {
            LocalCluster c = LocalCluster.builder().workers(3).etcd(false).cacheSize("256MB").start();
            try {
                Files.setPosixFilePermissions(c.ufsRoot(), PosixFilePermissions.fromString("rwxr-xr-x"));
                Map<String, String> props = c.clientProperties();
                ClusterMount m = ClusterMount.mount(props, vfsOptions(randomAccess), sessionOptions(false));
                return new Cluster(c, m);
            } catch (IOException | RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                mount.close();
            } finally {
                // Before the cluster's own (JDK) cleanup: paths here may be longer than PATH_MAX.
                PosixSuite.deleteTree(cluster.ufsRoot());
                cluster.close();
            }
        }
    }
}
