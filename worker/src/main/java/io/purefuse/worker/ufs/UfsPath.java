package io.purefuse.worker.ufs;

import io.purefuse.backend.AlluxioPath;

/**
 * A request path after mapping: {@code ufsPath} is the full UFS path as the client spelled its
 * root (scheme kept, empty components dropped, no trailing slash), {@code path} the namespace
 * path under the worker's root.
 */
public record UfsPath(String ufsPath, AlluxioPath path) {
  /** The UFS path of the child {@code name} (a listed entry). */
  public String childUfsPath(String name) {
    return ufsPath.endsWith("/") ? ufsPath + name : ufsPath + "/" + name;
  }

  /** The key the page cache files this entry under. */
  public String cacheKey() {
    return path.toString();
  }
}
