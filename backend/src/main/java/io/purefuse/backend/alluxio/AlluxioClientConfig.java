package io.purefuse.backend.alluxio;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.InvalidArgumentException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Alluxio 3.x worker client, read from Alluxio's property names where Alluxio
 * has one. Immutable; build with {@link #fromProperties} or {@link #builder}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #UFS_ROOT}</td><td>(required)</td><td>UFS root, any scheme; the namespace
 *       path {@code /a/b} is sent to workers as {@code <root>/a/b}</td></tr>
 *   <tr><td>{@value #AUTH_TYPE}</td><td>{@code SIMPLE}</td><td>{@code SIMPLE} (SASL PLAIN login
 *       per channel) or {@code NOSASL}</td></tr>
 *   <tr><td>{@value #LOGIN_USER}</td><td>the OS user</td><td>user name sent at login</td></tr>
 *   <tr><td>{@value #RPC_TIMEOUT}</td><td>30s</td><td>deadline of every unary call and of the
 *       login</td></tr>
 *   <tr><td>{@value #READ_TIMEOUT}</td><td>30s</td><td>idle deadline of a data stream: a read
 *       that sees no chunk for this long fails (or fails over)</td></tr>
 *   <tr><td>{@value #WRITE_TIMEOUT}</td><td>30s</td><td>how long a write waits for the worker to
 *       take data or acknowledge a flush</td></tr>
 *   <tr><td>{@value #WRITE_TO_UFS}</td><td>true</td><td>when a worker has no gRPC WriteBlock,
 *       write a local UFS root directly (as Alluxio's client does)</td></tr>
 *   <tr><td>{@value #READ_TYPE}</td><td>{@code CACHE}</td><td>{@code NO_CACHE} sets
 *       {@code no_cache} in read requests</td></tr>
 *   <tr><td>{@value #PREFETCH_INITIAL}</td><td>1MB</td><td>read-ahead window of a new sequential
 *       stream</td></tr>
 *   <tr><td>{@value #PREFETCH_MAX}</td><td>64MB</td><td>the window doubles up to this while the
 *       reader stays sequential (bounds memory per open file)</td></tr>
 *   <tr><td>{@value #FAILOVER_WORKERS}</td><td>3</td><td>how many ring candidates a call tries
 *       when workers are unavailable</td></tr>
 *   <tr><td>{@value #LOAD_TIMEOUT}</td><td>10min</td><td>deadline of one {@code LoadFile}
 *       call</td></tr>
 * </table>
 * Durations take Alluxio's forms ({@code 500ms}, {@code 30s}, {@code 3min}, {@code 1h}; a bare
 * number is milliseconds), sizes {@code 1048576}, {@code 64KB}, {@code 1MB}, {@code 1MiB}.
 */
public final class AlluxioClientConfig {
  public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
  public static final String AUTH_TYPE = "alluxio.security.authentication.type";
  public static final String LOGIN_USER = "alluxio.security.login.username";
  public static final String RPC_TIMEOUT = "purefuse.worker.rpc.timeout";
  public static final String READ_TIMEOUT = "alluxio.user.streaming.data.read.timeout";
  public static final String WRITE_TIMEOUT = "alluxio.user.streaming.data.write.timeout";
  public static final String WRITE_TO_UFS = "alluxio.client.write.to.ufs.enabled";
  public static final String READ_TYPE = "alluxio.user.file.readtype.default";
  public static final String PREFETCH_INITIAL = "purefuse.worker.read.prefetch.initial";
  public static final String PREFETCH_MAX = "purefuse.worker.read.prefetch.max";
  public static final String FAILOVER_WORKERS = "purefuse.worker.failover.candidates";
  public static final String LOAD_TIMEOUT = "purefuse.worker.load.timeout";

  /** {@code chunk_size} of every read request (Alluxio's default streaming chunk). */
  public static final int CHUNK_SIZE = 1 << 20;

  /** Login scheme of the worker channels. */
  public enum AuthType {
    /** SASL PLAIN login on each channel, then {@code channel-id} on every call. */
    SIMPLE,
    /** No login. */
    NOSASL
  }

  private final String ufsRoot;
  private final AuthType authType;
  private final String user;
  private final Duration rpcTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration loadTimeout;
  private final boolean writeToUfs;
  private final boolean noCache;
  private final int prefetchInitial;
  private final int prefetchMax;
  private final int failoverWorkers;

  private AlluxioClientConfig(Builder b) {
    this.ufsRoot = normalizeRoot(b.ufsRoot);
    this.authType = Objects.requireNonNull(b.authType);
    this.user = b.user == null || b.user.isEmpty() ? System.getProperty("user.name", "root") : b.user;
    this.rpcTimeout = positive(b.rpcTimeout, RPC_TIMEOUT);
    this.readTimeout = positive(b.readTimeout, READ_TIMEOUT);
    this.writeTimeout = positive(b.writeTimeout, WRITE_TIMEOUT);
    this.loadTimeout = positive(b.loadTimeout, LOAD_TIMEOUT);
    this.writeToUfs = b.writeToUfs;
    this.noCache = b.noCache;
    if (b.prefetchInitial <= 0 || b.prefetchMax < b.prefetchInitial) {
      throw new IllegalArgumentException("need 0 < " + PREFETCH_INITIAL + " <= " + PREFETCH_MAX);
    }
    this.prefetchInitial = b.prefetchInitial;
    this.prefetchMax = b.prefetchMax;
    if (b.failoverWorkers < 1) {
      throw new IllegalArgumentException(FAILOVER_WORKERS + " must be at least 1");
    }
    this.failoverWorkers = b.failoverWorkers;
  }

  public static Builder builder(String ufsRoot) {
    return new Builder(ufsRoot);
  }

  /**
   * Reads the properties listed in the class comment.
   *
   * @throws InvalidArgumentException a value is missing or malformed
   */
  public static AlluxioClientConfig fromProperties(Map<String, String> props) throws InvalidArgumentException {
    String root = props.get(UFS_ROOT);
    if (root == null || root.isBlank()) {
      throw bad(UFS_ROOT + " is not set");
    }
    Builder b = builder(root.trim());
    try {
      String auth = get(props, AUTH_TYPE);
      if (auth != null) {
        switch (auth.toUpperCase(Locale.ROOT)) {
          case "SIMPLE":
            b.authType(AuthType.SIMPLE);
            break;
          case "NOSASL":
            b.authType(AuthType.NOSASL);
            break;
          default:
            throw bad(AUTH_TYPE + "=" + auth + " is not supported (SIMPLE or NOSASL)");
        }
      }
      b.user(get(props, LOGIN_USER));
      String v;
      if ((v = get(props, RPC_TIMEOUT)) != null) {
        b.rpcTimeout(parseDuration(RPC_TIMEOUT, v));
      }
      if ((v = get(props, READ_TIMEOUT)) != null) {
        b.readTimeout(parseDuration(READ_TIMEOUT, v));
      }
      if ((v = get(props, WRITE_TIMEOUT)) != null) {
        b.writeTimeout(parseDuration(WRITE_TIMEOUT, v));
      }
      if ((v = get(props, LOAD_TIMEOUT)) != null) {
        b.loadTimeout(parseDuration(LOAD_TIMEOUT, v));
      }
      if ((v = get(props, WRITE_TO_UFS)) != null) {
        b.writeToUfs(parseBoolean(WRITE_TO_UFS, v));
      }
      if ((v = get(props, READ_TYPE)) != null) {
        b.noCache("NO_CACHE".equalsIgnoreCase(v));
      }
      if ((v = get(props, PREFETCH_INITIAL)) != null) {
        b.prefetch(parseSize(PREFETCH_INITIAL, v), b.prefetchMax);
      }
      if ((v = get(props, PREFETCH_MAX)) != null) {
        b.prefetch(b.prefetchInitial, parseSize(PREFETCH_MAX, v));
      }
      if ((v = get(props, FAILOVER_WORKERS)) != null) {
        try {
          b.failoverWorkers(Integer.parseInt(v));
        } catch (NumberFormatException e) {
          throw bad(FAILOVER_WORKERS + " is not a number: " + v);
        }
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static String get(Map<String, String> props, String key) {
    String v = props.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static InvalidArgumentException bad(String message) {
    return new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, null, message, null);
  }

  /** The UFS root without trailing slashes (but {@code "/"} stays {@code "/"}). */
  public String ufsRoot() {
    return ufsRoot;
  }

  /**
   * The full UFS path of a namespace path: root + path, never a double slash; the root itself
   * for {@code "/"}.
   */
  public String ufsPath(AlluxioPath path) {
    if (path.isRoot()) {
      return ufsRoot;
    }
    return ufsRoot.endsWith("/") ? ufsRoot + path.relative() : ufsRoot + path;
  }

  /** The UFS path of a directory as ListStatus sends it: ending in {@code '/'}. */
  public String ufsDirectory(AlluxioPath dir) {
    String p = ufsPath(dir);
    return p.endsWith("/") ? p : p + "/";
  }

  public AuthType authType() {
    return authType;
  }

  public String user() {
    return user;
  }

  public Duration rpcTimeout() {
    return rpcTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  public Duration writeTimeout() {
    return writeTimeout;
  }

  public Duration loadTimeout() {
    return loadTimeout;
  }

  public boolean writeToUfs() {
    return writeToUfs;
  }

  public boolean noCache() {
    return noCache;
  }

  public int prefetchInitial() {
    return prefetchInitial;
  }

  public int prefetchMax() {
    return prefetchMax;
  }

  public int failoverWorkers() {
    return failoverWorkers;
  }

  @Override
  public String toString() {
    return "AlluxioClientConfig{root=" + ufsRoot + " auth=" + authType + " user=" + user + " rpc=" + rpcTimeout
        + " read=" + readTimeout + " write=" + writeTimeout + " writeToUfs=" + writeToUfs + " prefetch="
        + prefetchInitial + ".." + prefetchMax + " failover=" + failoverWorkers + "}";
  }

  private static String normalizeRoot(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException(UFS_ROOT + " is not set");
    }
    String r = root.trim();
    int schemeEnd = r.indexOf("://");
    int min = schemeEnd >= 0 ? schemeEnd + 3 : 1;
    if (schemeEnd < 0 && !r.startsWith("/")) {
      throw new IllegalArgumentException(UFS_ROOT + " must be an absolute path or a URI: " + root);
    }
    // "file:///" keeps its path's slash; "s3://bucket/" loses the trailing one.
    if (r.startsWith("file://")) {
      min = "file://".length() + 1;
    }
    int end = r.length();
    while (end > min && r.charAt(end - 1) == '/') {
      end--;
    }
    return r.substring(0, end);
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }

  static boolean parseBoolean(String name, String v) {
    if ("true".equalsIgnoreCase(v)) {
      return true;
    }
    if ("false".equalsIgnoreCase(v)) {
      return false;
    }
    throw new IllegalArgumentException(name + " must be true or false: " + v);
  }

  /** Alluxio duration syntax ({@link io.purefuse.backend.AlluxioUnits#parseDuration}). */
  static Duration parseDuration(String name, String v) {
    return io.purefuse.backend.AlluxioUnits.parseDuration(name, v);
  }

  /** Alluxio size syntax ({@link io.purefuse.backend.AlluxioUnits#parseBytes}), 1 byte to 1 GiB. */
  static int parseSize(String name, String v) {
    long bytes = io.purefuse.backend.AlluxioUnits.parseBytes(name, v);
    if (bytes <= 0 || bytes > (1L << 30)) {
      throw new IllegalArgumentException(name + " must be between 1 byte and 1 GiB: " + v);
    }
    return (int) bytes;
  }

  /** Builder with the defaults of the class comment; not thread safe. */
  public static final class Builder {
    private final String ufsRoot;
    private AuthType authType = AuthType.SIMPLE;
    private String user;
    private Duration rpcTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration loadTimeout = Duration.ofMinutes(10);
    private boolean writeToUfs = true;
    private boolean noCache;
    private int prefetchInitial = 1 << 20;
    private int prefetchMax = 64 << 20;
    private int failoverWorkers = 3;

    private Builder(String ufsRoot) {
      this.ufsRoot = ufsRoot;
    }

    public Builder authType(AuthType v) {
      authType = v;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder rpcTimeout(Duration v) {
      rpcTimeout = v;
      return this;
    }

    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    public Builder writeTimeout(Duration v) {
      writeTimeout = v;
      return this;
    }

    public Builder loadTimeout(Duration v) {
      loadTimeout = v;
      return this;
    }

    public Builder writeToUfs(boolean v) {
      writeToUfs = v;
      return this;
    }

    public Builder noCache(boolean v) {
      noCache = v;
      return this;
    }

    public Builder prefetch(int initial, int max) {
      prefetchInitial = initial;
      prefetchMax = max;
      return this;
    }

    public Builder failoverWorkers(int v) {
      failoverWorkers = v;
      return this;
    }

    /** @throws IllegalArgumentException a value is out of range */
    public AlluxioClientConfig build() {
      return new AlluxioClientConfig(this);
    }
  }
}
