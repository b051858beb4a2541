package io.purefuse.backend.membership;

/**
 * Alluxio 3.x's etcd key layout for one cluster: the permanent ring entry
 * {@code /DHT/<cluster>/AUTHORIZED/worker-<uuid>} and the leased liveness entry
 * {@code /ServiceDiscovery/<cluster>/worker-<uuid>}. Alluxio clients take the live worker set
 * from the liveness prefix alone; the ring prefix lists every worker that ever joined.
 */
public final class EtcdKeys {
  private final String cluster;

  public EtcdKeys(String cluster) {
    if (cluster == null || cluster.isEmpty() || cluster.indexOf('/') >= 0) {
      throw new IllegalArgumentException("cluster name must be non-empty and contain no '/': " + cluster);
    }
    this.cluster = cluster;
  }

  public String cluster() {
    return cluster;
  }

  /** {@code /DHT/<cluster>/AUTHORIZED/}: every worker that joined, alive or not. */
  public String ringPrefix() {
    return "/DHT/" + cluster + "/AUTHORIZED/";
  }

  /** {@code /ServiceDiscovery/<cluster>/}: the workers whose lease is alive. */
  public String livenessPrefix() {
    return "/ServiceDiscovery/" + cluster + "/";
  }

  public String ringKey(WorkerIdentity worker) {
    return ringPrefix() + worker.serviceEntityName();
  }

  public String livenessKey(WorkerIdentity worker) {
    return livenessPrefix() + worker.serviceEntityName();
  }
}
