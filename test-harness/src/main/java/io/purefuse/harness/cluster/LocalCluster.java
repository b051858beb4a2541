package io.purefuse.harness.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Alluxio cluster on loopback: one real etcd ({@link EtcdProcess}) and N cache workers
 * ({@link WorkerProcess}), each a separate process on a free port with its own cache dir. All
 * workers serve the SAME under-store directory ({@link #ufsRoot()}), as a real cluster serves one
 * S3 bucket, so any worker can serve any file and the ring only decides who caches it.
 *
 * <p>Layout under {@link #baseDir()}: {@code ufs/} (the shared UFS), {@code worker-I/cache/} and
 * {@code worker-I/worker.log}; etcd keeps its own directory. {@link #close()} stops every process
 * (even after a failed start) and deletes the base dir.
 *
 * <p>Without etcd ({@link Builder#etcd(boolean) etcd(false)}) the workers form a static cluster:
 * clients get {@code purefuse.workers=host:port,...}. A static worker's ring identity is the
 * name-based UUID of its host name, so static clusters put each worker on its own loopback
 * address (127.0.0.2, 127.0.0.3, ...); {@link Builder#distinctHosts(boolean)} does the same with
 * etcd.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
    private static final int START_ATTEMPTS = 3;

    /** Client property: Alluxio's UFS root. */
    public static final String UFS_ROOT = "alluxio.dora.client.ufs.root";
    public static final String ETCD_ENDPOINTS = "alluxio.etcd.endpoints";
    public static final String CLUSTER_NAME = "alluxio.cluster.name";
    public static final String WORKERS = "purefuse.workers";

    /** How to build a cluster. */
    public static final class Builder {
        private int workers = 3;
        private boolean etcd = true;
        private boolean distinctHosts;
        private String clusterName = "purefuse-" + UUID.randomUUID().toString().substring(0, 8);
        private Path baseDir;
        private String cacheSize = "2GB";
        private String pageSize;
        private final Map<String, String> workerProperties = new LinkedHashMap<>();
        private List<String> workerJvmOptions;

        public Builder workers(int n) { workers = n; return this; }
        public Builder etcd(boolean v) { etcd = v; return this; }
        public Builder distinctHosts(boolean v) { distinctHosts = v; return this; }
        public Builder clusterName(String v) { clusterName = v; return this; }
        /** Where the cluster keeps its files (default: a new temp dir); deleted at close. */
        public Builder baseDir(Path v) { baseDir = v; return this; }
        public Builder cacheSize(String v) { cacheSize = v; return this; }
        public Builder pageSize(String v) { pageSize = v; return this; }
        public Builder workerProperty(String k, String v) { workerProperties.put(k, v); return this; }
        public Builder workerJvmOptions(List<String> v) { workerJvmOptions = List.copyOf(v); return this; }

        public LocalCluster start() throws IOException {
            return LocalCluster.start(this);
        }
    }

    private final Builder config;
    private final Path baseDir;
    private final Path ufsRoot;
    private EtcdProcess etcd;
    private final List<WorkerProcess> workers = Collections.synchronizedList(new ArrayList<>());
    private final List<WorkerProcess.Config> workerConfigs = new ArrayList<>();

    private LocalCluster(Builder config, Path baseDir) {
        this.config = config;
        this.baseDir = baseDir;
        this.ufsRoot = baseDir.resolve("ufs");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** etcd and {@code n} workers on 127.0.0.1. */
    public static LocalCluster start(int n) throws IOException {
        return builder().workers(n).start();
    }

    private static LocalCluster start(Builder b) throws IOException {
        Path base = b.baseDir != null ? Files.createDirectories(b.baseDir) : Files.createTempDirectory("purefuse-cluster-");
        LocalCluster c = new LocalCluster(b, base.toRealPath());
        try {
            c.boot();
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void boot() throws IOException {
        Files.createDirectories(ufsRoot);
        if (config.etcd) {
            etcd = EtcdProcess.launch();
        }
        boolean distinct = config.distinctHosts || !config.etcd;
        for (int i = 0; i < config.workers; i++) {
            Path dir = Files.createDirectories(baseDir.resolve("worker-" + i));
            WorkerProcess.Config wc = new WorkerProcess.Config()
                    .ufs(ufsRoot)
                    .cacheDir(Files.createDirectories(dir.resolve("cache")))
                    .host(distinct ? "127.0.0." + (i + 2) : "127.0.0.1")
                    .port(0)
                    .cacheSize(config.cacheSize)
                    .log(dir.resolve("worker.log"));
            if (config.pageSize != null) {
                wc.pageSize(config.pageSize);
            }
            if (etcd != null) {
                wc.etcd(etcd.endpoint()).cluster(config.clusterName);
            }
            config.workerProperties.forEach(wc::property);
            if (config.workerJvmOptions != null) {
                wc.jvmOptions(config.workerJvmOptions);
            }
            workerConfigs.add(wc);
        }
        // One after the other: JVMs starting together on a loaded 2-core host push a worker's
        // first etcd call past its deadline (see startWithRetry).
        for (WorkerProcess.Config wc : workerConfigs) { // in order: worker i has cache dir worker-i
            workers.add(startWithRetry(wc));
        }
        LOG.info("local cluster up: {}{}", workers, etcd != null ? " etcd " + etcd.endpoint() : "");
    }

    /**
     * Starts a worker, up to {@value #START_ATTEMPTS} times: on a loaded host a worker's first
     * etcd call (3 s deadline in EtcdWorkerRegistration) can time out, and the worker then exits 1.
     */
    private static WorkerProcess startWithRetry(WorkerProcess.Config wc) throws IOException {
        IOException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return WorkerProcess.start(wc);
            } catch (IOException e) {
                LOG.warn("worker start {} of {} failed: {}", attempt, START_ATTEMPTS, e.getMessage());
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** The one under-store directory every worker serves. */
    public Path ufsRoot() {
        return ufsRoot;
    }

    /** The etcd, or null for a static cluster. */
    public EtcdProcess etcd() {
        return etcd;
    }

    public String clusterName() {
        return config.clusterName;
    }

    /** The workers now (a restarted worker replaces its old process in place). */
    public List<WorkerProcess> workers() {
        synchronized (workers) {
            return List.copyOf(workers);
        }
    }

    public WorkerProcess worker(int i) {
        return workers.get(i);
    }

    /** The worker whose identity is {@code identity}. */
    public WorkerProcess workerWithIdentity(String identity) {
        for (WorkerProcess w : workers()) {
            if (w.identity().equalsIgnoreCase(identity)) {
                return w;
            }
        }
        throw new IllegalArgumentException("no worker with identity " + identity + " in " + workers());
    }

    /** The worker listening on {@code host:port}. */
    public WorkerProcess workerAt(String host, int port) {
        for (WorkerProcess w : workers()) {
            if (w.host().equals(host) && w.port() == port) {
                return w;
            }
        }
        throw new IllegalArgumentException("no worker at " + host + ":" + port + " in " + workers());
    }

    public int indexOf(WorkerProcess w) {
        synchronized (workers) {
            return workers.indexOf(w);
        }
    }

    /** Restarts worker {@code i} (SIGKILL if still running) with its cache dir and port. */
    public WorkerProcess restartWorker(int i) throws IOException {
        WorkerProcess fresh = workers.get(i).restart();
        workers.set(i, fresh);
        return fresh;
    }

    /** Properties for a client of this cluster ({@code Backends.fromProperties}). */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(UFS_ROOT, ufsRoot.toString());
        if (etcd != null) {
            p.put(ETCD_ENDPOINTS, etcd.endpoint());
            p.put(CLUSTER_NAME, config.clusterName);
        } else {
            p.put(WORKERS, String.join(",", workers().stream().map(WorkerProcess::address).toList()));
        }
        return p;
    }

    /** The same, as {@code alluxio-fuse} options: {@code --ufs ROOT --etcd URL --cluster NAME} or {@code --workers}. */
    public List<String> cliOptions() {
        List<String> a = new ArrayList<>(List.of("--ufs", ufsRoot.toString()));
        if (etcd != null) {
            a.addAll(List.of("--etcd", etcd.endpoint(), "--cluster", config.clusterName));
        } else {
            a.addAll(List.of("--workers", String.join(",", workers().stream().map(WorkerProcess::address).toList())));
        }
        return a;
    }

    /** Stops the workers (in parallel), then etcd, then deletes the base dir. Never throws. */
    @Override
    public void close() {
        List<WorkerProcess> ws = workers();
        List<Thread> stoppers = new ArrayList<>();
        for (WorkerProcess w : ws) {
            Thread t = new Thread(w::close, "stop-" + w.identity());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ws.forEach(WorkerProcess::kill9);
        if (etcd != null) {
            try {
                etcd.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping etcd failed", e);
            }
        }
        if (!Boolean.getBoolean("purefuse.cluster.keep")) {
            deleteTree(baseDir);
        } else {
            LOG.info("keeping {} (purefuse.cluster.keep)", baseDir);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }

    @Override
    public String toString() {
        return "LocalCluster" + workers() + (etcd != null ? " etcd " + etcd.endpoint() : "");
    }
}
