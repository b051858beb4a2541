package io.purefuse.backend.membership;

import java.util.List;
import java.util.function.Consumer;

/**
 * A fixed worker list ({@code --workers host:port,...}). Each worker's identity is the
 * name-based UUID of its host name, as Alluxio's static membership computes it; two workers on
 * one host therefore need distinct host names (e.g. 127.0.0.2, 127.0.0.3).
 */
public final class StaticMembership implements Membership {
  private final List<WorkerInfo> workers;

  public StaticMembership(List<WorkerInfo> workers) {
    this.workers = List.copyOf(workers);
  }

  /** Workers from addresses, with host-name identities. */
  public static StaticMembership ofAddresses(List<WorkerAddress> addresses) {
    return new StaticMembership(addresses.stream()
        .map(a -> new WorkerInfo(WorkerIdentity.fromHostName(a.host()), a))
        .toList());
  }

  @Override
  public List<WorkerInfo> liveWorkers() {
    return workers;
  }

  @Override
  public void addListener(Consumer<List<WorkerInfo>> listener) {
    // Never changes.
  }

  @Override
  public void close() {}
}
