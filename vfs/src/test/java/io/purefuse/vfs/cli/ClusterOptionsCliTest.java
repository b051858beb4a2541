package io.purefuse.vfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Bad cluster options are usage errors (exit 2, one line on stderr) found before anything is
 * started or contacted. Runs the command line in-process: nothing here mounts.
 */
class ClusterOptionsCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = AlluxioFuseCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badClusterOptionsExitTwoWithOneLine() throws Exception {
        Path mnt = Files.createTempDirectory("purefuse-cli-mnt-");
        try {
            String m = mnt.toString();
            String[][] bad = {
                {"mount", "--etcd", "http://127.0.0.1:2379", "--workers", "127.0.0.1:29999", "--ufs", "/u", m},
                {"mount", "--workers", "127.0.0.1:0", "--ufs", "/u", m},
                {"mount", "--workers", "127.0.0.1:70000", "--ufs", "/u", m},
                {"mount", "--workers", "127.0.0.1", "--ufs", "/u", m},
                {"mount", "--workers", "127.0.0.1:1,,", "--ufs", "/u", m},
                {"mount", "--workers", "::1:29999", "--ufs", "/u", m},
                {"mount", "--workers", "h:port", "--ufs", "/u", m},
                {"mount", "--cluster", "c", "--ufs", "/u", m},
                {"mount", "--etcd", "http://127.0.0.1:2379", "--cluster", "a/b", "--ufs", "/u", m},
                {"mount", "--etcd", "ftp://127.0.0.1:2379", "--ufs", "/u", m},
                {"mount", "--etcd", "http://127.0.0.1:2379/v3", "--ufs", "/u", m},
                {"mount", "--etcd", "", "--ufs", "/u", m},
                {"mount", "--workers", "127.0.0.1:29999", m},
                {"mount", "--workers", "127.0.0.1:29999", "--ufs", "relative/dir", m},
                {"location", "/a"},
                {"location", "--workers", "127.0.0.1:29999", "/a"},
                {"location", "--workers", "127.0.0.1:29999", "--ufs", "/u", "relative"},
                {"location", "--workers", "127.0.0.1:29999", "--ufs", "/u"},
                {"load", "--workers", "127.0.0.1:29999", "--ufs", "/u", "--threads", "0", "/a"},
                {"load", "--workers", "127.0.0.1:29999", "--ufs", "/u", "--progress", "fancy", "/a"},
                {"stat", "--etcd", "http://127.0.0.1:2379", "--ufs", "/u", "a/b"},
                {"stat", "/a"},
            };
            for (String[] args : bad) {
                Run r = run(args);
                assertThat(r.exit()).as(String.join(" ", args) + " -> " + r).isEqualTo(2);
                assertThat(r.err().strip().lines().count()).as(String.join(" ", args) + " -> " + r).isEqualTo(1);
                assertThat(r.err()).startsWith("alluxio-fuse ");
            }
        } finally {
            Files.deleteIfExists(mnt);
        }
    }

    @Test
    void optionsBecomeAlluxioProperties() {
        io.purefuse.vfs.FuseConfig c = new io.purefuse.vfs.FuseConfig();
        ClusterOptions o = new ClusterOptions();
        o.etcd = "127.0.0.1:2379, https://e2:2380";
        o.cluster = "prod";
        o.applyTo(c);
        assertThat(c.get(ClusterOptions.ETCD_ENDPOINTS)).isEqualTo("http://127.0.0.1:2379,https://e2:2380");
        assertThat(c.get(ClusterOptions.CLUSTER_NAME)).isEqualTo("prod");
        assertThat(ClusterOptions.isCluster(c)).isTrue();

        io.purefuse.vfs.FuseConfig s = new io.purefuse.vfs.FuseConfig();
        ClusterOptions w = new ClusterOptions();
        w.workers = "127.0.0.2:40001,[::1]:40002";
        w.applyTo(s);
        assertThat(s.get(ClusterOptions.WORKERS)).isEqualTo("127.0.0.2:40001,[::1]:40002");
        assertThat(ClusterOptions.isCluster(new io.purefuse.vfs.FuseConfig())).isFalse();
    }

    @Test
    void helpListsTheClusterCommands() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("location").contains("load").contains("stat");
        assertThat(run("mount", "--help").out()).contains("--etcd").contains("--workers").contains("--cluster");
        assertThat(run("load", "--help").out()).contains("--progress").contains("--threads");
    }
}
