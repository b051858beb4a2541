package io.purefuse.vfs.cli;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.Backends;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.mount.MountTable;
import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.mount.supervisor.RunDirectory;
import io.purefuse.mount.supervisor.SupervisorMain;
import io.purefuse.session.takeover.SupervisedServer;
import io.purefuse.session.FuseSession;
import io.purefuse.session.SessionOptions;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.FuseConfig;
import io.purefuse.vfs.FuseMountOptions;
import io.purefuse.vfs.VfsOptions;
import io.purefuse.vfs.cli.AlluxioFuseCommand.UsageError;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse mount [options] MOUNTPOINT [ALLUXIO_PATH]}.
 *
 * <p>Configuration, lowest precedence first: defaults, {@code --conf FILE}, {@code -D key=value},
 * then the dedicated options ({@code --ufs}, {@code -o}, the ALLUXIO_PATH argument). {@code -o}
 * options add to {@code alluxio.fuse.mount.options}.
 *
 * <p>Without {@code --foreground} the command validates everything, starts the mount in a
 * background JVM (its stdout/stderr go to the log file, see {@link RuntimeFiles}), waits until
 * the mount point shows up in /proc/self/mountinfo and answers {@code stat}, and returns 0; if the
 * background process dies or the mount does not come up within {@code --mount-timeout}, it
 * prints the log tail and returns 1.
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mount an Alluxio namespace on MOUNTPOINT.",
            "Embedded: --ufs DIR, a local directory as the UFS, no workers.",
            "Cluster: --etcd URL [--cluster NAME] or --workers HOST:PORT,... with --ufs naming the under-store "
                    + "root the workers serve (alluxio.dora.client.ufs.root)."})
