package io.purefuse.harness.cluster;

import io.purefuse.harness.fixture.Shell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One purefuse cache worker ({@code io.purefuse.worker.cli.WorkerCommand}) running as a separate
 * JVM, for tests and benchmarks that need real processes to kill, stop and restart.
 *
 * <p>{@link #start(Config)} launches {@code java} from {@code java.home} with the running JVM's
 * class path (which holds the worker module when this harness is on it) or, failing that, with
 * {@code worker/target/worker-*.jar:worker/target/lib/*} found from the working directory, and
 * returns once the worker printed {@code alluxio-worker ready host=H port=P identity=UUID}.
 * The worker's stdout and stderr go to {@link #log()}.
 *
 * <p>Lifecycle: {@link #kill9()} (SIGKILL), {@link #sigstop()}/{@link #sigcont()} (a hung
 * worker), {@link #terminate()} (SIGTERM: the worker deregisters and exits 0), {@link #restart()}
 * (same cache dir, hence the same identity, and the same port). {@link #close()} always leaves no
 * process behind; a JVM shutdown hook kills workers a test forgot.
 */
public final class WorkerProcess implements AutoCloseable {
    /** The worker's main class. */
    public static final String MAIN_CLASS = "io.purefuse.worker.cli.WorkerCommand";
    /** The line a worker prints once it serves. */
    public static final Pattern READY = Pattern.compile(
            "alluxio-worker ready host=(\\S+) port=(\\d+) identity=([0-9a-fA-F-]+)");
    private static final Set<WorkerProcess> LIVE = ConcurrentHashMap.newKeySet();
    /** Launched but not ready yet: reaped at JVM exit too. */
    private static final Set<Process> STARTING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STARTING.forEach(WorkerProcess::killProcess);
            LIVE.forEach(WorkerProcess::killQuietly);
        }, "worker-process-reaper"));
    }

    /** How to start a worker. {@code port} 0 lets the worker pick a free port. */
    public static final class Config {
        private Path ufs;
        private Path cacheDir;
        private String host = "127.0.0.1";
        private int port;
        private String cacheSize;
        private String pageSize;
        private String etcd;
        private String cluster;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx768m", "-XX:+UseParallelGC"));
        private Path log;
        private Duration startTimeout = Duration.ofSeconds(90);

        public Config ufs(Path v) { ufs = v; return this; }
        public Config cacheDir(Path v) { cacheDir = v; return this; }
        public Config host(String v) { host = v; return this; }
        public Config port(int v) { port = v; return this; }
        public Config cacheSize(String v) { cacheSize = v; return this; }
        public Config pageSize(String v) { pageSize = v; return this; }
        public Config etcd(String v) { etcd = v; return this; }
        public Config cluster(String v) { cluster = v; return this; }
        public Config property(String k, String v) { properties.put(k, v); return this; }
        public Config jvmOptions(List<String> v) { jvmOptions.clear(); jvmOptions.addAll(v); return this; }
        public Config log(Path v) { log = v; return this; }
        public Config startTimeout(Duration v) { startTimeout = v; return this; }

        public Path cacheDir() { return cacheDir; }
        public Path ufs() { return ufs; }

        Config copy() {
            Config c = new Config();
            c.ufs = ufs;
            c.cacheDir = cacheDir;
            c.host = host;
            c.port = port;
            c.cacheSize = cacheSize;
            c.pageSize = pageSize;
            c.etcd = etcd;
            c.cluster = cluster;
            c.properties.putAll(properties);
            c.jvmOptions.clear();
            c.jvmOptions.addAll(jvmOptions);
            c.log = log;
            c.startTimeout = startTimeout;
            return c;
        }

        List<String> arguments() {
            List<String> a = new ArrayList<>();
            a.add("--ufs");
            a.add(ufs.toString());
            a.add("--host");
            a.add(host);
            a.add("--port");
            a.add(Integer.toString(port));
            if (cacheDir != null) {
                a.add("--cache-dir");
                a.add(cacheDir.toString());
            }
            if (cacheSize != null) {
                a.add("--cache-size");
                a.add(cacheSize);
            }
            if (pageSize != null) {
                a.add("--page-size");
                a.add(pageSize);
            }
            if (etcd != null) {
                a.add("--etcd");
                a.add(etcd);
            }
            if (cluster != null) {
                a.add("--cluster");
                a.add(cluster);
            }
            properties.forEach((k, v) -> {
                a.add("-D");
                a.add(k + "=" + v);
            });
            return a;
        }
    }

    private final Config config;
    private final Process process;
    private final String host;
    private final int port;
    private final String identity;
    private final Duration startup;

    private WorkerProcess(Config config, Process process, String host, int port, String identity, Duration startup) {
        this.config = config;
        this.process = process;
        this.host = host;
        this.port = port;
        this.identity = identity;
        this.startup = startup;
    }

    /**
     * Starts a worker and waits for its ready line.
     *
     * @throws IOException the process could not start, exited, or was not ready within the
     *     start timeout (the log tail is in the message; the process is killed)
     */
    public static WorkerProcess start(Config config) throws IOException {
        Config c = config.copy();
        Objects.requireNonNull(c.ufs, "ufs");
        if (c.log == null) {
            Path dir = c.cacheDir != null ? c.cacheDir.getParent() : Files.createTempDirectory("purefuse-worker-");
            c.log = dir.resolve("worker-" + c.host + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(c.jvmOptions);
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Dsun.jnu.encoding=UTF-8");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(MAIN_CLASS);
        cmd.addAll(c.arguments());

        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(c.log.toFile()));
        Files.writeString(c.log, "---- " + java.time.Instant.now() + " " + MAIN_CLASS + " " + String.join(" ", c.arguments())
                + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long t0 = System.nanoTime();
        Process p = pb.start();
        STARTING.add(p);
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpStdout(p, c.log, ready), "worker-stdout-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        Matcher m;
        try {
            m = ready.get(c.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            killProcess(p);
            STARTING.remove(p);
            throw new IOException("worker did not become ready within " + c.startTimeout.toSeconds() + "s ("
                    + (p.isAlive() ? "still running" : "exit " + p.exitValue()) + "); log " + c.log + ":\n"
                    + tail(c.log, 30));
        } catch (InterruptedException e) {
            killProcess(p);
            STARTING.remove(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting a worker", e);
        }
        WorkerProcess w = new WorkerProcess(c, p, m.group(1), Integer.parseInt(m.group(2)), m.group(3),
                Duration.ofNanos(System.nanoTime() - t0));
        LIVE.add(w);
        STARTING.remove(p);
        return w;
    }

    private static void pumpStdout(Process p, Path log, CompletableFuture<Matcher> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Matcher m = READY.matcher(line);
                if (!ready.isDone() && m.find()) {
                    ready.complete(m);
                }
            }
        } catch (IOException e) {
            // the process went away
        } finally {
            ready.completeExceptionally(new IOException("worker stdout closed before the ready line"));
        }
    }

    /** The class path for the worker JVM: ours if it holds the worker, else worker/target. */
    static String classPath() throws IOException {
        String own = System.getProperty("java.class.path");
        String resource = MAIN_CLASS.replace('.', '/') + ".class";
        if (WorkerProcess.class.getClassLoader().getResource(resource) != null) {
            return own;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("worker/target");
            if (Files.isDirectory(target.resolve("lib"))) {
                try (var s = Files.list(target)) {
                    var jar = s.filter(f -> f.getFileName().toString().matches("worker-.*\\.jar")
                            && !f.getFileName().toString().endsWith("-tests.jar")).findFirst();
                    if (jar.isPresent()) {
                        return jar.get() + ":" + target.resolve("lib") + "/*";
                    }
                }
            }
        }
        throw new IOException(MAIN_CLASS + " is neither on the class path nor built in worker/target");
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port} of the worker's gRPC service. */
    public String address() {
        return host + ":" + port;
    }

    /** The identity UUID the worker printed (kept in its cache dir across restarts). */
    public String identity() {
        return identity;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return config.log;
    }

    public Path cacheDir() {
        return config.cacheDir;
    }

    /** From launch to the ready line. */
    public Duration startupTime() {
        return startup;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL and wait for the process to be gone. */
    public void kill9() {
        LIVE.remove(this);
        killProcess(process);
    }

    /** SIGSTOP: the worker keeps its sockets but answers nothing. */
    public void sigstop() {
        signal("STOP");
    }

    /** SIGCONT after {@link #sigstop()}. */
    public void sigcont() {
        signal("CONT");
    }

    private void signal(String name) {
        Shell.run(Duration.ofSeconds(10), "kill", "-" + name, Long.toString(process.pid())).check();
    }

    /**
     * SIGTERM and wait up to {@code timeout} for the exit status (the worker deregisters first);
     * SIGKILL after that.
     *
     * @return the exit status, or -1 if it had to be killed
     */
    public int terminate(Duration timeout) throws InterruptedException {
        LIVE.remove(this);
        if (!process.isAlive()) {
            return process.exitValue();
        }
        signalQuietly("CONT");
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        killProcess(process);
        return -1;
    }

    public int terminate() throws InterruptedException {
        return terminate(Duration.ofSeconds(30));
    }

    /**
     * Stops this worker if it still runs (SIGKILL) and starts it again with the same
     * configuration, cache dir (so the same identity) and the port it had.
     */
    public WorkerProcess restart() throws IOException {
        kill9();
        Config c = config.copy().port(port);
        return start(c);
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        return tail(config.log, lines);
    }

    private void signalQuietly(String name) {
        if (process.isAlive()) {
            Shell.run(Duration.ofSeconds(10), "kill", "-" + name, Long.toString(process.pid()));
        }
    }

    private void killQuietly() {
        try {
            signalQuietly("CONT");
            killProcess(process);
        } catch (RuntimeException ignored) {
            // best effort at JVM exit
        }
    }

    private static void killProcess(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Terminates (SIGTERM, then SIGKILL) if still running. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                terminate(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            killProcess(process);
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    @Override
    public String toString() {
        return "worker " + identity + "@" + address() + " (pid " + process.pid() + ")";
    }
}
