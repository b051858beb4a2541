package io.purefuse.backend.membership;

import java.util.Objects;

/** A member of the cluster: its ring identity and its address. */
public record WorkerInfo(WorkerIdentity identity, WorkerAddress address) {
  public WorkerInfo {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public String toString() {
    return identity + "@" + address;
  }
}