final class MountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "An existing empty directory.")
    Path mountPoint;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ALLUXIO_PATH",
            description = "Namespace path exposed as the mount's root (default: "
                    + FuseConfig.MOUNT_ALLUXIO_PATH + ", else /).")
    String alluxioPath;

    @Option(names = "--ufs", paramLabel = "DIR|URI",
            description = "Embedded: the local directory used as the UFS. Cluster: the UFS root the workers serve "
                    + "(a path or URI as the workers see it). Sets " + FuseConfig.UFS_ROOT + ".")
    String ufs;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "-o", paramLabel = "OPT[,OPT...]",
            description = "Mount options: kernel_cache, auto_cache, direct_io, attr_timeout=S, entry_timeout=S, "
                    + "negative_timeout=S, max_background=N, max_idle_threads=N, max_write=N, ro, allow_other "
                    + "(implies default_permissions unless no_default_permissions is given), default_permissions, "
                    + "auto_unmount, fsname=NAME, debug (log each request and reply), and the generic mount flags.")
    List<String> options = new ArrayList<>();

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "An Alluxio property, as in alluxio-site.properties.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--conf", paramLabel = "FILE", description = "Properties file (alluxio-site.properties form).")
    Path conf;

    @Option(names = {"-f", "--foreground"}, description = "Stay attached: serve in this process until unmounted.")
    boolean foreground;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Record every frame read from and written to /dev/fuse in FILE (conformance trace "
                    + "format; read it with bin/fuse-trace dump FILE).")
    Path trace;

    @Option(names = "--unsupervised",
            description = "Background mount without a supervisor: when the mount process dies the mount "
                    + "is gone (with -o auto_unmount) or stale. Default: supervised, a crashed mount process is "
                    + "replaced without applications seeing an error, and 'alluxio-fuse upgrade' works.")
    boolean unsupervised;

    @Option(names = "--state", paramLabel = "FILE", hidden = true,
            description = "Supervised server: where the inode table and open handles are recorded for a successor.")
    Path stateFile;

    @Option(names = "--mount-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for a background mount to come up. Default: ${DEFAULT-VALUE}.")
    String mountTimeout;

    /** Everything resolved from the command line, before anything is started. */
    private record Plan(Path mountPoint, String ufs, boolean cluster, FuseConfig config, VfsOptions vfs, SessionOptions session,
            FuseMountOptions mountOptions) {}

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        if (foreground) {
            SupervisedServer sup = SupervisedServer.fromEnvironment();
            return sup != null ? runSupervised(plan, sup) : runForeground(plan);
        }
        if (unsupervised || plan.mountOptions().mountOptions().autoUnmount()) {
            // -o auto_unmount keeps its meaning: the mount ends with its process.
            return launchBackground(plan);
        }
        return launchSupervised(plan);
    }

    private Plan plan() {
        FuseConfig config = new FuseConfig();
        if (conf != null) {
            if (!Files.isReadable(conf)) {
                throw new UsageError("cannot read --conf file " + conf);
            }
            try {
                config.load(conf);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageError("cannot load --conf file " + conf + ": " + e.getMessage());
            }
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new UsageError("-D needs KEY=VALUE");
            }
            config.set(e.getKey(), e.getValue());
        }
        if (ufs != null) {
            config.set(FuseConfig.UFS_ROOT, ufs);
        }
        if (alluxioPath != null) {
            config.set(FuseConfig.MOUNT_ALLUXIO_PATH, alluxioPath);
        }
        cluster.applyTo(config);
        boolean clusterMode = ClusterOptions.isCluster(config);
        List<String> opts = new ArrayList<>();
        if (config.get(FuseConfig.MOUNT_OPTIONS) != null) {
            opts.add(config.get(FuseConfig.MOUNT_OPTIONS));
        }
        opts.addAll(options);
        FuseMountOptions mo = FuseMountOptions.parse(opts);

        String ufsRoot;
        if (clusterMode) {
            // The workers read the under-store, not this host: nothing to check locally.
            ClientOptions.checkClusterUfsRoot(config);
            ufsRoot = config.get(FuseConfig.UFS_ROOT);
        } else {
            Path local = config.ufsRoot();
            if (local == null) {
                throw new UsageError("no UFS: give --ufs DIR or -D" + FuseConfig.UFS_ROOT + "=DIR"
                        + " (or --etcd URL / --workers HOST:PORT for a cluster)");
            }
            if (!Files.isDirectory(local)) {
                throw new UsageError("UFS root " + local + " is not a directory");
            }
            ufsRoot = local.toString();
        }
        VfsOptions vfs = new VfsOptions()
                .rootPath(config.alluxioPath())
                .randomAccess(config.getBoolean(FuseConfig.RANDOM_ACCESS))
                .passthrough(config.getBoolean(FuseConfig.PASSTHROUGH))
                .passthroughMinSize(config.getLong(FuseConfig.PASSTHROUGH_MIN_SIZE))
                .symlinks(config.getBoolean(FuseConfig.SYMLINK_ENABLED))
                .metadataCacheMaxSize(config.getLong(FuseConfig.METADATA_CACHE_MAX_SIZE))
                .metadataCacheExpiration(config.getDuration(FuseConfig.METADATA_CACHE_EXPIRATION))
                .backendTimeout(config.getDuration(FuseConfig.BACKEND_TIMEOUT));
        mo.applyTo(vfs);
        SessionOptions so = new SessionOptions().mount(mo.mountOptions()).init(mo.initOptions())
                .requestTimeout(config.getDuration(FuseConfig.REQUEST_TIMEOUT))
                .unmountTimeout(config.getDuration(FuseConfig.UMOUNT_TIMEOUT));
        if (mo.readerThreads() > 0) {
            so.readerThreads(mo.readerThreads());
        }
        so.debug(mo.debug());
        so.trackRequestAge(true); // alluxio-fuse list shows requests in flight for more than 1 s
        so.readAheadKb(mo.readAheadKb());
        Path traceTo = trace != null ? trace
                : config.get(FuseConfig.TRACE_FILE) != null ? Path.of(config.get(FuseConfig.TRACE_FILE)) : null;
        if (traceTo != null) {
            Path t = traceTo.toAbsolutePath().normalize();
            if (t.getParent() != null && !Files.isDirectory(t.getParent())) {
                throw new UsageError("--trace: directory " + t.getParent() + " does not exist");
            }
            if (Files.isDirectory(t)) {
                throw new UsageError("--trace: " + t + " is a directory");
            }
            so.traceFile(t);
        }
        Path mp = mountPoint.toAbsolutePath().normalize();
        // A FUSE mount left by a crashed (kill -9) process is stale: the mounter clears it. Only a
        // mount whose process still lives is refused here (the mounter refuses other live ones).
        boolean fuseThere = SupervisedServer.fromEnvironment() == null
                && MountTable.find(mp).filter(MountTable.Entry::isFuse).isPresent();
        if (fuseThere && RuntimeFiles.of(mp).livePid().isPresent()) {
            OptionalPid running = OptionalPid.of(RuntimeFiles.of(mp));
            throw new IllegalStateException(mp + " is already a FUSE mount point" + running.describe()
                    + "; unmount it first (alluxio-fuse unmount " + mp + ")");
        }
        // A supervised server must not touch the mount point: its supervisor mounted it, and nobody
        // answers the kernel there before this process does. A stale mount cannot be stat'ed: the
        // mounter checks it.
        if (SupervisedServer.fromEnvironment() == null && !fuseThere && !Files.isDirectory(mp)) {
            throw new UsageError("mount point " + mp + " is not a directory");
        }
        return new Plan(mp, ufsRoot, clusterMode, config, vfs, so, mo);
    }

    /** Small helper to print "(pid N)" when a live mount process is known. */
    private record OptionalPid(long pid) {
        static OptionalPid of(RuntimeFiles rf) {
            return new OptionalPid(rf.livePid().orElse(-1));
        }

        String describe() {
            return pid > 0 ? " (pid " + pid + ")" : "";
        }
    }

    // ------------------------------------------------------------------ foreground

    /** The local UFS, or the Alluxio worker client once its first worker list is in (cluster mode). */
    private static FileSystemBackend openBackend(Plan plan) throws Exception {
        FileSystemBackend backend;
        try {
            backend = plan.cluster() ? Backends.fromProperties(plan.config().explicitValues())
                    : LocalUnderFileSystem.open(Path.of(plan.ufs()));
        } catch (BackendException e) {
            throw new IllegalStateException("cannot open UFS " + plan.ufs()
                    + (plan.cluster() ? " through " + ClusterOptions.describe(plan.config()) : "") + ": "
                    + e.getMessage(), e);
        }
        if (plan.cluster()) {
            ClusterClients.awaitMembership(backend);
        }
        return backend;
    }

    private int runForeground(Plan plan) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (String ig : plan.mountOptions().ignored()) {
            err.println("alluxio-fuse mount: ignoring libfuse option '" + ig + "'");
        }
        err.flush();
        RuntimeFiles rf = RuntimeFiles.of(plan.mountPoint());
        long myPid = ProcessHandle.current().pid();
        FileSystemBackend backend = openBackend(plan);
        AlluxioFuseFilesystem fs;
        try {
            fs = new AlluxioFuseFilesystem(backend, plan.vfs());
        } catch (BackendException e) {
            backend.close();
            throw new IllegalStateException("cannot mount Alluxio path " + plan.vfs().rootPath() + " of "
                    + backend.describe() + ": " + e.getMessage(), e);
        }
        FuseSession session;
        try {
            session = FuseSession.mount(plan.mountPoint(), fs, plan.session().passthrough(fs.wantsPassthrough()));
        } catch (Exception e) {
            fs.close();
            backend.close();
            throw e;
        }
        rf.writePid(myPid);
        MountStatusFile status = MountStatusFile.start(rf, session, myPid);
        Thread hook = new Thread(() -> {
            status.close();
            session.close();
            fs.close();
            rf.deletePid(myPid);
        }, "alluxio-fuse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // SIGTERM/SIGINT: unmount (lazily) and let the main thread below finish writers and exit 0;
        // the shutdown hook stays for every other way the JVM may end.
        onTermination(() -> {
            Thread t = new Thread(session::close, "alluxio-fuse-sigterm");
            t.start();
        });
        org.slf4j.LoggerFactory.getLogger(MountCommand.class).info("mounted {} on {} (Alluxio path {}, pid {})",
                backend.describe(), plan.mountPoint(), plan.vfs().rootPath(), myPid);
        session.awaitTermination();
        // Unmounted from outside (alluxio-fuse unmount, fusermount3 -u): finish writers and leave.
        status.close();
        session.close();
        fs.close();
        backend.close();
        rf.deletePid(myPid);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
        return AlluxioFuseCommand.EXIT_OK;
    }

    /**
     * Runs {@code action} on SIGTERM and SIGINT instead of the JVM's default (run the hooks,
     * exit 143/130). Where the JDK refuses the handler, the shutdown hook does the cleanup.
     */
    @SuppressWarnings("removal")
    private static void onTermination(Runnable action) {
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                org.slf4j.LoggerFactory.getLogger(MountCommand.class).debug("no SIG{} handler: {}", sig, e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ supervised

    /**
     * A server process started by {@code purefuse-supervisor}: prepares (opens the UFS), waits
     * for GO, then serves the inherited device fds, rebuilding its predecessor's inodes and
     * handles from the state file on a takeover.
     */
    private int runSupervised(Plan plan, SupervisedServer sup) throws Exception {
        if (stateFile == null) {
            throw new UsageError("a supervised mount process needs --state FILE");
        }
        FileSystemBackend backend = openBackend(plan);
        // Warm up what a takeover needs (classes, the metadata cache, the backend) while nobody waits.
        new AlluxioFuseFilesystem(backend, plan.vfs()).close();
        sup.ready();
        SupervisedServer.Go go = sup.awaitGo();
        long t0 = System.nanoTime();
        AlluxioFuseFilesystem fs = go.isTakeover()
                ? AlluxioFuseFilesystem.takeOver(backend, plan.vfs(), stateFile)
                : AlluxioFuseFilesystem.recordingState(backend, plan.vfs(), stateFile);
        // Passthrough backing ids outlive this process (they belong to the connection): the state
        // log records them and a successor adopts them (PassthroughOpens#adopt). The successor
        // asks for passthrough whenever the first server did, since it inherits the negotiated INIT.
        FuseSession session = sup.serve(fs, plan.session().passthrough(fs.wantsPassthrough()), go);
        if (!go.isTakeover() && plan.session().readAheadKb() > 0) {
            FuseSession.applyReadAhead(plan.mountPoint(), plan.session().readAheadKb()); // lasts with the mount
        }
        long myPid = ProcessHandle.current().pid();
        RuntimeFiles rf = RuntimeFiles.of(plan.mountPoint());
        rf.writePid(myPid);
        org.slf4j.LoggerFactory.getLogger(MountCommand.class).info(
                "serving {} on {} (generation {}, pid {}{})", backend.describe(), plan.mountPoint(), go.generation(),
                myPid, go.isTakeover() ? ", took over in " + (System.nanoTime() - t0) / 1_000_000 + " ms" : "");
        session.awaitTermination();
        fs.close();
        backend.close();
        rf.deletePid(myPid);
        return AlluxioFuseCommand.EXIT_OK;
    }

    /**
     * The part of {@code cp} the supervisor loads classes from: fusermount-helper, jnr/jffi and
     * their asm, slf4j. The whole {@code cp} when it does not name fusermount-helper's jar or classes
     * (e.g. a manifest-only class path jar).
     */
    static String supervisorClassPath(String cp) {
        List<String> keep = new ArrayList<>();
        boolean helper = false;
        for (String e : cp.split(File.pathSeparator)) {
            String name = Path.of(e).getFileName() == null ? e : Path.of(e).getFileName().toString();
            boolean isHelper = name.startsWith("fusermount-helper") || e.contains("fusermount-helper" + File.separator);
            helper |= isHelper;
            if (isHelper || name.startsWith("jnr-") || name.startsWith("jffi-") || name.startsWith("asm-")
                    || name.startsWith("slf4j-")) {
                keep.add(e);
            }
        }
        return helper ? String.join(File.pathSeparator, keep) : cp;
    }

    /**
     * Starts {@code purefuse-supervisor} (a small JVM) in the background: it mounts, keeps every
     * device fd and runs this command with {@code --foreground --state} as its server, replacing
     * it when it dies.
     */
    private int launchSupervised(Plan plan) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration limit = FuseConfig.parseDuration("--mount-timeout", mountTimeout);
        RuntimeFiles rf = RuntimeFiles.of(plan.mountPoint());
        Files.createDirectories(rf.dir());
        Files.deleteIfExists(rf.pid());
        String javaCmd = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("java.class.path");

        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        // The supervisor only mounts, holds fds and waits: a tiny JVM on the few jars it needs (every
        // jar on a class path costs resident memory even if no class is loaded from it).
        cmd.add(javaCmd);
        cmd.addAll(MountJvm.SUPERVISOR);
        cmd.addAll(List.of("-cp", supervisorClassPath(cp), SupervisorMain.class.getName(),
                "--fds", Integer.toString(plan.session().readerThreads()),
                "--log", rf.log().toString(),
                "--control", RunDirectory.controlSocket(plan.mountPoint()).toString(),
                // A stopped server may take twice its unmount timeout (wait, abort, wait) plus finishing writers.
                "--stop-timeout", Long.toString(plan.session().unmountTimeout().toMillis() * 2 + 60_000),
                "-o", plan.mountOptions().mountOptions().fusermountOptions(),
                plan.mountPoint().toString(), "--"));
        cmd.addAll(serverCommand(javaCmd, cp, plan,
                rf.dir().resolve(rf.pid().getFileName().toString().replace(".pid", ".state"))));
        Process p = startLogged(cmd, rf, "alluxio-fuse mount (supervised) " + plan.mountPoint());
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                err.println("alluxio-fuse mount: the supervisor exited with status " + p.exitValue() + "; log "
                        + rf.log() + ":");
                err.println(rf.logTail(20));
                err.flush();
                return AlluxioFuseCommand.EXIT_FAILED;
            }
            if (mountAnswers(plan.mountPoint()) && Files.exists(rf.pid())) {
                out.println("Mounted " + plan.ufs() + (plan.vfs().rootPath().isRoot() ? "" : plan.vfs().rootPath()
                        .toString()) + (plan.cluster() ? " through " + ClusterOptions.describe(plan.config()) : "")
                        + " on " + plan.mountPoint() + " (supervisor " + p.pid() + ", server "
                        + rf.readPid().orElse(-1) + ", log " + rf.log() + ")");
                out.flush();
                return AlluxioFuseCommand.EXIT_OK;
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        err.println("alluxio-fuse mount: " + plan.mountPoint() + " did not come up within " + limit.toSeconds()
                + "s; stopping the supervisor; log " + rf.log() + ":");
        err.println(rf.logTail(20));
        err.flush();
        try {
            ControlServer.call(RunDirectory.controlSocket(plan.mountPoint()), "stop");
        } catch (IOException ignored) {
            // not up: killed below
        }
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return AlluxioFuseCommand.EXIT_FAILED;
    }

    /**
     * The command line of a mount server in the foreground with this mount's options (the same
     * for an unsupervised background mount and a supervisor's server).
     *
     * @param stateFile the supervised server's state log, or null
     */
    private List<String> serverCommand(String javaCmd, String classPath, Plan plan, Path stateFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCmd);
        cmd.addAll(MountJvm.server(MountJvm.inherited()));
        cmd.addAll(List.of("-cp", classPath, AlluxioFuseCommand.class.getName(), "mount", "--foreground"));
        if (stateFile != null) {
            cmd.addAll(List.of("--state", stateFile.toString()));
        }
        cmd.addAll(List.of("--ufs", plan.ufs()));
        cmd.addAll(cluster.arguments());
        if (conf != null) {
            cmd.addAll(List.of("--conf", conf.toAbsolutePath().toString()));
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            cmd.addAll(List.of("-D", e.getKey() + "=" + e.getValue()));
        }
        for (String o : options) {
            cmd.addAll(List.of("-o", o));
        }
        if (trace != null) {
            cmd.addAll(List.of("--trace", trace.toAbsolutePath().normalize().toString()));
        }
        cmd.add(plan.mountPoint().toString());
        cmd.add(plan.vfs().rootPath().toString());
        return cmd;
    }

    /** Starts {@code cmd} detached from the terminal's input, its output appended to the mount's log after a header line. */
    private static Process startLogged(List<String> cmd, RuntimeFiles rf, String header) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(rf.log().toFile()));
        pb.redirectErrorStream(true);
        pb.environment().putIfAbsent("LC_ALL", "C.UTF-8");
        MountJvm.environment(pb.environment());
        Files.writeString(rf.log(), "---- " + java.time.Instant.now() + " " + header + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return pb.start();
    }

    // ------------------------------------------------------------------ background

    private int launchBackground(Plan plan) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration limit = FuseConfig.parseDuration("--mount-timeout", mountTimeout);
        RuntimeFiles rf = RuntimeFiles.of(plan.mountPoint());
        Files.createDirectories(rf.dir());
        Files.deleteIfExists(rf.pid());

        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString()); // survive the terminal going away (SIGHUP)
        }
        cmd.addAll(serverCommand(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                System.getProperty("java.class.path"), plan, null));
        Process p = startLogged(cmd, rf, "alluxio-fuse mount " + plan.mountPoint());

        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                err.println("alluxio-fuse mount: the mount process exited with status " + p.exitValue()
                        + "; log " + rf.log() + ":");
                err.println(rf.logTail(20));
                err.flush();
                return AlluxioFuseCommand.EXIT_FAILED;
            }
            if (mountAnswers(plan.mountPoint()) && Files.exists(rf.pid())) {
                out.println("Mounted " + plan.ufs() + (plan.vfs().rootPath().isRoot() ? "" : plan.vfs().rootPath().toString())
                        + (plan.cluster() ? " through " + ClusterOptions.describe(plan.config()) : "")
                        + " on " + plan.mountPoint() + " (pid " + rf.readPid().orElse(p.pid()) + ", log " + rf.log() + ")");
                out.flush();
                return AlluxioFuseCommand.EXIT_OK;
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        err.println("alluxio-fuse mount: " + plan.mountPoint() + " did not come up within " + limit.toSeconds()
                + "s; stopping the mount process; log " + rf.log() + ":");
        err.println(rf.logTail(20));
        err.flush();
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return AlluxioFuseCommand.EXIT_FAILED;
    }

    /** Mounted with our subtype per mountinfo, and a stat of the root answers. */
    private static boolean mountAnswers(Path mp) {
        Optional<MountTable.Entry> e = MountTable.find(mp);
        if (e.isEmpty() || !e.get().subtype().map(FuseMountOptions.SUBTYPE::equals).orElse(false)) {
            return false;
        }
        try {
            Files.readAttributes(mp, "unix:ino");
            return true;
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }
}
