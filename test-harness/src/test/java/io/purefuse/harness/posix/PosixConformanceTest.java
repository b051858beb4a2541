package io.purefuse.harness.posix;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The POSIX table (issue 9): the cases of {@code src/test/resources/posix/} against the VFS over
 * a local UFS (random access on, and the sequential-write default) and over a 3-worker cluster.
 * Each backend passes when every case agrees with a plain local directory or differs exactly as
 * {@code declared.py} says for that backend; the tables land in {@code target/posix-table-*.md}.
 *
 * <p>Run alone: {@code mvn -B -ntp -pl test-harness -am verify -Dtest='PosixConformanceTest'
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dposix.categories=cat_rename,...} narrows it.
 */
@Timeout(600)
class PosixConformanceTest {

    @BeforeAll
    static void needs() {
        // The cases switch to other users (fork + setuid) and make device nodes: root only.
        assertThat(Shell.run(java.time.Duration.ofSeconds(10), "id", "-u").out())
                .as("the POSIX suite runs as root").isEqualTo("0");
        assertThat(Shell.has("python3")).as("python3 on PATH").isTrue();
    }

    @Test
    void localUfsWithRandomAccess() throws Exception {
        try (PosixMounts.Local m = PosixMounts.Local.mount(true)) {
            check(PosixSuite.run("local", m.root(), m.root(), PosixSuite.categoriesFromProperty()));
        }
    }

    @Test
    void localUfsWithSequentialWrites() throws Exception {
        try (PosixMounts.Local m = PosixMounts.Local.mount(false)) {
            check(PosixSuite.run("local-sequential", m.root(), m.root(), PosixSuite.categoriesFromProperty()));
        }
    }

    @Test
    void threeWorkerCluster() throws Exception {
        try (PosixMounts.Cluster c = PosixMounts.Cluster.start(true)) {
            check(PosixSuite.run("cluster", c.mount.root(), c.mount.root(), PosixSuite.categoriesFromProperty()));
        }
    }

    private static void check(PosixSuite.Run run) {
        assertThat(run.ok()).as("POSIX suite on %s:%n%s", run.backend(), run.failures()).isTrue();
    }
}
