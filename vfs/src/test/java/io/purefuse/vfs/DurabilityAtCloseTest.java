package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.mount.MountOptions;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After close(2) of the descriptor that wrote a file returns 0, a second mount of the same UFS
 * sees the whole file. Mount A writes; mount B (no kernel or metadata caching) reads right after
 * close. With {@code staging} mount A runs on a store that publishes a file only when its stream
 * is completed, and takes 300 ms to do it (as a remote store's complete call does): completing at
 * RELEASE (asynchronous, after close(2) returned) is then visible as an empty file in B.
 */
@Timeout(180)
class DurabilityAtCloseTest {
    /**
     * A store that publishes a file at completion: the name exists (empty) from the create, the
     * bytes go to a hidden staging file that replaces it when the stream is closed.
     */
    static final class StagingBackend extends DelegatingBackend {
        StagingBackend(FileSystemBackend d) {
            super(d);
        }

        @Override
        public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
            d.createFile(path, options).close(); // visible at once, empty
            AlluxioPath staging = path.parent().child(".staging-" + UUID.randomUUID());
            FileOutStream s = d.createFile(staging, options);
            FileStatus initial = d.getStatus(path).toBuilder().completed(false).build();
            return new FileOutStream() {
                @Override
                public FileStatus initialStatus() {
                    return initial;
                }

                @Override
                public long position() {
                    return s.position();
                }

                @Override
                public void write(ByteBuffer src) throws BackendException {
                    s.write(src);
                }

                @Override
                public void flush() throws BackendException {
                    s.flush();
                }

                @Override
                public void sync() throws BackendException {
                    s.sync();
                }

                @Override
                public void close() throws BackendException {
                    s.close();
                    try {
                        Thread.sleep(300); // a remote complete call takes time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    d.rename(staging, path, RenameOptions.defaults());
                }

                @Override
                public void cancel() throws BackendException {
                    s.cancel();
                }
            };
        }
    }

    /** A second mount of {@code ufs} with every cache off. */
    static final class SecondMount implements AutoCloseable {
        final Path mnt;
        final LocalUnderFileSystem backend;
        final AlluxioFuseFilesystem fs;
        final FuseSession session;

        SecondMount(Path ufs, Path mnt) throws Exception {
            this.mnt = mnt;
            backend = LocalUnderFileSystem.open(ufs);
            fs = new AlluxioFuseFilesystem(backend, new VfsOptions().attrTimeout(Duration.ZERO)
                    .entryTimeout(Duration.ZERO).negativeTimeout(Duration.ZERO).metadataCacheMaxSize(0));
            FuseSession s;
            try {
                s = FuseSession.mount(mnt, fs, new SessionOptions().readerThreads(2)
                        .mount(MountOptions.builder().fsname("alluxio-fuse-b").subtype("purefuse").build()));
            } catch (Exception e) {
                fs.close();
                backend.close();
                throw e;
            }
            session = s;
        }

        @Override
        public void close() throws Exception {
            try {
                session.close();
            } finally {
                MountFixture.forceUnmount(mnt);
                fs.close();
                backend.close();
            }
        }
    }

    @ParameterizedTest(name = "staging={0}")
    @ValueSource(booleans = {false, true})
    void aSecondMountSeesTheWholeFileRightAfterClose(boolean staging) throws Exception {
        try (MountFixture a = MountFixture.startWrapped(o -> { }, b -> { }, null,
                b -> staging ? new StagingBackend(b) : b);
             SecondMount b = new SecondMount(a.ufs, Files.createDirectory(a.base.resolve("mnt-b")))) {
            Random rnd = new Random(7);
            for (int i = 0; i < 3; i++) {
                byte[] data = new byte[(1 << 20) + i * 4099];
                rnd.nextBytes(data);
                Path inA = a.mnt.resolve("f" + i);
                Files.write(inA, data); // open, write, close(2)
                Path inB = b.mnt.resolve("f" + i);
                assertThat(Files.size(inB)).as("size in mount B right after close in A").isEqualTo(data.length);
                assertThat(Files.readAllBytes(inB)).isEqualTo(data);
            }
        }
    }

    /**
     * Writes through a dup'd descriptor after the other one was closed (the FLUSH completed the
     * file) continue it, and each close makes what was written so far visible to mount B.
     */
    @ParameterizedTest(name = "staging={0}")
    @ValueSource(booleans = {false, true})
    void writesThroughADupAfterCloseContinueTheFile(boolean staging) throws Exception {
        try (MountFixture a = MountFixture.startWrapped(o -> { }, b -> { }, null,
                b -> staging ? new StagingBackend(b) : b);
             SecondMount b = new SecondMount(a.ufs, Files.createDirectory(a.base.resolve("mnt-b")))) {
            Path f = a.mnt.resolve("dup.txt");
            Path inB = b.mnt.resolve("dup.txt");
            String script = String.join("\n",
                    "import os, sys",
                    "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)",
                    "fd2 = os.dup(fd)",
                    "os.write(fd, b'abc')",
                    "os.close(fd)",
                    "print(os.path.getsize(sys.argv[2]), flush=True)",
                    "os.write(fd2, b'def')",
                    "os.close(fd2)",
                    "print(os.path.getsize(sys.argv[2]), flush=True)");
            Sh.Result r = Sh.run("python3", "-c", script, f.toString(), inB.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out().lines().toList()).as(r.toString()).containsExactly("3", "6");
            assertThat(Files.readString(inB, StandardCharsets.US_ASCII)).isEqualTo("abcdef");
            assertThat(Files.readString(f, StandardCharsets.US_ASCII)).isEqualTo("abcdef");
        }
    }

    /**
     * A store whose open files take 500 ms to close: the RELEASE that follows a close(2) is still
     * being served when the next open of the same file arrives.
     */
    static final class SlowCloseBackend extends DelegatingBackend {
        SlowCloseBackend(FileSystemBackend d) {
            super(d);
        }

        static void pause() {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
            FileOutStream s = d.createFile(path, options);
            return new FileOutStream() {
                @Override
                public FileStatus initialStatus() {
                    return s.initialStatus();
                }

                @Override
                public long position() {
                    return s.position();
                }

                @Override
                public void write(ByteBuffer src) throws BackendException {
                    s.write(src);
                }

                @Override
                public void flush() throws BackendException {
                    s.flush();
                }

                @Override
                public void sync() throws BackendException {
                    s.sync();
                }

                @Override
                public void close() throws BackendException {
                    s.close();
                }

                @Override
                public void cancel() throws BackendException {
                    s.cancel();
                }

                @Override
                public boolean hasSameFileAccess() {
                    return s.hasSameFileAccess();
                }

                @Override
                public io.purefuse.backend.FileInStream sameFileReader() throws BackendException {
                    return s.sameFileReader();
                }

                @Override
                public io.purefuse.backend.RandomAccessFileHandle sameFile() throws BackendException {
                    io.purefuse.backend.RandomAccessFileHandle r = s.sameFile();
                    return new io.purefuse.backend.RandomAccessFileHandle() {
                        @Override
                        public int read(long offset, ByteBuffer dst) throws BackendException {
                            return r.read(offset, dst);
                        }

                        @Override
                        public long length() throws BackendException {
                            return r.length();
                        }

                        @Override
                        public void write(long offset, ByteBuffer src) throws BackendException {
                            r.write(offset, src);
                        }

                        @Override
                        public void truncate(long length) throws BackendException {
                            r.truncate(length);
                        }

                        @Override
                        public void sync() throws BackendException {
                            r.sync();
                        }

                        @Override
                        public void close() throws BackendException {
                            pause(); // RELEASE takes a while
                            r.close();
                        }
                    };
                }
            };
        }
    }

    /**
     * Writing a file again right after close(2) waits for the previous handle's RELEASE (completion
     * at FLUSH leaves that handle the file's writer until then), never EBUSY.
     */
    @Test
    void rewritingRightAfterCloseWaitsForTheReleaseInsteadOfFailingBusy() throws Exception {
        try (MountFixture a = MountFixture.startWrapped(o -> o.writerWait(Duration.ofSeconds(10)), b -> { }, null,
                SlowCloseBackend::new)) {
            Path f = a.mnt.resolve("again.txt");
            for (int i = 0; i < 5; i++) {
                Files.writeString(f, "version " + i, StandardCharsets.US_ASCII);
            }
            assertThat(Files.readString(f, StandardCharsets.US_ASCII)).isEqualTo("version 4");
        }
    }

    @Test
    void aNonSequentialWriteAfterTheFlushIsStillRefusedWithoutRandomAccess() throws Exception {
        try (MountFixture a = MountFixture.start()) {
            Path f = a.mnt.resolve("seq.txt");
            String script = String.join("\n",
                    "import os, sys",
                    "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)",
                    "fd2 = os.dup(fd)",
                    "os.write(fd, b'abc')",
                    "os.close(fd)",
                    "try:",
                    "    os.pwrite(fd2, b'X', 0)",
                    "    print('written')",
                    "except OSError as e:",
                    "    print('errno', e.errno)",
                    "os.close(fd2)");
            Sh.Result r = Sh.run("python3", "-c", script, f.toString());
            assertThat(r.out().strip()).as(r.toString()).isEqualTo("errno 95");
            assertThat(Files.readString(f, StandardCharsets.US_ASCII)).isEqualTo("abc");
        }
    }
}
