package io.purefuse.backend.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipsTest {
  @TempDir Path dir;

  @Test
  void isConfigured() throws IOException {
    assertThat(Memberships.isConfigured(Map.of())).isFalse();
    assertThat(Memberships.isConfigured(Map.of("alluxio.etcd.endpoints", "  "))).isFalse();
    assertThat(Memberships.isConfigured(Map.of("alluxio.etcd.endpoints", "http://127.0.0.1:2379"))).isTrue();
    assertThat(Memberships.isConfigured(Map.of("purefuse.workers", "w1:29999"))).isTrue();
    assertThat(Memberships.isConfigured(Map.of("alluxio.worker.membership.manager.type", "STATIC"))).isFalse();
    assertThat(Memberships.isConfigured(Map.of("alluxio.worker.static.config.file", "/x"))).isFalse();
    assertThat(Memberships.isConfigured(Map.of("alluxio.worker.membership.manager.type", "static",
        "alluxio.worker.static.config.file", "/x"))).isTrue();
  }

  @Test
  void staticFromPurefuseWorkers() {
    try (Membership m = Memberships.fromProperties(Map.of("purefuse.workers", "127.0.0.2:29999,127.0.0.3"))) {
      assertThat(m).isInstanceOf(StaticMembership.class);
      assertThat(m.liveWorkers()).containsExactly(
          new WorkerInfo(WorkerIdentity.fromHostName("127.0.0.2"), WorkerAddress.rpc("127.0.0.2", 29999)),
          new WorkerInfo(WorkerIdentity.fromHostName("127.0.0.3"), WorkerAddress.rpc("127.0.0.3", 29999)));
    }
  }

  @Test
  void staticFromAlluxioFileWithConfiguredPorts() throws IOException {
    Path f = dir.resolve("workers");
    Files.writeString(f, "# workers\nhost-a\nhost-b\n");
    Map<String, String> props = Map.of("alluxio.worker.membership.manager.type", "STATIC",
        "alluxio.worker.static.config.file", f.toString(), "alluxio.worker.rpc.port", "39999",
        // etcd set too: the explicit type wins, as in Alluxio.
        "alluxio.etcd.endpoints", "http://127.0.0.1:1");
    try (Membership m = Memberships.fromProperties(props)) {
      assertThat(m.liveWorkers()).extracting(WorkerInfo::address).containsExactly(
          new WorkerAddress("host-a", 39999, 0, 0, 30000), new WorkerAddress("host-b", 39999, 0, 0, 30000));
      assertThat(m.liveWorkers().get(0).identity()).isEqualTo(WorkerIdentity.fromHostName("host-a"));
    }
  }

  @Test
  void errorsNameTheProperty() {
    assertThatThrownBy(() -> Memberships.fromProperties(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no cluster membership configured");
    assertThatThrownBy(() -> Memberships.fromProperties(Map.of("alluxio.worker.membership.manager.type", "K8S")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("K8S is not supported");
    assertThatThrownBy(() -> Memberships.fromProperties(Map.of("alluxio.worker.membership.manager.type", "ETCD")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs alluxio.etcd.endpoints");
    assertThatThrownBy(() -> Memberships.fromProperties(Map.of("alluxio.etcd.endpoints", "ftp://h:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be http:// or https://");
    assertThatThrownBy(() -> Memberships.fromProperties(Map.of("purefuse.workers", "w1", "alluxio.worker.rpc.port", "abc")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alluxio.worker.rpc.port");
  }

  @Test
  void parsesEndpoints() {
    assertThat(MembershipProperties.parseEndpoints("http://10.0.0.1:2379, 10.0.0.2:2379,https://[::1]:2379/"))
        .containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379", "https://[::1]:2379");
    for (String bad : List.of("", "a,,b", "http://h", "http://h:0", "http://h:2379/v3", "h:x")) {
      assertThatThrownBy(() -> MembershipProperties.parseEndpoints(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alluxio.etcd.endpoints");
    }
    EtcdConfig c = MembershipProperties.etcdConfig(Map.of("alluxio.etcd.endpoints", "127.0.0.1:2379", "alluxio.cluster.name", "c1"));
    assertThat(c.endpoints()).containsExactly("http://127.0.0.1:2379");
    assertThat(c.clusterName()).isEqualTo("c1");
  }

  @Test
  void parsesFailureDetectionTimeout() {
    assertThat(MembershipProperties.failureDetectionTimeout(Map.of())).isEqualTo(Duration.ofMinutes(2));
    Map<String, Duration> cases = Map.of("15s", Duration.ofSeconds(15), "2min", Duration.ofMinutes(2),
        "1hour", Duration.ofHours(1), "500ms", Duration.ofMillis(500), "3000", Duration.ofSeconds(3),
        "1 d", Duration.ofDays(1), "10sec", Duration.ofSeconds(10));
    cases.forEach((v, d) -> assertThat(MembershipProperties.failureDetectionTimeout(
        Map.of("alluxio.worker.failure.detection.timeout", v))).as(v).isEqualTo(d));
    assertThatThrownBy(() -> MembershipProperties.failureDetectionTimeout(
        Map.of("alluxio.worker.failure.detection.timeout", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a duration");
  }
}
