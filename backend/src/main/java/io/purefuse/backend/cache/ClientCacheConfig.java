package io.purefuse.backend.cache;

import io.purefuse.backend.AlluxioUnits;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.InvalidArgumentException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the client-side data cache, read from Alluxio's {@code alluxio.user.client.cache.*}
 * names. Immutable.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #ENABLED}</td><td>false</td><td>keep data read from workers on local disk</td></tr>
 *   <tr><td>{@value #DIRS} (or the older {@value #DIR})</td><td>{@code /tmp/alluxio_cache}</td>
 *       <td>comma-separated directories; a file is kept in one of them, chosen by its path</td></tr>
 *   <tr><td>{@value #SIZE}</td><td>512MB</td><td>bound of each directory (one value for all, or
 *       one per directory), Alluxio size syntax</td></tr>
 *   <tr><td>{@value #PAGE_SIZE}</td><td>1MB</td><td>accepted and checked for compatibility; this
 *       cache keeps whole files, not pages</td></tr>
 *   <tr><td>{@value #STORE_TYPE}</td><td>LOCAL</td><td>only {@code LOCAL} (files on a local file
 *       system, which FUSE passthrough needs)</td></tr>
 *   <tr><td>{@value #EVICTOR_CLASS} / {@value #EVICTOR_TYPE}</td><td>LRU</td><td>only LRU</td></tr>
 * </table>
 */
public final class ClientCacheConfig {
  public static final String ENABLED = "alluxio.user.client.cache.enabled";
  public static final String DIRS = "alluxio.user.client.cache.dirs";
  /** Alluxio 2.x spelling of {@link #DIRS}. */
  public static final String DIR = "alluxio.user.client.cache.dir";
  public static final String SIZE = "alluxio.user.client.cache.size";
  public static final String PAGE_SIZE = "alluxio.user.client.cache.page.size";
  public static final String STORE_TYPE = "alluxio.user.client.cache.store.type";
  public static final String EVICTOR_CLASS = "alluxio.user.client.cache.evictor.class";
  public static final String EVICTOR_TYPE = "alluxio.user.client.cache.evictor.type";

  public static final String DEFAULT_DIR = "/tmp/alluxio_cache";
  public static final long DEFAULT_SIZE = 512L << 20;
  public static final long DEFAULT_PAGE_SIZE = 1L << 20;
  private static final String LRU_CLASS = "alluxio.client.file.cache.evictor.LRUCacheEvictor";

  private final boolean enabled;
  private final List<Path> dirs;
  private final List<Long> sizes;
  private final long pageSize;

  private ClientCacheConfig(boolean enabled, List<Path> dirs, List<Long> sizes, long pageSize) {
    this.enabled = enabled;
    this.dirs = List.copyOf(dirs);
    this.sizes = List.copyOf(sizes);
    this.pageSize = pageSize;
  }

  /** The cache off (the default). */
  public static ClientCacheConfig disabled() {
    return new ClientCacheConfig(false, List.of(Paths.get(DEFAULT_DIR)), List.of(DEFAULT_SIZE), DEFAULT_PAGE_SIZE);
  }

  /**
   * An enabled cache over {@code dirs}, each bounded by {@code sizeEach} bytes.
   *
   * @throws IllegalArgumentException a directory is not absolute or a size is not positive
   */
  public static ClientCacheConfig of(List<Path> dirs, long sizeEach) {
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < dirs.size(); i++) {
      sizes.add(sizeEach);
    }
    return check(new ClientCacheConfig(true, dirs, sizes, DEFAULT_PAGE_SIZE));
  }

  /**
   * Reads the properties of the class comment. All of them are checked even when the cache is
   * off, so a typo is reported before anybody turns it on.
   *
   * @throws InvalidArgumentException a value is malformed or names something this cache lacks
   */
  public static ClientCacheConfig fromProperties(Map<String, String> props) throws InvalidArgumentException {
    try {
      String en = get(props, ENABLED);
      boolean enabled = false;
      if (en != null) {
        if ("true".equalsIgnoreCase(en)) {
          enabled = true;
        } else if (!"false".equalsIgnoreCase(en)) {
          throw new IllegalArgumentException(ENABLED + " must be true or false: " + en);
        }
      }
      String d = get(props, DIRS);
      if (d == null) {
        d = get(props, DIR);
      }
      List<Path> dirs = new ArrayList<>();
      for (String s : (d == null ? DEFAULT_DIR : d).split(",")) {
        if (!s.isBlank()) {
          dirs.add(Paths.get(s.trim()));
        }
      }
      if (dirs.isEmpty()) {
        throw new IllegalArgumentException(DIRS + " names no directory");
      }
      String sz = get(props, SIZE);
      List<Long> sizes = new ArrayList<>();
      if (sz == null) {
        sizes.add(DEFAULT_SIZE);
      } else {
        for (String s : sz.split(",")) {
          if (!s.isBlank()) {
            sizes.add(AlluxioUnits.parseBytes(SIZE, s.trim()));
          }
        }
      }
      if (sizes.size() == 1) {
        while (sizes.size() < dirs.size()) {
          sizes.add(sizes.get(0));
        }
      } else if (sizes.size() != dirs.size()) {
        throw new IllegalArgumentException(SIZE + " lists " + sizes.size() + " sizes for " + dirs.size()
            + " directories of " + DIRS + " (give one size, or one per directory)");
      }
      long page = DEFAULT_PAGE_SIZE;
      String p = get(props, PAGE_SIZE);
      if (p != null) {
        page = AlluxioUnits.parseBytes(PAGE_SIZE, p);
        if (page <= 0 || page > (1L << 30)) {
          throw new IllegalArgumentException(PAGE_SIZE + " must be between 1 byte and 1 GiB: " + p);
        }
      }
      String store = get(props, STORE_TYPE);
      if (store != null && !"LOCAL".equalsIgnoreCase(store)) {
        throw new IllegalArgumentException(STORE_TYPE + "=" + store + " is not supported: purefuse keeps whole files"
            + " as local files (LOCAL), which FUSE passthrough reads directly");
      }
      String ev = get(props, EVICTOR_CLASS);
      if (ev != null && !ev.equals(LRU_CLASS) && !"LRU".equalsIgnoreCase(ev)) {
        throw new IllegalArgumentException(EVICTOR_CLASS + "=" + ev + " is not supported: only LRU (" + LRU_CLASS + ")");
      }
      String et = get(props, EVICTOR_TYPE);
      if (et != null && !"LRU".equalsIgnoreCase(et)) {
        throw new IllegalArgumentException(EVICTOR_TYPE + "=" + et + " is not supported: only LRU");
      }
      return check(new ClientCacheConfig(enabled, dirs, sizes, page));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, e.getMessage(), e);
    }
  }

  private static ClientCacheConfig check(ClientCacheConfig c) {
    for (Path d : c.dirs) {
      if (!d.isAbsolute()) {
        throw new IllegalArgumentException(DIRS + ": '" + d + "' is not an absolute path");
      }
    }
    if (c.dirs.size() != c.dirs.stream().map(Path::normalize).distinct().count()) {
      throw new IllegalArgumentException(DIRS + " names a directory twice: " + c.dirs);
    }
    for (long s : c.sizes) {
      if (s <= 0) {
        throw new IllegalArgumentException(SIZE + " must be positive: " + s);
      }
    }
    return c;
  }

  private static String get(Map<String, String> props, String key) {
    String v = props.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public boolean enabled() {
    return enabled;
  }

  /** The cache directories (the cache keeps its files in a subdirectory of each). */
  public List<Path> dirs() {
    return dirs;
  }

  /** Bound in bytes of each directory, in the order of {@link #dirs()}. */
  public List<Long> sizes() {
    return sizes;
  }

  /** {@value #PAGE_SIZE}: checked, not used (whole files are kept). */
  public long pageSize() {
    return pageSize;
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "client cache off";
    }
    StringBuilder b = new StringBuilder("client cache");
    for (int i = 0; i < dirs.size(); i++) {
      b.append(i == 0 ? " " : ", ").append(dirs.get(i)).append(" (")
          .append(String.format(Locale.ROOT, "%.1f MiB", sizes.get(i) / 1048576.0)).append(')');
    }
    return b.toString();
  }
}
