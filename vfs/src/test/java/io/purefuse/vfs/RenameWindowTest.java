package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.RenameOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window between the store finishing a rename and the inode table following it: a request
 * that resolves a path in that window must not get the old name. The backend holds the window
 * open (it waits after the real rename) while another thread stats a file below the renamed
 * directory through the kernel's cached dentries (attr_timeout 0, so the stat reaches us as a
 * GETATTR of the inode: the kernel already resolved it and the file exists throughout).
 */
@Timeout(120)
class RenameWindowTest {
    /** Holds a rename open after the store did it, when armed. */
    static final class GatedBackend extends DelegatingBackend {
        volatile CountDownLatch renamed;
        volatile CountDownLatch release;

        GatedBackend(io.purefuse.backend.FileSystemBackend d) {
            super(d);
        }

        @Override
        public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
            super.rename(src, dst, options);
            CountDownLatch r = renamed;
            if (r != null) {
                renamed = null;
                r.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void aStatInTheRenameWindowNeverSeesTheOldName() throws Exception {
        GatedBackend[] gate = new GatedBackend[1];
        try (MountFixture m = MountFixture.startWrapped(
                o -> o.attrTimeout(Duration.ZERO).entryTimeout(Duration.ofSeconds(60)).metadataCacheMaxSize(0),
                b -> { }, null, b -> gate[0] = new GatedBackend(b))) {
            Path d = Files.createDirectory(m.mnt.resolve("d"));
            Files.writeString(d.resolve("f"), "in d", StandardCharsets.US_ASCII);
            for (int round = 0; round < 5; round++) {
                String from = round % 2 == 0 ? "d" : "e";
                String to = round % 2 == 0 ? "e" : "d";
                Path f = m.mnt.resolve(from).resolve("f");
                assertThat(Files.readAttributes(f, BasicFileAttributes.class).size()).isEqualTo(4); // dentries cached

                gate[0].release = new CountDownLatch(1);
                CountDownLatch renamed = new CountDownLatch(1);
                gate[0].renamed = renamed;
                CompletableFuture<Void> mv = CompletableFuture.runAsync(() -> {
                    try {
                        Files.move(m.mnt.resolve(from), m.mnt.resolve(to));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(renamed.await(20, TimeUnit.SECONDS)).as("rename reached the store").isTrue();
                // The store has renamed; the VFS has not answered yet. Stat the file by its inode.
                CompletableFuture<Long> stat = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Files.readAttributes(f, BasicFileAttributes.class).size();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(300); // the stat is in the window now (or waits for the rename)
                gate[0].release.countDown();
                mv.get(20, TimeUnit.SECONDS);
                assertThat(stat.handle((size, err) -> err == null ? "size " + size : "failed: " + err.getCause())
                        .get(20, TimeUnit.SECONDS)).as("round %d", round).isEqualTo("size 4");
                assertThat(Files.readString(m.mnt.resolve(to).resolve("f"))).isEqualTo("in d");
            }
        }
    }
}
