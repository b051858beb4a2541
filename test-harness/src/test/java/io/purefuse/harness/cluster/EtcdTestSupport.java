package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.purefuse.backend.membership.EtcdConfig;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** One fresh real etcd per test, and a raw jetcd client to look at what is stored. */
abstract class EtcdTestSupport {
    static final String CLUSTER = "DefaultAlluxioCluster";

    EtcdProcess etcd;
    Client raw;

    @BeforeEach
    void startEtcd() throws Exception {
        assumeTrue(EtcdProcess.available(), EtcdProcess.unavailableReason());
        etcd = EtcdProcess.launch();
        raw = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterEach
    void stopEtcd() {
        if (raw != null) {
            raw.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    EtcdConfig config() {
        return new EtcdConfig(List.of(etcd.endpoint()), CLUSTER);
    }

    static WorkerInfo worker(String host, int port) {
        return new WorkerInfo(WorkerIdentity.random(), new WorkerAddress(host, port, port + 1, port + 2, port + 3));
    }

    /** The raw key-value under {@code key}, or null. */
    KeyValue get(String key) throws Exception {
        List<KeyValue> kvs = raw.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    List<KeyValue> list(String prefix) throws Exception {
        return raw.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS).getKvs();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** Polls {@code condition} every 20 ms; returns the milliseconds it took. */
    static long awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
