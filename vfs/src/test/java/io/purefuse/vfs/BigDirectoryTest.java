package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A 100k-entry directory, created in the UFS directly, listed through the mount. */
@Timeout(300)
class BigDirectoryTest {
    static final int N = Integer.getInteger("purefuse.test.bigdir", 100_000);

    @Test
    void listsOneHundredThousandEntries() throws Exception {
        try (MountFixture f = MountFixture.start(o -> { }, m -> { }, u -> {
            try {
                Path d = Files.createDirectory(u.resolve("big"));
                for (int i = 0; i < N; i++) {
                    Files.createFile(d.resolve("entry-" + i));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })) {
            long t0 = System.nanoTime();
            Sh.Result ls = Sh.sh("ls -f " + f.m("big") + " | wc -l");
            long lsMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ls.out().strip()).as(ls.toString()).isEqualTo(Integer.toString(N + 2));
            t0 = System.nanoTime();
            Set<String> names = new HashSet<>();
            try (Stream<Path> s = Files.list(f.m("big"))) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            }
            long listMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(names).hasSize(N).contains("entry-0", "entry-" + (N - 1));
            // ls -l: readdirplus + attributes of every entry
            t0 = System.nanoTime();
            Sh.Result lsl = Sh.sh("ls -l " + f.m("big") + " | wc -l");
            long lslMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(lsl.out().strip()).isEqualTo(Integer.toString(N + 1));
            System.out.printf("100k dir: ls -f %d ms, Files.list %d ms, ls -l %d ms, inodes %d%n", lsMs, listMs,
                    lslMs, f.fs.inodeCount());
        }
    }
}
