package io.purefuse.backend.membership;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker's identity on the hash ring, as Alluxio 3.x defines it: a 16-byte id (a UUID's two
 * longs, big-endian) plus a version (1). It is what the ring hashes, so a worker that keeps its
 * identity across restarts keeps its place on the ring.
 */
public final class WorkerIdentity {
  /** The identity version Alluxio 3.x writes and hashes. */
  public static final int VERSION = 1;

  private final UUID id;

  private WorkerIdentity(UUID id) {
    this.id = Objects.requireNonNull(id, "id");
  }

  public static WorkerIdentity of(UUID id) {
    return new WorkerIdentity(id);
  }

  /** A new random identity, for a worker that starts without one. */
  public static WorkerIdentity random() {
    return new WorkerIdentity(UUID.randomUUID());
  }

  /** A static worker's identity: the name-based (MD5, version 3) UUID of its host name. */
  public static WorkerIdentity fromHostName(String host) {
    return new WorkerIdentity(UUID.nameUUIDFromBytes(host.getBytes(StandardCharsets.UTF_8)));
  }

  /** Parses the 32-hex-digit {@code identifier} of the etcd JSON (or a UUID string). */
  public static WorkerIdentity parse(String s) {
    String t = s.trim();
    if (t.length() == 36) {
      return new WorkerIdentity(UUID.fromString(t));
    }
    if (t.length() != 32) {
      throw new IllegalArgumentException("worker identifier must be 32 hex digits: " + s);
    }
    byte[] b = HexFormat.of().parseHex(t);
    ByteBuffer bb = ByteBuffer.wrap(b);
    return new WorkerIdentity(new UUID(bb.getLong(), bb.getLong()));
  }

  public UUID uuid() {
    return id;
  }

  public int version() {
    return VERSION;
  }

  /** The 16 id bytes: most significant long then least significant long, big-endian. */
  public byte[] bytes() {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
  }

  /** Lower-case hex of {@link #bytes()}: the {@code Identity.identifier} of the etcd JSON. */
  public String hexIdentifier() {
    return HexFormat.of().formatHex(bytes());
  }

  /** {@code worker-<uuid>}: the etcd key suffix and {@code ServiceEntityName}. */
  public String serviceEntityName() {
    return "worker-" + id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkerIdentity && ((WorkerIdentity) o).id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id.toString();
  }
}
