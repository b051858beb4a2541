package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * telldir / seekdir through a real mount while the directory changes: entries before the saved
 * position are removed, then seekdir must continue exactly where telldir was taken (glibc turns
 * seekdir into an lseek, i.e. a READDIR at that cookie on a fresh read).
 */
@Timeout(120)
class SeekdirTest {
    private static final String PROGRAM = """
            #include <dirent.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>

            static struct dirent *next_file(DIR *d) {
                struct dirent *e;
                while ((e = readdir(d)) != NULL) {
                    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                        return e;
                    }
                }
                return NULL;
            }

            int main(int argc, char **argv) {
                const char *dir = argv[1];
                char path[4096];
                for (int i = 0; i < 200; i++) {
                    snprintf(path, sizeof path, "%s/entry-%03d", dir, i);
                    FILE *f = fopen(path, "w");
                    if (f == NULL) { perror(path); return 2; }
                    fclose(f);
                }
                DIR *d = opendir(dir);
                if (d == NULL) { perror(dir); return 2; }
                static char seen[20][256];
                for (int i = 0; i < 20; i++) {
                    struct dirent *e = next_file(d);
                    if (e == NULL) { printf("short listing\\n"); return 3; }
                    strcpy(seen[i], e->d_name);
                }
                long mark = telldir(d);
                static char expect[5][256];
                for (int i = 0; i < 5; i++) {
                    struct dirent *e = next_file(d);
                    if (e == NULL) { printf("short listing\\n"); return 3; }
                    strcpy(expect[i], e->d_name);
                }
                for (int i = 0; i < 10; i++) {
                    snprintf(path, sizeof path, "%s/%s", dir, seen[i]);
                    if (unlink(path) != 0) { perror(path); return 2; }
                }
                seekdir(d, mark);
                int bad = 0;
                for (int i = 0; i < 5; i++) {
                    struct dirent *e = next_file(d);
                    const char *got = e != NULL ? e->d_name : "(end)";
                    printf("want %s got %s\\n", expect[i], got);
                    if (strcmp(expect[i], got) != 0) bad = 1;
                }
                closedir(d);
                printf(bad ? "MISMATCH\\n" : "OK\\n");
                return 0;
            }
            """;

    @Test
    void seekdirAfterEarlierEntriesWereRemovedNeitherSkipsNorRepeats() throws Exception {
        try (MountFixture f = MountFixture.start()) {
            Path src = f.base.resolve("seek.c");
            Path bin = f.base.resolve("seek");
            Files.writeString(src, PROGRAM);
            Sh.Result cc = Sh.run("gcc", "-O1", "-o", bin.toString(), src.toString());
            assertThat(cc.exit()).as("gcc: %s", cc).isZero();
            Path dir = Files.createDirectory(f.m("d"));
            Sh.Result r = Sh.run(bin.toString(), dir.toString());
            assertThat(r.exit()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r.out()).endsWith("OK");
            try (var s = Files.list(dir)) {
                assertThat(s.count()).isEqualTo(190);
            }
        }
    }
}
