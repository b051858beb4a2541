package io.purefuse.backend.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EtcdKeysTest {
  @Test
  void layoutMatchesAlluxio() {
    WorkerIdentity id = WorkerIdentity.of(UUID.fromString("cb157baa-afe0-4b98-8af0-1a4645d38456"));
    EtcdKeys keys = new EtcdKeys(EtcdConfig.DEFAULT_CLUSTER);
    assertThat(keys.ringKey(id)).isEqualTo("/DHT/DefaultAlluxioCluster/AUTHORIZED/worker-cb157baa-afe0-4b98-8af0-1a4645d38456");
    assertThat(keys.livenessKey(id)).isEqualTo("/ServiceDiscovery/DefaultAlluxioCluster/worker-cb157baa-afe0-4b98-8af0-1a4645d38456");
    assertThat(keys.livenessPrefix()).isEqualTo("/ServiceDiscovery/DefaultAlluxioCluster/");
    assertThat(keys.ringPrefix()).isEqualTo("/DHT/DefaultAlluxioCluster/AUTHORIZED/");
    assertThat(new EtcdKeys("prod").livenessKey(id)).startsWith("/ServiceDiscovery/prod/worker-");
  }

  @Test
  void clusterNameWithSlashIsRejected() {
    assertThatThrownBy(() -> new EtcdKeys("a/b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/'");
  }

  @Test
  void blankClusterMeansDefault() {
    assertThat(new EtcdConfig(java.util.List.of("http://127.0.0.1:2379"), " ").clusterName()).isEqualTo("DefaultAlluxioCluster");
  }
}
