package io.purefuse.backend;

import io.purefuse.backend.local.LocalUnderFileSystem;
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
 * <p>Today: the local UFS (the embedded default), from {@value #UFS_ROOT} given as an absolute
 * path or a {@code file://} URI. A later version adds worker mode (Alluxio 3.x workers over gRPC)
 * for other UFS schemes; until then they are rejected with {@link UnsupportedException}.
 */
public final class Backends {
  /** Alluxio's property naming the UFS root the namespace is mounted from. */
  public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
  /** {@code true} (default) / {@code false}: local UFS lstat's parent components to refuse symlinks. */
  public static final String LOCAL_CHECK_PARENT_SYMLINKS = "purefuse.local.check-parent-symlinks";

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
   * @throws InvalidArgumentException {@value #UFS_ROOT} is missing, empty, relative or malformed
   * @throws UnsupportedException the UFS scheme needs worker mode, which is not built yet
   * @throws NotFoundException the local root does not exist
   * @throws NotDirectoryException the local root is not a directory
   */
  public static FileSystemBackend fromProperties(Map<String, String> props) throws BackendException {
    String root = props.get(UFS_ROOT);
    if (root == null || root.isBlank()) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, UFS_ROOT + " is not set", null);
    }
    root = root.trim();
    boolean check = !"false".equalsIgnoreCase(props.getOrDefault(LOCAL_CHECK_PARENT_SYMLINKS, "true").trim());
    return LocalUnderFileSystem.open(localRoot(root), check);
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
          "UFS scheme '" + uri.getScheme() + "' needs Alluxio worker mode, which is not implemented yet");
    }
    if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, "bad file URI: " + root, null);
    }
    return Paths.get(uri.getPath());
  }
}
