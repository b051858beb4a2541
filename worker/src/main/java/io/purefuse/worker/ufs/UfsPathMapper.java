package io.purefuse.worker.ufs;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the full UFS paths of worker requests ({@code /data/ufs/d/a}, {@code file:///data/ufs/d/a})
 * to namespace paths under the worker's UFS root, and refuses everything that does not stay
 * inside it.
 *
 * <p>Rules: empty components ({@code //}, a trailing {@code /}) are ignored, because clients build
 * UFS paths by concatenation; {@code .} and {@code ..} are refused with INVALID_ARGUMENT rather
 * than resolved (a client never needs them, and resolving them is how paths escape); a path
 * whose components do not start with the root's is refused with PERMISSION_DENIED, as is one with
 * a symbolic link as a parent component (a link inside the root could point anywhere). The root
 * is recognized both as given and as its real path.
 */
public final class UfsPathMapper {
  private final Path realRoot;
  private final List<List<String>> rootForms = new ArrayList<>();

  /**
   * @param givenRoot the root as configured (absolute or relative)
   * @param realRoot its real path (symlinks resolved)
   */
  public UfsPathMapper(Path givenRoot, Path realRoot) {
    this.realRoot = realRoot;
    List<String> real = components(realRoot.toString());
    rootForms.add(real);
    List<String> given = components(givenRoot.toAbsolutePath().normalize().toString());
    if (!given.equals(real)) {
      rootForms.add(given);
    }
  }

  /** The real path of the UFS root. */
  public Path realRoot() {
    return realRoot;
  }

  /**
   * Maps a request's UFS path.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT for a malformed path, PERMISSION_DENIED for a
   *     path outside the root or through a symlink
   */
  public UfsPath map(String ufsPath) {
    if (ufsPath == null || ufsPath.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("empty UFS path").asRuntimeException();
    }
    String scheme = "";
    String p = ufsPath;
    if (p.startsWith("file://")) {
      scheme = "file://";
      p = p.substring("file://".length());
    } else if (p.startsWith("file:")) {
      scheme = "file:";
      p = p.substring("file:".length());
    } else if (p.indexOf("://") > 0) {
      throw Status.INVALID_ARGUMENT.withDescription("this worker serves a local UFS, not " + ufsPath)
          .asRuntimeException();
    }
    if (!p.startsWith("/")) {
      throw Status.INVALID_ARGUMENT.withDescription("UFS path must be absolute: " + ufsPath).asRuntimeException();
    }
    List<String> comps = components(p);
    for (String c : comps) {
      if (c.equals(".") || c.equals("..")) {
        throw Status.INVALID_ARGUMENT.withDescription("'.' and '..' are not allowed in UFS paths: " + ufsPath)
            .asRuntimeException();
      }
      if (c.indexOf('\0') >= 0) {
        throw Status.INVALID_ARGUMENT.withDescription("NUL in UFS path").asRuntimeException();
      }
    }
    for (List<String> root : rootForms) {
      if (comps.size() >= root.size() && comps.subList(0, root.size()).equals(root)) {
        List<String> rest = comps.subList(root.size(), comps.size());
        AlluxioPath path;
        try {
          path = AlluxioPath.of("/" + String.join("/", rest));
        } catch (InvalidPathException e) {
          throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        checkNoSymlinkParents(path, ufsPath);
        String normalized = scheme + "/" + String.join("/", comps);
        return new UfsPath(normalized, path);
      }
    }
    throw Status.PERMISSION_DENIED.withDescription(ufsPath + " is outside this worker's UFS root " + realRoot)
        .asRuntimeException();
  }

  private void checkNoSymlinkParents(AlluxioPath path, String ufsPath) {
    if (path.depth() < 2) {
      return;
    }
    Path cur = realRoot;
    List<String> comps = path.components();
    for (int i = 0; i < comps.size() - 1; i++) {
      cur = cur.resolve(comps.get(i));
      if (Files.isSymbolicLink(cur)) {
        throw Status.PERMISSION_DENIED
            .withDescription("refusing a path through the symbolic link " + comps.get(i) + ": " + ufsPath)
            .asRuntimeException();
      }
    }
  }

  private static List<String> components(String p) {
    List<String> out = new ArrayList<>();
    for (String c : p.split("/")) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }
}
