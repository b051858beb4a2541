package io.purefuse.worker;

import io.purefuse.backend.AlluxioUnits;

import io.purefuse.worker.auth.AuthType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's settings, read from Alluxio property names (see {@link #fromProperties}). Immutable.
 *
 * @param ufsRoot the local directory served as the under-store
 * @param host the address to bind and to advertise
 * @param rpcPort the gRPC port (0: pick a free one)
 * @param cacheDir where pages (LOCAL store) and the identity live; null: pages in memory and a
 *     new identity at every start
 * @param pagesOnDisk LOCAL page store (true) or MEM
 * @param cacheBytes page cache capacity
 * @param pageSize page size in bytes
 * @param etcdEndpoints etcd URLs to register in (empty: no registration)
 * @param clusterName Alluxio cluster name (etcd key prefix)
 * @param authType SIMPLE or NOSASL
 * @param leaseTtl etcd lease TTL (Alluxio's failure detection timeout)
 * @param readWindowBytes bytes a ReadBlock stream may have in flight beyond the client's acks
 */
public record WorkerConfig(Path ufsRoot, String host, int rpcPort, Path cacheDir, boolean pagesOnDisk,
    long cacheBytes, int pageSize, List<String> etcdEndpoints, String clusterName, AuthType authType,
    Duration leaseTtl, long readWindowBytes) {

  public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
  public static final String HOSTNAME = "alluxio.worker.hostname";
  public static final String RPC_PORT = "alluxio.worker.rpc.port";
  public static final String PAGE_STORE_DIRS = "alluxio.worker.page.store.dirs";
  public static final String PAGE_STORE_SIZES = "alluxio.worker.page.store.sizes";
  public static final String PAGE_STORE_PAGE_SIZE = "alluxio.worker.page.store.page.size";
  public static final String PAGE_STORE_TYPE = "alluxio.worker.page.store.type";
  public static final String ETCD_ENDPOINTS = "alluxio.etcd.endpoints";
  public static final String CLUSTER_NAME = "alluxio.cluster.name";
  public static final String AUTH_TYPE = "alluxio.security.authentication.type";
  public static final String LEASE_TTL = "alluxio.worker.failure.detection.timeout";
  public static final String READER_BUFFER = "alluxio.worker.network.reader.buffer.size";

  public WorkerConfig {
    Objects.requireNonNull(ufsRoot, "ufsRoot");
    Objects.requireNonNull(host, "host");
    etcdEndpoints = List.copyOf(etcdEndpoints);
    if (rpcPort < 0 || rpcPort > 65535) {
      throw new IllegalArgumentException("port out of range: " + rpcPort);
    }
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size must be positive");
    }
    if (cacheBytes < pageSize) {
      throw new IllegalArgumentException("cache size " + cacheBytes + " is smaller than one page (" + pageSize + ")");
    }
    if (readWindowBytes <= 0) {
      throw new IllegalArgumentException(READER_BUFFER + " must be positive");
    }
    if (pagesOnDisk && cacheDir == null) {
      throw new IllegalArgumentException("a LOCAL page store needs a cache directory (--cache-dir)");
    }
  }

  /**
   * Settings from Alluxio properties: {@value #UFS_ROOT}, {@value #HOSTNAME} (default
   * 127.0.0.1), {@value #RPC_PORT} (29999), {@value #PAGE_STORE_DIRS} (first entry; none: memory),
   * {@value #PAGE_STORE_SIZES} (first entry, 512MB), {@value #PAGE_STORE_PAGE_SIZE} (1MB),
   * {@value #PAGE_STORE_TYPE} (LOCAL with a directory, else MEM), {@value #ETCD_ENDPOINTS},
   * {@value #CLUSTER_NAME} (DefaultAlluxioCluster), {@value #AUTH_TYPE} (SIMPLE),
   * {@value #LEASE_TTL} (2min), {@value #READER_BUFFER} (4MB).
   */
  public static WorkerConfig fromProperties(Map<String, String> p) {
    String root = p.get(UFS_ROOT);
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("no UFS root: give --ufs DIR (or " + UFS_ROOT + ")");
    }
    if (root.startsWith("file://")) {
      root = root.substring("file://".length());
    }
    String dirs = p.getOrDefault(PAGE_STORE_DIRS, "").trim();
    Path cacheDir = dirs.isEmpty() ? null : Path.of(first(dirs));
    String type = p.getOrDefault(PAGE_STORE_TYPE, cacheDir == null ? "MEM" : "LOCAL").trim().toUpperCase(Locale.ROOT);
    boolean onDisk;
    switch (type) {
      case "LOCAL":
        onDisk = true;
        break;
      case "MEM":
        onDisk = false;
        break;
      default:
        throw new IllegalArgumentException(PAGE_STORE_TYPE + " must be LOCAL or MEM, not " + type);
    }
    List<String> etcd = new ArrayList<>();
    for (String e : p.getOrDefault(ETCD_ENDPOINTS, "").split(",")) {
      if (!e.isBlank()) {
        etcd.add(e.trim());
      }
    }
    return new WorkerConfig(
        Path.of(root),
        p.getOrDefault(HOSTNAME, "127.0.0.1").trim(),
        parseInt(RPC_PORT, p.getOrDefault(RPC_PORT, "29999")),
        cacheDir,
        onDisk,
        AlluxioUnits.parseBytes(PAGE_STORE_SIZES, first(p.getOrDefault(PAGE_STORE_SIZES, "512MB"))),
        (int) Math.min(Integer.MAX_VALUE, AlluxioUnits.parseBytes(PAGE_STORE_PAGE_SIZE, p.getOrDefault(PAGE_STORE_PAGE_SIZE, "1MB"))),
        etcd,
        p.getOrDefault(CLUSTER_NAME, "DefaultAlluxioCluster").trim(),
        AuthType.parse(p.getOrDefault(AUTH_TYPE, "SIMPLE")),
        AlluxioUnits.parseDuration(LEASE_TTL, p.getOrDefault(LEASE_TTL, "2min")),
        AlluxioUnits.parseBytes(READER_BUFFER, p.getOrDefault(READER_BUFFER, "4MB")));
  }

  private static String first(String commaList) {
    return commaList.split(",")[0].trim();
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: " + v);
    }
  }
}
