package io.purefuse.session.takeover;

import io.purefuse.mount.supervisor.LineChannel;
import io.purefuse.mount.supervisor.SupervisorProtocol;
import io.purefuse.session.FuseSession;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.session.SessionOptions;
import io.purefuse.wire.init.NegotiatedInit;
import io.purefuse.wire.init.NegotiatedInitCodec;
import java.io.EOFException;
import java.io.IOException;
import io.purefuse.mount.MountException;
import io.purefuse.mount.MountTable;
import io.purefuse.mount.Mounter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of a supervised mount ({@link io.purefuse.mount.supervisor.Supervisor}):
 * reads the fds and INIT parameters it was started with, waits for {@code GO}, serves, and
 * steps down on {@code DETACH}.
 *
 * <pre>{@code
 * SupervisedServer sup = SupervisedServer.fromEnvironment();   // null: not supervised
 * // restore what can be restored ahead (a standby), using sup.savedInit() when not null
 * sup.ready();
 * SupervisedServer.Go go = sup.awaitGo();
 * // finish restoring
 * FuseSession s = sup.serve(fs, options, go);
 * s.awaitTermination();
 * }</pre>
 *
 * <p>Exit: a server that stepped down halts at once ({@link Runtime#halt}: no shutdown hook may
 * unmount what the successor serves). A standby whose supervisor disappears halts too; a serving
 * server whose supervisor disappears serves on (without takeover from then on).
 *
 * <p>Stop: from {@link #awaitGo} on, SIGTERM and SIGINT (and {@code STOP} from the supervisor) mean
 * "end this mount cleanly" ({@link #stop}): the server tells the supervisor (so nobody takes
 * over), unmounts lazily, answers what is in flight and serves the files still open until they
 * are closed or the session's unmount timeout passes (then the connection is aborted); the
 * session then ends, which completes the filesystem's writers ({@code destroy}), and the caller's
 * {@code awaitTermination()} returns so that it can exit 0. A standby (no GO yet) just exits 0.
 * SIGKILL of a serving server still means takeover.
 */
public final class SupervisedServer {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedServer.class);

    /** The supervisor's go-ahead: the mount generation and the INIT parameters (null: fresh mount). */
    public record Go(int generation, NegotiatedInit init) {
        public boolean isTakeover() {
            return init != null;
        }
    }

    private final LineChannel channel;
    private final int[] deviceFds;
    private final NegotiatedInit savedInit;
    private final Path mountPoint;
    private final int connection;
    private volatile FuseSession session;
    private volatile SessionOptions sessionOptions;
    private volatile boolean serving;
    private volatile boolean goReceived;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** Whether the stop came from the supervisor (then it needs no STOP back). */
    private volatile boolean stopFromSupervisor;
    private volatile Runnable beforeDetach = () -> { };

    private SupervisedServer(LineChannel channel, int[] deviceFds, NegotiatedInit savedInit, Path mountPoint,
                             int connection) {
        this.channel = channel;
        this.deviceFds = deviceFds;
        this.savedInit = savedInit;
        this.mountPoint = mountPoint;
        this.connection = connection;
    }

    /** The supervised-server context of this process, or null when it was not started by a supervisor. */
    public static SupervisedServer fromEnvironment() {
        String fd = System.getenv(SupervisorProtocol.ENV_SUPERVISOR_FD);
        String fds = System.getenv(SupervisorProtocol.ENV_DEVICE_FDS);
        if (fd == null || fds == null) {
            return null;
        }
        int[] device = Arrays.stream(fds.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        String init = System.getenv(SupervisorProtocol.ENV_INIT);
        NegotiatedInit saved = init == null || init.isBlank() ? null : NegotiatedInitCodec.fromHex(init);
        String mp = System.getenv(SupervisorProtocol.ENV_MOUNT_POINT);
        String conn = System.getenv(SupervisorProtocol.ENV_CONNECTION);
        int connection = -1;
        try {
            connection = conn == null ? -1 : Integer.parseInt(conn.strip());
        } catch (NumberFormatException e) {
            LOG.warn("ignoring {}={}", SupervisorProtocol.ENV_CONNECTION, conn);
        }
        return new SupervisedServer(new LineChannel(Integer.parseInt(fd.strip())), device, saved,
                mp == null || mp.isBlank() ? null : Path.of(mp), connection);
    }

    /** The INIT parameters of the mount when this process was started as a standby, else null. */
    public NegotiatedInit savedInit() {
        return savedInit;
    }

    /** The device fds this process inherited. */
    public int[] deviceFds() {
        return deviceFds.clone();
    }

    /**
     * Tells the supervisor this process is ready for {@code GO} (optional; speeds up upgrades).
     * Loads and initialises the session's classes and buffer pool first, so that a takeover does
     * not pay for them while applications wait.
     */
    public void ready() throws IOException {
        warmUp();
        channel.send(SupervisorProtocol.READY);
    }

    private static void warmUp() {
        String[] classes = {"io.purefuse.session.FuseSession", "io.purefuse.session.ReaderLoop",
            "io.purefuse.session.Dispatcher", "io.purefuse.session.Request", "io.purefuse.session.SessionCore",
            "io.purefuse.session.DirectoryReply", "io.purefuse.session.device.FuseDeviceChannel",
            "io.purefuse.wire.RequestDecoder", "io.purefuse.wire.RequestFrame", "io.purefuse.wire.ReplyEncoder",
            "io.purefuse.wire.NotifyEncoder", "io.purefuse.wire.Opcode", "io.purefuse.wire.DirentPacker",
            "io.purefuse.wire.init.InitNegotiation"};
        ClassLoader cl = SupervisedServer.class.getClassLoader();
        for (String c : classes) {
            try {
                Class.forName(c, true, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("warm-up could not load {}: {}", c, e.toString());
            }
        }
        io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(1 << 20, 1 << 20).release();
    }

    /**
     * Blocks until the supervisor says GO; halts the process if the supervisor goes away first.
     * From here on SIGTERM and SIGINT {@link #stop} the mount (see the class comment).
     */
    public Go awaitGo() throws IOException {
        stopOnSignals();
        while (true) {
            String line;
            try {
                line = channel.readLine();
            } catch (EOFException e) {
                LOG.info("supervisor gone before GO: exiting");
                Runtime.getRuntime().halt(0);
                throw e;
            }
            String[] w = line.split(" ");
            if (w[0].equals(SupervisorProtocol.GO) && w.length >= 3) {
                NegotiatedInit init = w[2].equals("-") ? null : NegotiatedInitCodec.fromHex(w[2]);
                synchronized (this) {
                    goReceived = true;
                }
                return new Go(Integer.parseInt(w[1]), init);
            }
            LOG.warn("unexpected message before GO ignored: {}", line);
        }
    }

    /** Runs before this server reports DETACHED (flush state the successor reads). */
    public void beforeDetach(Runnable r) {
        this.beforeDetach = r;
    }

    /**
     * Starts serving the inherited fds: reads the kernel's INIT for a fresh mount, or takes over
     * with {@code go.init()} (NOTIFY_RESEND first). Then answers DETACH in the background.
     */
    public FuseSession serve(LowLevelFilesystem fs, SessionOptions options, Go go) throws IOException {
        FuseSession s = go.isTakeover()
                ? FuseSession.takeOver(deviceFds, go.init(), fs, options)
                : FuseSession.serveDevice(deviceFds, fs, options);
        if (!go.isTakeover()) {
            channel.send(SupervisorProtocol.INIT + " " + NegotiatedInitCodec.toHex(s.negotiated()));
        }
        channel.send(SupervisorProtocol.SERVING);
        boolean stopNow;
        synchronized (this) {
            sessionOptions = options;
            session = s;
            serving = true;
            stopNow = stopRequested.get(); // a signal between GO and now
        }
        Thread t = new Thread(this::listen, "supervised-server");
        t.setDaemon(true);
        t.start();
        if (stopNow) {
            startStopping(s);
        }
        return s;
    }

    /**
     * Ends the mount cleanly (SIGTERM/SIGINT, or STOP from the supervisor): see the class comment.
     * Returns at once; the session's {@code awaitTermination()} returns when it is done.
     * Idempotent. Before GO the process exits 0 (a standby has nothing to finish); between GO and
     * {@link #serve} the stop begins as soon as the session serves.
     */
    public void stop() {
        stop(false);
    }

    private void stop(boolean fromSupervisor) {
        FuseSession s;
        synchronized (this) {
            if (!stopRequested.compareAndSet(false, true)) {
                return;
            }
            stopFromSupervisor = fromSupervisor;
            if (!goReceived) {
                LOG.info("stopped before serving: exiting");
                Runtime.getRuntime().halt(0);
            }
            s = session;
        }
        if (s != null) {
            startStopping(s);
        } else {
            LOG.info("stop requested while starting to serve: stopping once serving");
        }
    }

    private void startStopping(FuseSession s) {
        Thread t = new Thread(() -> runStop(s), "supervised-stop");
        t.setDaemon(true);
        t.start();
    }

    private void runStop(FuseSession s) {
        long t0 = System.nanoTime();
        if (!stopFromSupervisor) {
            try {
                channel.send(SupervisorProtocol.STOP); // before unmounting: a crash from here on is no takeover
            } catch (IOException e) {
                LOG.warn("cannot tell the supervisor about the stop ({}); unmounting anyway", e.getMessage());
            }
        }
        unmountLazily();
        Duration timeout = sessionOptions.unmountTimeout();
        try {
            if (!s.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("files still open {} after the stop: aborting FUSE connection {}", timeout, connection);
                if (connection >= 0) {
                    FuseSession.abortConnection(connection);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.close();
        LOG.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** Lazily unmounts our mount point if the mount on top of it is still our connection. */
    private void unmountLazily() {
        if (mountPoint == null) {
            return;
        }
        Optional<MountTable.Entry> top = MountTable.find(mountPoint);
        if (top.isEmpty() || !top.get().isFuse()) {
            return; // unmounted already (by the supervisor, or from outside)
        }
        try {
            if (connection >= 0 && top.get().connectionId() != connection) {
                LOG.warn("{} is another FUSE mount now (connection {}, ours {}): not unmounting it", mountPoint,
                        top.get().connectionId(), connection);
                return;
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot tell the connection of {}: {}", mountPoint, e.toString());
        }
        try {
            new Mounter().unmount(mountPoint, true);
            LOG.info("unmounted {} (lazily: open files are served until closed)", mountPoint);
        } catch (MountException e) {
            LOG.warn("unmount of {} failed: {}", mountPoint, e.getMessage());
        }
    }

    @SuppressWarnings("removal")
    private void stopOnSignals() {
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), x -> {
                    LOG.info("SIG{}: stopping the mount", sig);
                    stop(false);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("no SIG{} handler: {}", sig, e.toString());
            }
        }
    }

    private void listen() {
        try {
            while (true) {
                String line = channel.readLine();
                if (line.equals(SupervisorProtocol.DETACH)) {
                    detach();
                    return;
                }
                if (line.equals(SupervisorProtocol.STOP)) {
                    stop(true);
                    continue;
                }
                LOG.warn("unexpected message from the supervisor ignored: {}", line);
            }
        } catch (EOFException e) {
            LOG.warn("the supervisor is gone: serving on, but nobody will take over when this process ends");
        } catch (IOException e) {
            LOG.warn("supervisor channel failed: {}", e.getMessage());
        }
    }

    private void detach() {
        long t0 = System.nanoTime();
        boolean drained = false;
        try {
            drained = session.detach(Duration.ofSeconds(5));
            beforeDetach.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("stepping down failed", e);
        }
        LOG.info("stepped down in {} ms (drained: {})", (System.nanoTime() - t0) / 1_000_000, drained);
        try {
            channel.send(SupervisorProtocol.DETACHED);
        } catch (IOException ignored) {
            // the supervisor kills us anyway
        }
        // The successor owns the mount now: no shutdown hook may unmount it.
        Runtime.getRuntime().halt(0);
    }

    public boolean isServing() {
        return serving;
    }
}
