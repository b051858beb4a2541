package io.purefuse.backend;

import io.purefuse.backend.alluxio.AlluxioClientConfig;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import io.purefuse.backend.cache.ClientCache;
import io.purefuse.backend.cache.ClientCacheConfig;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.backend.membership.Membership;
import io.purefuse.backend.membership.Memberships;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds a {@link FileSystemBackend} from Alluxio-style configuration properties.
 *
 * <p>Cluster mode: when the properties name a worker membership
 * ({@link Memberships#isConfigured}: etcd or a static worker list), an
 * {@link AlluxioWorkerBackend} over Alluxio 3.x workers, for a UFS root of any scheme (see
 * {@link AlluxioClientConfig} for its properties). Otherwise the local UFS (the embedded
 * default), from {@value #UFS_ROOT} given as an absolute path or a {@code file://} URI; other
 * schemes then need a cluster and are rejected with {@link UnsupportedException}.
 *
 * <p>In cluster mode {@code alluxio.user.client.cache.enabled=true} adds the client-side data
 * cache ({@link ClientCacheConfig}); the local UFS needs none (it is local already).
 */
public final class Backends {
  /** Alluxio's property naming the UFS root the namespace is mounted from. */
  public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
  /** {@code true} (default) / {@code false}: local UFS lstat's parent components to refuse symlinks. */
  public static final String LOCAL_CHECK_PARENT_SYMLINKS = "purefuse.local.check-parent-symlinks";

  /** Properties that name a worker membership (see {@link Memberships}). */
  private static final String[] MEMBERSHIP_KEYS = {"alluxio.etcd.endpoints", "purefuse.workers"};

  private Backends() {}

  /** {@link #fromProperties(Map)} for a {@link Properties} object. */
  public static FileSystemBackend fromProperties(Properties props) throws BackendException {
    Map<String, String> m = new HashMap<>();
    for (String k : props.stringPropertyNames()) {
      m.put(k, props.getProperty(k));
    }
    return fromProperties(m);
  }

  /**
   * @throws InvalidArgumentException {@value #UFS_ROOT} is missing, empty, relative or malformed,
   *     or a client property is malformed
   * @throws UnsupportedException the UFS scheme needs a worker cluster and none is configured, or
   *     this build cannot read the configured membership
   * @throws NotFoundException the local root does not exist
   * @throws NotDirectoryException the local root is not a directory
   */
  public static FileSystemBackend fromProperties(Map<String, String> props) throws BackendException {
    String root = props.get(UFS_ROOT);
    if (root == null || root.isBlank()) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, UFS_ROOT + " is not set", null);
    }
    if (clusterConfigured(props)) {
      return clusterBackend(props);
    }
    root = root.trim();
    boolean check = !"false".equalsIgnoreCase(props.getOrDefault(LOCAL_CHECK_PARENT_SYMLINKS, "true").trim());
    return LocalUnderFileSystem.open(localRoot(root), check);
  }

  /**
   * Whether the properties name worker membership. If this build cannot read membership, a
   * property that asks for it is an error rather than a silent fall-back to the local UFS.
   */
  private static boolean clusterConfigured(Map<String, String> props) throws BackendException {
    try {
      return Memberships.isConfigured(props);
    } catch (UnsupportedOperationException e) {
      for (String key : MEMBERSHIP_KEYS) {
        String v = props.get(key);
        if (v != null && !v.isBlank()) {
          throw new UnsupportedException(null, key + " asks for a worker cluster, but this build cannot read "
              + "worker membership yet (" + e.getMessage() + ")", e);
        }
      }
      return false;
    }
  }

  private static FileSystemBackend clusterBackend(Map<String, String> props) throws BackendException {
    AlluxioClientConfig config = AlluxioClientConfig.fromProperties(props);
    Membership membership;
    try {
      membership = Memberships.fromProperties(props);
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedException(null,
          "worker membership (etcd or a static worker list) cannot be read by this build: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, "bad worker membership: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new UnavailableException(ErrorCode.UNAVAILABLE, null, "cannot read the worker membership: " + e, e);
    }
    ClientCache cache = null;
    try {
      ClientCacheConfig cc = ClientCacheConfig.fromProperties(props);
      cache = cc.enabled() ? ClientCache.open(cc) : null;
    } catch (BackendException | RuntimeException e) {
      membership.close();
      throw e;
    }
    return AlluxioWorkerBackend.open(config, membership, cache);
  }

  private static Path localRoot(String root) throws BackendException {
    if (root.startsWith("/")) {
      return Paths.get(root);
    }
    URI uri;
    try {
      uri = new URI(root);
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, "malformed " + UFS_ROOT + ": " + root, e);
    }
    if (uri.getScheme() == null) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, UFS_ROOT + " must be absolute: " + root, null);
    }
    if (!"file".equalsIgnoreCase(uri.getScheme())) {
      throw new UnsupportedException(null,
          "UFS scheme '" + uri.getScheme() + "' needs an Alluxio worker cluster: set alluxio.etcd.endpoints"
              + " or purefuse.workers");
    }
    if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, "bad file URI: " + root, null);
    }
    return Paths.get(uri.getPath());
  }
}
