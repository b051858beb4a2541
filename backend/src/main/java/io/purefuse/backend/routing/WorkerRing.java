package io.purefuse.backend.routing;

import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alluxio's {@code CONSISTENT} worker choice, immutable for one membership snapshot.
 *
 * <p>Each live worker has {@value #VIRTUAL_NODES} virtual nodes, node {@code i} at
 * {@code murmur3_32(id bytes ++ int32le(version) ++ int32le(i))}. A key (the file's full UFS
 * path) with attempt index {@code a} hashes to {@code murmur3_32(utf8(key) ++ int32le(a))} and
 * belongs to the first node at or after that value in signed int order, wrapping to the first
 * node. The owner is attempt 1; fail-over candidates are the distinct workers of attempts 2, 3,
 * ... (as Alluxio's {@code getMultiple}).
 */
public final class WorkerRing {
  /** Alluxio's default {@code alluxio.user.worker.selection.policy.consistent.hash.virtual.node.count}. */
  public static final int VIRTUAL_NODES = 5;
  /** How many attempt indices {@link #candidates} tries before giving up finding more workers. */
  public static final int MAX_ATTEMPTS = 100;

  private final TreeMap<Integer, WorkerInfo> nodes = new TreeMap<>();
  private final List<WorkerInfo> workers;

  private WorkerRing(Collection<WorkerInfo> workers, int virtualNodes) {
    this.workers = List.copyOf(workers);
    for (WorkerInfo w : this.workers) {
      for (int i = 0; i < virtualNodes; i++) {
        nodes.put(nodeHash(w.identity(), i), w);
      }
    }
  }

  /** The ring of {@code workers} with Alluxio's default virtual node count. */
  public static WorkerRing of(Collection<WorkerInfo> workers) {
    return new WorkerRing(workers, VIRTUAL_NODES);
  }

  public static WorkerRing of(Collection<WorkerInfo> workers, int virtualNodes) {
    return new WorkerRing(workers, virtualNodes);
  }

  public boolean isEmpty() {
    return nodes.isEmpty();
  }

  public List<WorkerInfo> workers() {
    return workers;
  }

  /** The worker that owns {@code ufsPath} (attempt 1), or null if the ring is empty. */
  public WorkerInfo owner(String ufsPath) {
    return nodes.isEmpty() ? null : lookup(ufsPath, 1);
  }

  /**
   * Up to {@code count} distinct workers for {@code ufsPath}, the owner first, then fail-over
   * candidates in Alluxio's order.
   */
  public List<WorkerInfo> candidates(String ufsPath, int count) {
    if (nodes.isEmpty() || count <= 0) {
      return List.of();
    }
    Set<WorkerInfo> out = new LinkedHashSet<>();
    int max = Math.min(count, workers.size());
    for (int attempt = 1; out.size() < max && attempt <= MAX_ATTEMPTS; attempt++) {
      out.add(lookup(ufsPath, attempt));
    }
    return new ArrayList<>(out);
  }

  private WorkerInfo lookup(String key, int attempt) {
    Map.Entry<Integer, WorkerInfo> e = nodes.ceilingEntry(keyHash(key, attempt));
    return e != null ? e.getValue() : nodes.firstEntry().getValue();
  }

  /** {@code murmur3_32(utf8(key) ++ int32le(attempt))}. */
  public static int keyHash(String key, int attempt) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[k.length + 4];
    System.arraycopy(k, 0, b, 0, k.length);
    ByteBuffer.wrap(b, k.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(attempt);
    return Murmur3.hash32(b, b.length);
  }

  /** {@code murmur3_32(id bytes ++ int32le(version) ++ int32le(index))}. */
  public static int nodeHash(WorkerIdentity id, int index) {
    ByteBuffer b = ByteBuffer.allocate(24);
    b.put(id.bytes());
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(id.version()).putInt(index);
    return Murmur3.hash32(b.array(), 24);
  }
}
