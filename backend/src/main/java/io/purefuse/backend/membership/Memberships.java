package io.purefuse.backend.membership;

import java.util.Map;

/**
 * Builds the client's {@link Membership} from Alluxio-style properties: etcd when
 * {@code alluxio.etcd.endpoints} is set, else a static list ({@code purefuse.workers}
 * {@code host:port,...}, or Alluxio's static worker-list file).
 *
 * <p>PLACEHOLDER: the implementation lands with the etcd membership work.
 */
public final class Memberships {
  private Memberships() {}

  /** Whether {@code props} name a cluster at all (else the VFS runs on a local UFS). */
  public static boolean isConfigured(Map<String, String> props) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The membership {@code props} describe. */
  public static Membership fromProperties(Map<String, String> props) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
