package io.purefuse.backend.membership;

import java.util.List;

/**
 * Where Alluxio's membership lives in etcd: {@code alluxio.etcd.endpoints} (comma separated
 * URLs, e.g. {@code http://127.0.0.1:2379}) and {@code alluxio.cluster.name}.
 */
public record EtcdConfig(List<String> endpoints, String clusterName) {
  /** Alluxio's default {@code alluxio.cluster.name}. */
  public static final String DEFAULT_CLUSTER = "DefaultAlluxioCluster";

  public EtcdConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoints");
    }
    if (clusterName == null || clusterName.isBlank()) {
      clusterName = DEFAULT_CLUSTER;
    }
  }
}
