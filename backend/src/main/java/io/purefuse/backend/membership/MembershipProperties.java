package io.purefuse.backend.membership;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Alluxio (and purefuse) property names that describe membership, and strict parsers for
 * their values. Every parser throws {@link IllegalArgumentException} naming the property and the
 * bad value.
 */
public final class MembershipProperties {
  /** Comma-separated etcd URLs, e.g. {@code http://10.0.0.1:2379,http://10.0.0.2:2379}. */
  public static final String ETCD_ENDPOINTS = "alluxio.etcd.endpoints";
  /** The cluster name in the etcd keys; default {@value EtcdConfig#DEFAULT_CLUSTER}. */
  public static final String CLUSTER_NAME = "alluxio.cluster.name";
  /** {@code STATIC} or {@code ETCD} (others are not supported here). */
  public static final String MEMBERSHIP_TYPE = "alluxio.worker.membership.manager.type";
  /** Alluxio's static worker list: one host name per line, {@code #} comments. */
  public static final String STATIC_CONFIG_FILE = "alluxio.worker.static.config.file";
  /** A worker's gRPC port; default {@value WorkerAddress#DEFAULT_RPC_PORT}. */
  public static final String WORKER_RPC_PORT = "alluxio.worker.rpc.port";
  /** A worker's web port; default {@value WorkerAddress#DEFAULT_WEB_PORT}. */
  public static final String WORKER_WEB_PORT = "alluxio.worker.web.port";
  /** The etcd lease TTL of a worker's liveness key; default 2 min. */
  public static final String FAILURE_DETECTION_TIMEOUT = "alluxio.worker.failure.detection.timeout";
  /** purefuse's own static list: {@code host:port,host:port}, IPv6 hosts in brackets. */
  public static final String PUREFUSE_WORKERS = "purefuse.workers";

  /** Default of {@link #FAILURE_DETECTION_TIMEOUT}. */
  public static final Duration DEFAULT_FAILURE_DETECTION_TIMEOUT = Duration.ofMinutes(2);

  private MembershipProperties() {}

  /** The value of {@code name}, trimmed, or null when absent or blank. */
  public static String get(Map<String, String> props, String name) {
    String v = props.get(name);
    if (v == null) {
      return null;
    }
    v = v.trim();
    return v.isEmpty() ? null : v;
  }

  /** The etcd location {@code props} describe, or null when {@link #ETCD_ENDPOINTS} is unset. */
  public static EtcdConfig etcdConfig(Map<String, String> props) {
    String endpoints = get(props, ETCD_ENDPOINTS);
    if (endpoints == null) {
      return null;
    }
    return new EtcdConfig(parseEndpoints(endpoints), get(props, CLUSTER_NAME));
  }

  /**
   * Parses comma-separated etcd endpoints. Each is {@code http://host:port} or
   * {@code https://host:port}; a bare {@code host:port} means http.
   */
  public static List<String> parseEndpoints(String value) {
    List<String> out = new ArrayList<>();
    for (String raw : value.split(",", -1)) {
      String e = raw.trim();
      if (e.isEmpty()) {
        throw new IllegalArgumentException(ETCD_ENDPOINTS + ": empty entry in '" + value + "'");
      }
      String url = e.contains("://") ? e : "http://" + e;
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException ex) {
        throw new IllegalArgumentException(ETCD_ENDPOINTS + ": '" + e + "' is not a URL", ex);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(ETCD_ENDPOINTS + ": '" + e + "' must be http:// or https://");
      }
      if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535) {
        throw new IllegalArgumentException(ETCD_ENDPOINTS + ": '" + e
            + "' needs a host and a port, e.g. http://127.0.0.1:2379");
      }
      if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
        throw new IllegalArgumentException(ETCD_ENDPOINTS + ": '" + e + "' must not have a path");
      }
      out.add(scheme + "://" + uri.getRawAuthority());
    }
    return out;
  }

  /** {@link #FAILURE_DETECTION_TIMEOUT}: the lease TTL a worker registers with. */
  public static Duration failureDetectionTimeout(Map<String, String> props) {
    String v = get(props, FAILURE_DETECTION_TIMEOUT);
    return v == null ? DEFAULT_FAILURE_DETECTION_TIMEOUT : parseDuration(FAILURE_DETECTION_TIMEOUT, v);
  }

  /**
   * Parses an Alluxio duration: a whole number with an optional unit ({@code ms}, {@code s},
   * {@code min}, {@code h}, {@code d} and their long forms); no unit means milliseconds.
   */
  public static Duration parseDuration(String property, String value) {
    return io.purefuse.backend.AlluxioUnits.parseDuration(property, value);
  }

  /** A port property: 1..65535, or {@code dflt} when unset. */
  public static int port(Map<String, String> props, String name, int dflt) {
    String v = get(props, name);
    if (v == null) {
      return dflt;
    }
    return parsePort(name, v);
  }

  static int parsePort(String what, String v) {
    int p;
    try {
      p = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": port '" + v + "' is not a number", e);
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(what + ": port " + p + " is not in 1..65535");
    }
    return p;
  }
}
