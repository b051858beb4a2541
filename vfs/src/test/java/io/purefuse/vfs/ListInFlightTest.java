package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileStatus;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.MountStatusFile;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code alluxio-fuse list} shows the requests a mount has not answered for more than a second. */
@Timeout(120)
class ListInFlightTest {
    Path runtime;
    String previous;

    @BeforeEach
    void runtimeDir() throws Exception {
        runtime = Files.createTempDirectory("purefuse-list-");
        previous = System.setProperty(RuntimeFiles.DIR_PROPERTY, runtime.toString());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty(RuntimeFiles.DIR_PROPERTY);
        } else {
            System.setProperty(RuntimeFiles.DIR_PROPERTY, previous);
        }
        MountFixture.deleteTree(runtime);
    }

    static String list() {
        StringWriter out = new StringWriter();
        var cl = AlluxioFuseCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("list")).isZero();
        return out.toString();
    }

    @Test
    void aLookupTheStoreDoesNotAnswerShowsUpInList() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (MountFixture m = MountFixture.startWrapped(o -> { }, b -> { }, null, b -> new DelegatingBackend(b) {
            @Override
            public FileStatus getStatus(AlluxioPath path) throws BackendException {
                if (path.toString().equals("/slow")) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.getStatus(path);
            }
        }); MountStatusFile status = MountStatusFile.start(RuntimeFiles.of(m.mnt), m.session,
                ProcessHandle.current().pid())) {
            CompletableFuture<Boolean> stat = CompletableFuture.supplyAsync(() -> Files.exists(m.mnt.resolve("slow")));
            String shown = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !shown.contains("LOOKUP")) {
                Thread.sleep(500);
                shown = list();
            }
            release.countDown();
            assertThat(shown).contains(m.mnt.toString());
            assertThat(shown.lines().filter(l -> l.contains("in flight")))
                    .anyMatch(l -> l.matches("  in flight \\d+ ms: LOOKUP unique=\\d+ nodeid=1 pid=\\d+"));
            assertThat(stat.get(20, TimeUnit.SECONDS)).isFalse();
            Thread.sleep(2 * MountStatusFile.PERIOD.toMillis() + 200);
            assertThat(list()).doesNotContain("in flight");
        }
    }
}
