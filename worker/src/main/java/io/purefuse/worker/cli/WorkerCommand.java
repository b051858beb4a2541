package io.purefuse.worker.cli;

import io.purefuse.worker.AlluxioWorker;
import io.purefuse.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code alluxio-worker}: serves a local directory as an Alluxio 3.x worker.
 *
 * <p>Settings come from Alluxio property names, lowest precedence first: {@code --conf FILE}
 * (a properties file), {@code -D key=value}, then the dedicated options. Once serving (and
 * registered, with etcd) it prints exactly one line to stdout,
 * {@code alluxio-worker ready host=<h> port=<p> identity=<uuid>}; logs go to stderr. SIGTERM or
 * SIGINT: leave etcd, stop gracefully, exit 0.
 */
@Command(name = "alluxio-worker", mixinStandardHelpOptions = true, version = "alluxio-worker (purefuse) 0.1",
    sortOptions = false,
    description = "Serve a directory as an Alluxio 3.x cache worker (BlockWorker gRPC, page cache, etcd membership).")
public final class WorkerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

  @Option(names = "--ufs", paramLabel = "DIR", description = "The under-store directory (" + WorkerConfig.UFS_ROOT + ").")
  Path ufs;

  @Option(names = "--port", paramLabel = "N", description = "gRPC port; 0 picks a free one (" + WorkerConfig.RPC_PORT + ", default 29999).")
  Integer port;

  @Option(names = "--host", paramLabel = "H", description = "Address to bind and advertise (" + WorkerConfig.HOSTNAME + ", default 127.0.0.1).")
  String host;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Page store and identity directory (" + WorkerConfig.PAGE_STORE_DIRS + "); without it pages stay in memory.")
  Path cacheDir;

  @Option(names = "--cache-size", paramLabel = "SIZE", description = "Page cache capacity, e.g. 512MB (" + WorkerConfig.PAGE_STORE_SIZES + ").")
  String cacheSize;

  @Option(names = "--page-size", paramLabel = "SIZE", description = "Page size, default 1MB (" + WorkerConfig.PAGE_STORE_PAGE_SIZE + ").")
  String pageSize;

  @Option(names = "--etcd", paramLabel = "URL[,URL...]", description = "Register in etcd (" + WorkerConfig.ETCD_ENDPOINTS + ").")
  String etcd;

  @Option(names = "--cluster", paramLabel = "NAME", description = "Cluster name (" + WorkerConfig.CLUSTER_NAME + ", default DefaultAlluxioCluster).")
  String cluster;

  @Option(names = "--conf", paramLabel = "FILE", description = "A properties file of Alluxio settings.")
  Path conf;

  @Option(names = "-D", paramLabel = "KEY=VALUE", description = "An Alluxio property, e.g. -D " + WorkerConfig.AUTH_TYPE + "=NOSASL.")
  Map<String, String> defines = new LinkedHashMap<>();

  private final PrintStream stdout;

  WorkerCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  /** The effective Alluxio properties. */
  Map<String, String> properties() throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    if (conf != null) {
      Properties f = new Properties();
      try (Reader r = Files.newBufferedReader(conf, StandardCharsets.UTF_8)) {
        f.load(r);
      }
      for (String k : f.stringPropertyNames()) {
        p.put(k, f.getProperty(k).trim());
      }
    }
    p.putAll(defines);
    put(p, WorkerConfig.UFS_ROOT, ufs);
    put(p, WorkerConfig.RPC_PORT, port);
    put(p, WorkerConfig.HOSTNAME, host);
    put(p, WorkerConfig.PAGE_STORE_DIRS, cacheDir);
    put(p, WorkerConfig.PAGE_STORE_SIZES, cacheSize);
    put(p, WorkerConfig.PAGE_STORE_PAGE_SIZE, pageSize);
    put(p, WorkerConfig.ETCD_ENDPOINTS, etcd);
    put(p, WorkerConfig.CLUSTER_NAME, cluster);
    return p;
  }

  private static void put(Map<String, String> p, String key, Object v) {
    if (v != null) {
      p.put(key, v.toString());
    }
  }

  @Override
  public Integer call() throws Exception {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromProperties(properties());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("alluxio-worker: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    installSignalHandlers(stop);
    AlluxioWorker worker;
    try {
      worker = AlluxioWorker.start(config);
    } catch (IOException | RuntimeException e) {
      System.err.println("alluxio-worker: " + e.getMessage());
      LOG.debug("start failed", e);
      return 1;
    }
    Thread hook = new Thread(worker::close, "worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stdout.println("alluxio-worker ready host=" + worker.host() + " port=" + worker.port()
        + " identity=" + worker.identity());
    stdout.flush();
    stop.await();
    LOG.info("stopping");
    worker.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return 0;
  }

  /**
   * SIGTERM/SIGINT release {@code stop} instead of killing the JVM, so the worker shuts down on
   * the main thread and the process exits 0 (with only a shutdown hook it would exit 143).
   */
  @SuppressWarnings("restriction")
  private static void installSignalHandlers(CountDownLatch stop) {
    for (String sig : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stop.countDown());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("cannot handle SIG{}: {}", sig, e.toString());
      }
    }
  }

  public static void main(String[] args) {
    int rc = new CommandLine(new WorkerCommand(System.out)).execute(args);
    System.exit(rc);
  }
}
