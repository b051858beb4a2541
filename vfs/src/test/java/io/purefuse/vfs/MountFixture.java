package io.purefuse.vfs;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.mount.MountOptions;
import io.purefuse.mount.MountTable;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real mount of {@link AlluxioFuseFilesystem} over a {@link LocalUnderFileSystem} in a temp
 * directory. {@link #close()} always unmounts (lazily with fusermount3 if the session could not)
 * and deletes both directories.
 */
final class MountFixture implements AutoCloseable {
    final Path base;
    final Path ufs;
    final Path mnt;
    final LocalUnderFileSystem backend;
    final AlluxioFuseFilesystem fs;
    final FuseSession session;

    private MountFixture(Path base, Path ufs, Path mnt, LocalUnderFileSystem backend, AlluxioFuseFilesystem fs,
            FuseSession session) {
        this.base = base;
        this.ufs = ufs;
        this.mnt = mnt;
        this.backend = backend;
        this.fs = fs;
        this.session = session;
    }

    static MountFixture start() throws Exception {
        return start(o -> { }, m -> { }, null);
    }

    static MountFixture start(Consumer<VfsOptions> vfs) throws Exception {
        return start(vfs, m -> { }, null);
    }

    /**
     * @param prepareUfs called with the UFS directory before mounting (to create a sub-path, files, ...)
     */
    static MountFixture start(Consumer<VfsOptions> vfs, Consumer<MountOptions.Builder> mount,
            Consumer<Path> prepareUfs) throws Exception {
        return start(vfs, mount, prepareUfs, b -> b, s -> { });
    }

    /** @param session adjusts the session options last (recorder, INIT flags, ...) */
    static MountFixture start(Consumer<VfsOptions> vfs, Consumer<MountOptions.Builder> mount,
            Consumer<Path> prepareUfs, Consumer<SessionOptions> session) throws Exception {
        return start(vfs, mount, prepareUfs, b -> b, session);
    }

    /** @param wrap wraps the local UFS into the backend the VFS serves (a test double around it) */
    static MountFixture startWrapped(Consumer<VfsOptions> vfs, Consumer<MountOptions.Builder> mount,
            Consumer<Path> prepareUfs, java.util.function.UnaryOperator<io.purefuse.backend.FileSystemBackend> wrap)
            throws Exception {
        return start(vfs, mount, prepareUfs, wrap, s -> { });
    }

    private static MountFixture start(Consumer<VfsOptions> vfs, Consumer<MountOptions.Builder> mount,
            Consumer<Path> prepareUfs, java.util.function.UnaryOperator<io.purefuse.backend.FileSystemBackend> wrap,
            Consumer<SessionOptions> session) throws Exception {
        Path base = Files.createTempDirectory("purefuse-vfs-");
        // Traversable by other users (permission tests run commands as nobody).
        Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path ufs = Files.createDirectory(base.resolve("ufs"));
        Path mnt = Files.createDirectory(base.resolve("mnt"));
        if (prepareUfs != null) {
            prepareUfs.accept(ufs);
        }
        LocalUnderFileSystem backend = null;
        AlluxioFuseFilesystem fs = null;
        try {
            backend = LocalUnderFileSystem.open(ufs);
            VfsOptions o = new VfsOptions().metadataCacheExpiration(Duration.ofSeconds(2))
                    .reorderWait(Duration.ofMillis(200)).writerWait(Duration.ofMillis(500));
            vfs.accept(o);
            fs = new AlluxioFuseFilesystem(wrap.apply(backend), o);
            MountOptions.Builder mb = MountOptions.builder().fsname("alluxio-fuse").subtype("purefuse");
            if (o.readOnly()) {
                mb.readOnly(true);
            }
            mount.accept(mb);
            SessionOptions so = new SessionOptions().readerThreads(4).mount(mb.build()).trackRequestAge(true)
                    .unmountTimeout(Duration.ofSeconds(5)).passthrough(fs.wantsPassthrough());
            session.accept(so);
            FuseSession fuse = FuseSession.mount(mnt, fs, so);
            return new MountFixture(base, ufs, mnt, backend, fs, fuse);
        } catch (Throwable t) {
            if (fs != null) {
                fs.close();
            }
            if (backend != null) {
                backend.close();
            }
            forceUnmount(mnt);
            deleteTree(base);
            throw t;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            session.close();
        } finally {
            forceUnmount(mnt);
            fs.close();
            backend.close();
            deleteTree(base);
        }
    }

    static void forceUnmount(Path mnt) {
        try {
            if (MountTable.find(mnt).isPresent()) {
                Process p = new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("force unmount of " + mnt + " failed: " + e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("cleanup of " + root + " incomplete: " + e);
        }
    }

    /** Path inside the mount. */
    Path m(String rel) {
        return mnt.resolve(rel);
    }

    /** Path inside the UFS. */
    Path u(String rel) {
        return ufs.resolve(rel);
    }
}
