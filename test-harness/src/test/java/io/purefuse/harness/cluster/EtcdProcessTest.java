package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdProcessTest {
    @Test
    void stopAndStartKeepPortsAndDataAndCloseCleansUp() throws Exception {
        assumeTrue(EtcdProcess.available(), EtcdProcess.unavailableReason());
        Path dir;
        long pid;
        try (EtcdProcess etcd = EtcdProcess.launch()) {
            dir = etcd.dataDir();
            String endpoint = etcd.endpoint();
            assertThat(endpoint).matches("http://127\\.0\\.0\\.1:\\d+");
            try (Client c = Client.builder().endpoints(endpoint).build()) {
                c.getKVClient().put(EtcdTestSupport.bytes("/k"), EtcdTestSupport.bytes("v")).get(10, TimeUnit.SECONDS);
            }
            long first = etcd.pid();
            etcd.stop();
            assertThat(etcd.isRunning()).isFalse();
            assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            etcd.start();
            assertThat(etcd.endpoint()).isEqualTo(endpoint);
            try (Client c = Client.builder().endpoints(endpoint).build()) {
                assertThat(c.getKVClient().get(EtcdTestSupport.bytes("/k")).get(10, TimeUnit.SECONDS)
                        .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v");
            }
            etcd.kill();
            assertThat(etcd.isRunning()).isFalse();
            etcd.start();
            pid = etcd.pid();
            assertThat(pid).isPositive();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(dir)).isFalse();
    }
}
