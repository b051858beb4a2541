package io.purefuse.backend.membership;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the client's {@link Membership} from Alluxio-style properties (names in
 * {@link MembershipProperties}).
 *
 * <p>Choice: when {@code alluxio.worker.membership.manager.type} is {@code STATIC}, a static list
 * ({@code purefuse.workers} if set, else the file {@code alluxio.worker.static.config.file});
 * when it is {@code ETCD}, etcd. When the type is unset: etcd if {@code alluxio.etcd.endpoints}
 * is set, else {@code purefuse.workers}, else the worker-list file.
 */
public final class Memberships {
  private Memberships() {}

  /**
   * Whether {@code props} name a cluster at all (else the VFS runs on a local UFS): etcd
   * endpoints, {@code purefuse.workers}, or type {@code STATIC} with a worker-list file.
   */
  public static boolean isConfigured(Map<String, String> props) {
    if (MembershipProperties.get(props, MembershipProperties.ETCD_ENDPOINTS) != null
        || MembershipProperties.get(props, MembershipProperties.PUREFUSE_WORKERS) != null) {
      return true;
    }
    return "STATIC".equals(type(props))
        && MembershipProperties.get(props, MembershipProperties.STATIC_CONFIG_FILE) != null;
  }

  /**
   * The membership {@code props} describe. An etcd membership starts watching at once and
   * answers with an empty set until its first listing succeeds (see {@link EtcdMembership}).
   *
   * @throws IllegalArgumentException when nothing is configured, the type is unsupported, or a
   *     value is malformed (the message names the property)
   */
  public static Membership fromProperties(Map<String, String> props) {
    String type = type(props);
    if (type == null) {
      EtcdConfig etcd = MembershipProperties.etcdConfig(props);
      if (etcd != null) {
        return EtcdMembership.start(etcd);
      }
      return staticMembership(props);
    }
    switch (type) {
      case "STATIC":
        return staticMembership(props);
      case "ETCD": {
        EtcdConfig etcd = MembershipProperties.etcdConfig(props);
        if (etcd == null) {
          throw new IllegalArgumentException(MembershipProperties.MEMBERSHIP_TYPE + "=ETCD needs "
              + MembershipProperties.ETCD_ENDPOINTS + " (e.g. http://127.0.0.1:2379)");
        }
        return EtcdMembership.start(etcd);
      }
      default:
        throw new IllegalArgumentException(MembershipProperties.MEMBERSHIP_TYPE + "=" + type
            + " is not supported (use STATIC or ETCD)");
    }
  }

  private static StaticMembership staticMembership(Map<String, String> props) {
    int rpcPort = MembershipProperties.port(props, MembershipProperties.WORKER_RPC_PORT, WorkerAddress.DEFAULT_RPC_PORT);
    String list = MembershipProperties.get(props, MembershipProperties.PUREFUSE_WORKERS);
    if (list != null) {
      return StaticMembership.ofAddresses(StaticWorkerLists.parseHostPorts(list, rpcPort));
    }
    String file = MembershipProperties.get(props, MembershipProperties.STATIC_CONFIG_FILE);
    if (file != null) {
      int webPort = MembershipProperties.port(props, MembershipProperties.WORKER_WEB_PORT, WorkerAddress.DEFAULT_WEB_PORT);
      return StaticMembership.ofAddresses(StaticWorkerLists.readWorkerFile(Path.of(file), rpcPort, webPort));
    }
    throw new IllegalArgumentException("no cluster membership configured: set "
        + MembershipProperties.ETCD_ENDPOINTS + ", " + MembershipProperties.PUREFUSE_WORKERS + ", or "
        + MembershipProperties.MEMBERSHIP_TYPE + "=STATIC with " + MembershipProperties.STATIC_CONFIG_FILE);
  }

  private static String type(Map<String, String> props) {
    String t = MembershipProperties.get(props, MembershipProperties.MEMBERSHIP_TYPE);
    return t == null ? null : t.toUpperCase(Locale.ROOT);
  }
}
