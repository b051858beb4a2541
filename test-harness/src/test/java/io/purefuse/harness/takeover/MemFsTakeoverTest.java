package io.purefuse.harness.takeover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervised MemFs (journal + replay) survives SIGKILL of its server and planned upgrades
 * while applications read, list and write: no application error, data intact.
 */
class MemFsTakeoverTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(600)
    void twentyKillsWhileReadersStreamAndLsLoops() throws Exception {
        int kills = Integer.getInteger("takeover.kills", 20);
        try (SupervisedMount m = new SupervisedMount(tmp, Map.of())) {
            try {
                ReadWorkload w = ReadWorkload.create(m.mnt, 4, 8 << 20);
                // An open writer keeps writing across the takeovers: its fh must stay valid.
                Path log = m.mnt.resolve("log.txt");
                StringBuilder expected = new StringBuilder();
                try (var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                    w.start(m.mnt, 4);
                    for (int k = 1; k <= kills; k++) {
                        SupervisedMount.waitFor(() -> "yes".equals(m.status().get("standby_ready")), 120_000,
                                "a ready standby");
                        Thread.sleep(300 + (k * 137) % 500);
                        String line = "before kill " + k + "\n";
                        writer.write(line);
                        writer.flush();
                        expected.append(line);
                        SupervisedMount.kill9(m.serverPid());
                        int done = k;
                        SupervisedMount.waitFor(() -> Integer.toString(done).equals(m.status().get("takeovers")),
                                60_000, "takeover " + k);
                        Files.createDirectories(m.mnt.resolve("made/after-" + k)); // metadata ops keep working
                    }
                    Thread.sleep(1000);
                    w.close();
                }
                System.err.println("[takeover] " + kills + " kills of the memfs server: " + w.summary());
                assertThat(w.errors).as("application errors").isEmpty();
                assertThat(w.passes.get()).isGreaterThan(kills);
                assertThat(w.lsRuns.get()).isPositive();
                assertThat(m.status().get("takeovers")).isEqualTo(Integer.toString(kills));
                assertThat(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
                try (var s = Files.list(m.mnt.resolve("made"))) {
                    assertThat(s.count()).isEqualTo(kills);
                }
            } catch (Throwable t) {
                m.printLogs();
                throw t;
            }
        }
    }

    @Test
    @Timeout(300)
    void aMkdirCarriedOutButNotAnsweredIsAnsweredNotRepeated() throws Exception {
        try (SupervisedMount m = new SupervisedMount(tmp, Map.of("MEMFS_TEST_HALT_BEFORE_MKDIR", "crash-here"))) {
            try {
                Process p = new ProcessBuilder("mkdir", m.mnt.resolve("crash-here").toString())
                        .redirectErrorStream(true).start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.exitValue()).as("mkdir: %s", out).isZero();
                assertThat(m.status().get("takeovers")).isEqualTo("1");
                assertThat(Files.isDirectory(m.mnt.resolve("crash-here"))).isTrue();
                SupervisedMount.waitFor(() -> {
                    try {
                        return Files.readString(m.serverLog).contains("generation 1 serving after replaying");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, 10_000, "the successor's log line");
            } catch (Throwable t) {
                m.printLogs();
                throw t;
            }
        }
    }

    @Test
    @Timeout(600)
    void plannedUpgradesUnderLoad() throws Exception {
        try (SupervisedMount m = new SupervisedMount(tmp, Map.of())) {
            try {
                ReadWorkload w = ReadWorkload.create(m.mnt, 4, 8 << 20);
                w.start(m.mnt, 4);
                long maxHandover = 0;
                for (int u = 1; u <= 5; u++) {
                    SupervisedMount.waitFor(() -> "yes".equals(m.status().get("standby_ready")), 120_000,
                            "a ready standby");
                    Thread.sleep(500);
                    List<String> answer = m.call("upgrade");
                    assertThat(answer).hasSize(1);
                    assertThat(answer.get(0)).startsWith("ok upgraded");
                    maxHandover = Math.max(maxHandover, Long.parseLong(m.status().get("last_upgrade_ms")));
                }
                Thread.sleep(1000);
                w.close();
                System.err.println("[takeover] 5 planned upgrades: longest handover " + maxHandover + " ms; "
                        + w.summary());
                assertThat(w.errors).as("application errors").isEmpty();
                assertThat(m.status().get("upgrades")).isEqualTo("5");
                assertThat(m.status().get("takeovers")).isEqualTo("0");
            } catch (Throwable t) {
                m.printLogs();
                throw t;
            }
        }
    }
}
