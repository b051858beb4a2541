package io.purefuse.harness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.KeyValue;
import io.purefuse.backend.membership.EtcdKeys;
import io.purefuse.backend.membership.EtcdMembership;
import io.purefuse.backend.membership.EtcdWorkerRecord;
import io.purefuse.backend.membership.EtcdWorkerRegistration;
import io.purefuse.backend.membership.Membership;
import io.purefuse.backend.membership.Memberships;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Registration and membership against a real etcd: Alluxio's keys, leases, outages. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EtcdMembershipTest extends EtcdTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EtcdKeys keys = new EtcdKeys(CLUSTER);

    @Test
    void twoRegisteredWorkersAreLiveWithAlluxiosKeysAndValues() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        WorkerInfo b = worker("127.0.0.3", 29999);
        try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(30));
             EtcdWorkerRegistration rb = EtcdWorkerRegistration.register(config(), b, Duration.ofSeconds(30));
             EtcdMembership m = EtcdMembership.start(config())) {
            assertThat(m.liveWorkers()).containsExactlyInAnyOrder(a, b);
            assertThat(m.connected()).isTrue();

            for (var r : List.of(ra, rb)) {
                WorkerInfo w = r.worker();
                String expected = "{\"Identity\":{\"version\":1,\"identifier\":\"" + w.identity().hexIdentifier() + "\"},"
                        + "\"WorkerNetAddress\":{\"Host\":\"" + w.address().host() + "\",\"ContainerHost\":\"\","
                        + "\"RpcPort\":29999,\"DataPort\":30000,\"SecureRpcPort\":0,\"NettyDataPort\":30001,"
                        + "\"WebPort\":30002,\"DomainSocketPath\":\"\"},\"State\":\"AUTHORIZED\",\"GenerationNumber\":-1,"
                        + "\"ServiceEntityName\":\"worker-" + w.identity().uuid() + "\"}";
                KeyValue ring = get("/DHT/DefaultAlluxioCluster/AUTHORIZED/worker-" + w.identity().uuid());
                KeyValue live = get("/ServiceDiscovery/DefaultAlluxioCluster/worker-" + w.identity().uuid());
                assertThat(ring.getValue().getBytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
                assertThat(live.getValue().getBytes()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
                assertThat(ring.getLease()).as("ring key is permanent").isZero();
                assertThat(live.getLease()).as("liveness key is leased").isEqualTo(r.leaseId()).isNotZero();
            }
            assertThat(list("/DHT/DefaultAlluxioCluster/AUTHORIZED/")).hasSize(2);
            assertThat(list("/ServiceDiscovery/DefaultAlluxioCluster/")).hasSize(2);
        }
    }

    @Test
    void closedRegistrationLeavesAtOnceAndStaysOnTheRing() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        WorkerInfo b = worker("127.0.0.3", 29999);
        List<List<WorkerInfo>> seen = new CopyOnWriteArrayList<>();
        try (EtcdWorkerRegistration rb = EtcdWorkerRegistration.register(config(), b, Duration.ofSeconds(60));
             EtcdMembership m = EtcdMembership.start(config(), Duration.ofSeconds(30))) {
            m.addListener(seen::add);
            EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(60));
            awaitTrue("a joins (via the watch)", WAIT, () -> m.liveWorkers().contains(a));
            long start = System.nanoTime();
            ra.close();
            long ms = awaitTrue("a leaves", WAIT, () -> !m.liveWorkers().contains(a));
            long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("deregistered worker left the live set %d ms after close() returned, %d ms after it began"
                    + " (lease TTL 60 s, re-list period 30 s)%n", ms, total);
            // Far below both the TTL and the re-list period: the revoke and the watch did it.
            assertThat(total).isLessThan(20_000);
            ra.close(); // idempotent
            assertThat(m.liveWorkers()).containsExactly(b);
            assertThat(get(keys.livenessKey(a.identity()))).isNull();
            assertThat(get(keys.ringKey(a.identity()))).as("ring entry is permanent").isNotNull();
            assertThat(seen).contains(List.of(b));
            assertThat(seen.get(seen.size() - 1)).containsExactly(b);
        }
    }

    @Test
    void killedRegistrationProcessLeavesAfterItsLeaseTtl() throws Exception {
        // The child process publishes the gRPC port only.
        WorkerInfo a = new WorkerInfo(WorkerIdentity.random(), WorkerAddress.rpc("127.0.0.4", 29999));
        try (EtcdMembership m = EtcdMembership.start(config(), Duration.ofSeconds(30));
             WorkerRegistrationProcess p = WorkerRegistrationProcess.start(etcd.endpoint(), CLUSTER, a, Duration.ofSeconds(3))) {
            awaitTrue("a joins", WAIT, () -> m.liveWorkers().contains(a));
            // Past one TTL: the child's keep-alive is what keeps it there.
            Thread.sleep(4_000);
            assertThat(m.liveWorkers()).containsExactly(a);
            p.kill(); // SIGKILL: no revoke
            long ms = awaitTrue("a expires", WAIT, () -> !m.liveWorkers().contains(a));
            System.out.printf("SIGKILLed worker left the live set %d ms after the kill (lease TTL 3 s)%n", ms);
            assertThat(ms).as("left by lease expiry, not by a revoke").isGreaterThanOrEqualTo(1_000);
            assertThat(get(keys.livenessKey(a.identity()))).isNull();
            assertThat(get(keys.ringKey(a.identity()))).isNotNull();
        }
    }

    @Test
    void etcdDownServesTheLastSetAndChangesFlowWhenItIsBack() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        WorkerInfo b = worker("127.0.0.3", 29999);
        Duration ttl = Duration.ofSeconds(8);
        List<List<WorkerInfo>> seen = new CopyOnWriteArrayList<>();
        try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, ttl);
             EtcdMembership m = EtcdMembership.start(config(), Duration.ofMillis(500))) {
            assertThat(m.liveWorkers()).containsExactly(a);
            m.addListener(seen::add);
            long lease = ra.leaseId();
            etcd.stop();
            awaitTrue("membership notices etcd is gone", WAIT, () -> !m.connected());
            Thread.sleep(2_000); // several failed re-lists and renewals
            long t0 = System.nanoTime();
            List<WorkerInfo> during = m.liveWorkers();
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            System.out.printf("liveWorkers() with etcd down answered in %d us%n", micros);
            assertThat(during).containsExactly(a);
            assertThat(micros).isLessThan(1_000_000);

            etcd.start();
            long back = System.nanoTime();
            awaitTrue("membership reconnects", WAIT, m::connected);
            System.out.printf("membership listed etcd again %d ms after it was healthy%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
            try (EtcdWorkerRegistration rb = EtcdWorkerRegistration.register(config(), b, ttl)) {
                awaitTrue("b joins after the outage", WAIT, () -> m.liveWorkers().contains(b));
                // Two TTLs after etcd came back: a is there only if its keep-alive resumed.
                Thread.sleep(2 * ttl.toMillis());
                assertThat(m.liveWorkers()).containsExactlyInAnyOrder(a, b);
                assertThat(seen).as("a never dropped out").allMatch(set -> set.contains(a));
                assertThat(ra.leaseId()).as("same lease kept alive").isEqualTo(lease);
                assertThat(get(keys.livenessKey(a.identity())).getLease()).isEqualTo(lease);
                ra.close();
                awaitTrue("a leaves after the outage", WAIT, () -> m.liveWorkers().equals(List.of(b)));
            }
        }
    }

    @Test
    void registrationComesBackWhenItsLeaseOrKeyIsLost() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(3));
             EtcdMembership m = EtcdMembership.start(config(), Duration.ofSeconds(30))) {
            long lease = ra.leaseId();
            assertThat(m.liveWorkers()).containsExactly(a);

            // The lease disappears (as after an expiry while the worker was cut off).
            raw.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            awaitTrue("a drops out with its lease", WAIT, () -> m.liveWorkers().isEmpty());
            awaitTrue("a registers again under a new lease", WAIT,
                    () -> m.liveWorkers().contains(a) && ra.leaseId() != lease);
            assertThat(get(keys.livenessKey(a.identity())).getLease()).isEqualTo(ra.leaseId());

            // The key disappears while the lease lives.
            List<List<WorkerInfo>> seen = new CopyOnWriteArrayList<>();
            m.addListener(seen::add);
            raw.getKVClient().delete(bytes(keys.livenessKey(a.identity()))).get(10, TimeUnit.SECONDS);
            awaitTrue("a drops out, then its key is written again", WAIT,
                    () -> seen.contains(List.of()) && m.liveWorkers().contains(a));
            assertThat(get(keys.livenessKey(a.identity())).getLease()).isEqualTo(ra.leaseId());
        }
    }

    @Test
    void restartedWorkerWithTheSameIdentityKeepsOneEntry() throws Exception {
        WorkerInfo first = new WorkerInfo(WorkerIdentity.random(), WorkerAddress.rpc("127.0.0.2", 29999));
        WorkerInfo again = new WorkerInfo(first.identity(), WorkerAddress.rpc("127.0.0.5", 39999));
        try (EtcdMembership m = EtcdMembership.start(config(), Duration.ofSeconds(30))) {
            try (WorkerRegistrationProcess p = WorkerRegistrationProcess.start(etcd.endpoint(), CLUSTER, first, Duration.ofSeconds(3))) {
                awaitTrue("first incarnation joins", WAIT, () -> m.liveWorkers().contains(first));
                p.kill(); // its lease is still alive for up to 3 s
            }
            try (EtcdWorkerRegistration r = EtcdWorkerRegistration.register(config(), again, Duration.ofSeconds(30))) {
                awaitTrue("restarted worker's address shows", WAIT, () -> m.liveWorkers().equals(List.of(again)));
                Thread.sleep(5_000); // the old lease expires: it must not take the new key with it
                assertThat(m.liveWorkers()).containsExactly(again);
                assertThat(list(keys.livenessPrefix())).hasSize(1);
                assertThat(list(keys.ringPrefix())).hasSize(1);
                assertThat(get(keys.ringKey(first.identity())).getValue().getBytes()).isEqualTo(EtcdWorkerRecord.encode(again));
                assertThat(get(keys.livenessKey(first.identity())).getLease()).isEqualTo(r.leaseId());
            }
        }
    }

    @Test
    void undecodableValuesAreSkippedAndOtherClustersIgnored() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        raw.getKVClient().put(bytes(keys.livenessPrefix() + "worker-garbage"), bytes("{not json")).get(10, TimeUnit.SECONDS);
        raw.getKVClient().put(bytes("/ServiceDiscovery/OtherCluster/worker-x"),
                io.etcd.jetcd.ByteSequence.from(EtcdWorkerRecord.encode(worker("10.9.9.9", 1)))).get(10, TimeUnit.SECONDS);
        try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(30));
             EtcdMembership m = EtcdMembership.start(config())) {
            assertThat(m.liveWorkers()).containsExactly(a);
        }
    }

    @Test
    void membershipsFromPropertiesWatchesEtcd() throws Exception {
        WorkerInfo a = worker("127.0.0.2", 29999);
        // A bare host:port means http.
        Map<String, String> props = Map.of("alluxio.etcd.endpoints", "127.0.0.1:" + etcd.clientPort(), "alluxio.cluster.name", "c2");
        assertThat(Memberships.isConfigured(props)).isTrue();
        try (Membership m = Memberships.fromProperties(props);
             EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(
                     new io.purefuse.backend.membership.EtcdConfig(List.of("127.0.0.1:" + etcd.clientPort()), "c2"), a,
                     Duration.ofSeconds(30))) {
            assertThat(m).isInstanceOf(EtcdMembership.class);
            awaitTrue("a joins cluster c2", WAIT, () -> m.liveWorkers().contains(a));
            assertThat(get("/ServiceDiscovery/c2/worker-" + a.identity().uuid())).isNotNull();
        }
    }

    @Test
    void registeringAgainstADeadEtcdFailsClearly() throws Exception {
        etcd.stop();
        long t0 = System.nanoTime();
        try {
            EtcdWorkerRegistration.register(config(), worker("127.0.0.2", 29999), Duration.ofSeconds(10)).close();
            org.assertj.core.api.Assertions.fail("registered without etcd");
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).contains("cannot register worker").contains(etcd.endpoint());
        }
        System.out.printf("registration against a stopped etcd failed after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        // A membership on a dead etcd starts empty, then fills in once etcd is up.
        try (EtcdMembership m = EtcdMembership.start(config(), Duration.ofMillis(500))) {
            assertThat(m.liveWorkers()).isEmpty();
            assertThat(m.connected()).isFalse();
            etcd.start();
            WorkerInfo a = worker("127.0.0.2", 29999);
            try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(30))) {
                awaitTrue("a shows once etcd is up", WAIT, () -> m.liveWorkers().contains(a));
            }
        }
    }

    @Test
    void closeStopsEveryThread() throws Exception {
        java.util.function.Supplier<List<String>> ours = () -> Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("etcd-membership") || n.startsWith("etcd-registration"))
                .toList();
        int before = Thread.activeCount();
        for (int i = 0; i < 3; i++) {
            WorkerInfo a = worker("127.0.0.2", 29999);
            try (EtcdWorkerRegistration ra = EtcdWorkerRegistration.register(config(), a, Duration.ofSeconds(30));
                 EtcdMembership m = EtcdMembership.start(config())) {
                assertThat(m.liveWorkers()).containsExactly(a);
                assertThat(ours.get()).isNotEmpty();
            }
        }
        awaitTrue("our threads end", WAIT, () -> ours.get().isEmpty());
        // jetcd's own (vert.x, grpc) threads end with the clients too; allow a few pooled ones.
        awaitTrue("thread count returns near " + before, WAIT, () -> Thread.activeCount() <= before + 4);
        System.out.printf("threads: %d before, %d after three register/watch/close rounds%n", before, Thread.activeCount());
    }
}
