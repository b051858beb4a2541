package io.purefuse.mount.supervisor;

import io.purefuse.mount.FuseMount;
import io.purefuse.mount.LibC;
import io.purefuse.mount.MountException;
import io.purefuse.mount.MountOptions;
import io.purefuse.mount.Mounter;
import io.purefuse.mount.Native;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a FUSE mount alive across the death or replacement of its server process.
 *
 * <p>The supervisor mounts, opens every clone of the device fd itself and never reads a request.
 * The server process it starts inherits all of them (plus the auto_unmount socket of
 * fusermount3); since they share our open file descriptions, what a server read and did not
 * answer stays queued in the kernel when it dies, and the next server gets it again by writing
 * {@code FUSE_NOTIFY_RESEND}. A standby server is started ahead of need (JVM warmed up, state
 * prepared), so a takeover costs the standby's final catch-up rather than a JVM start.
 *
 * <ul>
 *   <li>Crash: the server died and the mount is alive: the standby gets {@code GO}; a new
 *   standby is started. After {@value #MAX_FAILED_STARTS} servers in a row ended on their own
 *   (an exit status or a crash, not SIGKILL) before serving, the supervisor unmounts and exits 1.</li>
 *   <li>Planned upgrade ({@link #upgrade}): the standby (optionally with a new command) is made
 *   ready, the server is told {@code DETACH}, answers what it holds, says {@code DETACHED} and is
 *   killed; then the standby gets {@code GO}.</li>
 *   <li>Unmounted from outside (fusermount3 -u): the server exits, the connection is dead: the
 *   supervisor ends the standby and exits 0.</li>
 *   <li>Stop ({@link #stop}: SIGTERM/SIGINT to the supervisor, or {@code stop} on the control
 *   socket; or the server says {@code STOP} after its own SIGTERM/SIGINT): no takeover from then
 *   on, the standby is ended, the server unmounts lazily, answers what is in flight, serves the
 *   files still open until closed or its unmount timeout, completes its writers and exits 0; then
 *   the supervisor exits 0. A server that has not exited after {@link Config#stopTimeout} is
 *   killed and the supervisor exits 1.</li>
 *   <li>The supervisor killed: the server keeps serving (it holds the fds); when it dies too, no
 *   fd of the connection is left, fusermount3 sees its socket closed and the mount dead, and
 *   unmounts: no stale "Transport endpoint is not connected".</li>
 * </ul>
 */
public final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final int SIGKILL = 9;

    /** Default of {@link Config#stopTimeout}. */
    public static final long DEFAULT_STOP_TIMEOUT_MILLIS = 300_000;

    /**
     * What to supervise.
     *
     * @param stopTimeout how long a stop waits for the server to exit before killing it (it should
     *     exceed the server's own unmount timeout)
     */
    public record Config(Path mountPoint, MountOptions mountOptions, int deviceFds, List<String> serverCommand,
                         Path serverLog, long stopTimeoutMillis) {
        public Config(Path mountPoint, MountOptions mountOptions, int deviceFds, List<String> serverCommand,
                      Path serverLog) {
            this(mountPoint, mountOptions, deviceFds, serverCommand, serverLog, DEFAULT_STOP_TIMEOUT_MILLIS);
        }

        public Config {
            if (stopTimeoutMillis <= 0) {
                throw new IllegalArgumentException("stop timeout must be positive: " + stopTimeoutMillis);
            }
            if (deviceFds < 1 || deviceFds > 64) {
                throw new IllegalArgumentException("device fds must be 1..64: " + deviceFds);
            }
            if (serverCommand.isEmpty()) {
                throw new IllegalArgumentException("no server command");
            }
        }
    }

    private final Config config;
    private final long startedMillis = System.currentTimeMillis();
    private FuseMount mount;
    private final List<Integer> deviceFds = new ArrayList<>();
    private List<String> serverCommand;
    private ServerProcess active;
    private ServerProcess standby;
    private String initHex;
    private int generation;
    private int takeovers;
    private int upgrades;
    private long lastStallMillis = -1;
    private volatile boolean stopping;
    /** A stop was asked for (signal, control socket or the server's STOP): the mount is ending. */
    private boolean stopRequested;
    /** Servers in a row that died before serving: a successor that cannot start is not retried for ever. */
    private int failedStarts;
    static final int MAX_FAILED_STARTS = 5;
    private final CountDownLatch finished = new CountDownLatch(1);
    private int exitCode;

    public Supervisor(Config config) {
        this.config = config;
        this.serverCommand = List.copyOf(config.serverCommand());
    }

    /**
     * Mounts, makes the clones, starts the first server and returns once it serves (INIT
     * answered).
     *
     * @throws IOException when mounting fails or the first server does not come up (nothing is
     *     left mounted)
     */
    public void start() throws IOException {
        ServerProcess first;
        synchronized (this) {
            first = mountAndSpawn();
        }
        // Not under the lock: the server's end (exited()) takes it.
        String init;
        try {
            init = first.await(SupervisorProtocol.INIT + " ", 60_000);
            if (init != null) {
                first.await(SupervisorProtocol.SERVING, 10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            init = null;
        }
        synchronized (this) {
            if (init == null) {
                cleanUp();
                throw new IOException("the server (" + serverCommand.get(0) + " ... "
                        + serverCommand.get(serverCommand.size() - 1) + ") did not answer the kernel's INIT: "
                        + first.child + "; see " + config.serverLog());
            }
            initHex = init.substring(SupervisorProtocol.INIT.length() + 1).strip();
            LOG.info("mounted {}: server {} serves, fds {}", mount.mountPoint(), first.pid(), deviceFds);
        }
        startStandby();
    }

    private ServerProcess mountAndSpawn() throws IOException {
        MountOptions opts = config.mountOptions().toBuilder().autoUnmount(true).build();
        try {
            mount = new Mounter().mount(config.mountPoint(), opts);
        } catch (MountException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            deviceFds.add(mount.fd());
            for (int i = 1; i < config.deviceFds(); i++) {
                deviceFds.add(cloneFd(mount.fd()));
            }
            active = spawn(serverCommand, null);
            active.send(SupervisorProtocol.GO + " 0 -");
        } catch (IOException | RuntimeException e) {
            cleanUp();
            throw e;
        }
        return active;
    }

    private static int cloneFd(int primary) throws IOException {
        LibC libc = Native.libc();
        int fd = libc.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open /dev/fuse: " + Native.describe(Native.errno()));
        }
        if (libc.ioctl(fd, LibC.FUSE_DEV_IOC_CLONE, new IntByReference(primary)) != 0) {
            int errno = Native.errno();
            libc.close(fd);
            throw new IOException("FUSE_DEV_IOC_CLONE failed: " + Native.describe(errno));
        }
        return fd;
    }

    private ServerProcess spawn(List<String> command, String init) throws IOException {
        int[] sv = LineChannel.socketPair();
        Map<Integer, Integer> fds = new LinkedHashMap<>();
        fds.put(SupervisorProtocol.SUPERVISOR_FD, sv[1]);
        StringBuilder list = new StringBuilder();
        int next = SupervisorProtocol.FIRST_DEVICE_FD;
        for (int fd : deviceFds) {
            fds.put(next, fd);
            list.append(list.length() == 0 ? "" : ",").append(next);
            next++;
        }
        int comm = mount.autoUnmountSocket();
        if (comm >= 0) {
            // Held by the server too: fusermount3 unmounts a dead mount only when every holder is gone.
            fds.put(next, comm);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(SupervisorProtocol.ENV_SUPERVISOR_FD, Integer.toString(SupervisorProtocol.SUPERVISOR_FD));
        env.put(SupervisorProtocol.ENV_DEVICE_FDS, list.toString());
        env.put(SupervisorProtocol.ENV_MOUNT_POINT, mount.mountPoint().toString());
        env.put(SupervisorProtocol.ENV_CONNECTION, Integer.toString(mount.connectionId()));
        if (init != null) {
            env.put(SupervisorProtocol.ENV_INIT, init);
        }
        ChildProcess child;
        try {
            child = ChildProcess.spawn(command, fds, env, config.serverLog());
        } finally {
            Native.libc().close(sv[1]);
        }
        ServerProcess p = new ServerProcess(child, new LineChannel(sv[0]), List.copyOf(command));
        Thread reader = new Thread(() -> readLines(p), "supervisor-lines-" + child.pid());
        reader.setDaemon(true);
        reader.start();
        Thread waiter = new Thread(() -> {
            child.waitFor();
            exited(p);
        }, "supervisor-wait-" + child.pid());
        waiter.setDaemon(true);
        waiter.start();
        LOG.info("started server {}: {} ... {}", child.pid(), command.get(0), command.get(command.size() - 1));
        return p;
    }

    private void readLines(ServerProcess p) {
        try {
            while (true) {
                String line = p.channel.readLine();
                if (line.equals(SupervisorProtocol.READY)) {
                    p.ready = true;
                } else if (line.equals(SupervisorProtocol.SERVING)) {
                    p.serving = true;
                } else if (line.equals(SupervisorProtocol.STOP)) {
                    serverStops(p);
                }
                p.lines.add(line);
            }
        } catch (EOFException e) {
            // the process ended (or closed the socket): the waiter thread handles it
        } catch (IOException e) {
            LOG.debug("reading from {} failed: {}", p, e.getMessage());
        }
    }

    private synchronized void startStandby() {
        if (stopping || standby != null || initHex == null) {
            return;
        }
        try {
            standby = spawn(serverCommand, initHex);
        } catch (IOException e) {
            LOG.error("cannot start a standby server: {}", e.getMessage());
        }
    }

    /** A server process ended. */
    private void exited(ServerProcess p) {
        p.channel.close();
        ServerProcess successor = null;
        synchronized (this) {
            LOG.info("{} ended{}", p, p.retiring ? " (stepped down)" : "");
            if (p == standby) {
                standby = null;
                if (!stopping) {
                    // A standby that dies at once would be restarted in a tight loop: pace it.
                    scheduleStandby(System.nanoTime() - p.startedNanos < 2_000_000_000L ? 1_000 : 0);
                }
                return;
            }
            if (p != active || p.retiring) {
                return;
            }
            active = null;
            if (initHex == null) {
                return; // died before INIT: start() reports it
            }
            if (stopping || !connectionAlive()) {
                LOG.info("the mount on {} has ended", mount.mountPoint());
                stopping = true;
                finishLater();
                return;
            }
            // A server that was SIGKILLed (by a user, a test, the OOM killer) did not fail to start on
            // its own: only servers that exit or crash before serving count towards giving up.
            // (A 20-kill run on a loaded machine can kill successors before they serve.)
            boolean killed = (p.child.status() & 0x7f) == SIGKILL;
            failedStarts = p.serving ? 0 : killed ? failedStarts : failedStarts + 1;
            if (!p.serving) {
                LOG.warn("server {} ended before it served ({}); {} in a row failed on their own", p.pid(),
                        ChildProcess.describe(p.child.status()), failedStarts);
            }
            if (failedStarts >= MAX_FAILED_STARTS) {
                LOG.error("{} servers in a row died before serving (last: {}); giving up and unmounting {}",
                        failedStarts, ChildProcess.describe(p.child.status()), mount.mountPoint());
                exitCode = 1;
                stopping = true;
                Thread t = new Thread(this::unmountAndFinish, "supervisor-give-up");
                t.setDaemon(true);
                t.start();
                return;
            }
            successor = standby;
            standby = null;
            if (successor == null) {
                try {
                    successor = spawn(serverCommand, initHex);
                } catch (IOException e) {
                    LOG.error("cannot start a server to take over {}: {}", mount.mountPoint(), e.getMessage());
                    stopping = true;
                    finishLater();
                    return;
                }
            }
            generation++;
            takeovers++;
            active = successor;
            try {
                successor.send(SupervisorProtocol.GO + " " + generation + " " + initHex);
            } catch (IOException e) {
                LOG.error("cannot hand the mount to {}: {}", successor, e.getMessage());
            }
            LOG.warn("server {} died ({}); {} takes over {} (takeover {})", p.pid(),
                    ChildProcess.describe(p.child.status()), successor.pid(), mount.mountPoint(), takeovers);
        }
        scheduleStandby(0);
    }

    private void scheduleStandby(long delayMillis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;
            }
            startStandby();
        }, "supervisor-standby");
        t.setDaemon(true);
        t.start();
    }

    private void finishLater() {
        Thread t = new Thread(this::finish, "supervisor-finish");
        t.setDaemon(true);
        t.start();
    }

    /** poll() the mounted fd: a connection that was unmounted or aborted reports POLLERR. */
    private boolean connectionAlive() {
        if (deviceFds.isEmpty()) {
            return false;
        }
        ByteBuffer pfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        pfd.putInt(0, deviceFds.get(0)).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
        int n = Native.libc().poll(pfd, 1, 0);
        return n < 0 || (pfd.getShort(6) & (LibC.POLLERR | LibC.POLLNVAL)) == 0;
    }

    /**
     * Planned upgrade: a server running {@code newCommand} (null: the current command) takes over
     * from the running one without failing a request. Returns a one-line summary.
     */
    public String upgrade(List<String> newCommand) throws IOException, InterruptedException {
        ServerProcess next;
        ServerProcess old;
        List<String> previous;
        synchronized (this) {
            if (stopRequested) {
                throw new IOException("the mount is stopping");
            }
            if (stopping || active == null) {
                throw new IOException("no server is running");
            }
            previous = serverCommand;
            if (newCommand != null && !newCommand.isEmpty()) {
                serverCommand = List.copyOf(newCommand);
            }
            if (standby == null || !standby.command.equals(serverCommand)) {
                if (standby != null) {
                    standby.retiring = true;
                    standby.child.signal(SIGKILL);
                }
                standby = spawn(serverCommand, initHex);
            }
            next = standby;
        }
        if (!next.ready && next.await(SupervisorProtocol.READY, 120_000) == null && !next.ready) {
            long serving;
            synchronized (this) {
                // Keep the command that works: a later crash must not be taken over by one that fails.
                serverCommand = previous;
                next.retiring = true;
                next.child.signal(SIGKILL);
                // (its end may have started another standby with the new command meanwhile)
                if (standby != null && !standby.command.equals(previous)) {
                    standby.retiring = true;
                    standby.child.signal(SIGKILL);
                    standby = null;
                }
                if (standby == next) {
                    standby = null;
                }
                serving = active == null ? -1 : active.pid();
            }
            scheduleStandby(0);
            throw new IOException("the new server " + next + " did not get ready (see " + config.serverLog()
                    + "); server " + serving + " serves on with its command");
        }
        long t0 = System.nanoTime();
        synchronized (this) {
            old = active;
            if (old == null || stopping) {
                throw new IOException("no server is running");
            }
            standby = null;
            old.retiring = true;
            old.send(SupervisorProtocol.DETACH);
        }
        boolean drained = old.await(SupervisorProtocol.DETACHED, 10_000) != null;
        // Nothing it holds is unanswered now (or, after the timeout, will be resent): kill it, so
        // that no thread of it can read a request after the successor's NOTIFY_RESEND.
        old.child.signal(SIGKILL);
        old.child.waitFor();
        synchronized (this) {
            generation++;
            upgrades++;
            active = next;
            next.send(SupervisorProtocol.GO + " " + generation + " " + initHex);
        }
        next.await(SupervisorProtocol.SERVING, 60_000);
        long stall = (System.nanoTime() - t0) / 1_000_000;
        synchronized (this) {
            lastStallMillis = stall;
        }
        scheduleStandby(0);
        String summary = "upgraded: server " + old.pid() + " -> " + next.pid() + (drained ? "" : " (old server did "
                + "not drain in time; its requests were resent)") + ", handover " + stall + " ms";
        LOG.info(summary);
        return summary;
    }

    /**
     * Ends the mount cleanly (SIGTERM/SIGINT to the supervisor, {@code stop} on the control
     * socket): no takeover from now on, the standby is ended and the serving server is told
     * {@code STOP} (it unmounts, finishes in-flight requests and open files, exits 0); without a
     * server to tell, the supervisor unmounts itself. Returns at once; {@link #awaitFinished}
     * waits for the end. Idempotent.
     */
    public void stop() {
        ServerProcess a;
        synchronized (this) {
            if (!beginStop("stop requested")) {
                return;
            }
            // Before the first INIT was answered there is nothing to finish: unmount right away
            // (a successor in the middle of a takeover reads STOP once it serves).
            a = initHex == null ? null : active;
        }
        boolean told = false;
        if (a != null && !a.child.isReaped()) {
            try {
                a.send(SupervisorProtocol.STOP);
                told = true;
            } catch (IOException e) {
                LOG.warn("cannot tell {} to stop: {}", a, e.getMessage());
            }
        }
        if (told) {
            watchStop(a);
        } else {
            Thread t = new Thread(this::unmountAndFinish, "supervisor-stop");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The server said STOP (its own SIGTERM/SIGINT): it unmounts and exits; no takeover. */
    private void serverStops(ServerProcess p) {
        synchronized (this) {
            if (p != active || !beginStop("server " + p.pid() + " stops the mount")) {
                return;
            }
        }
        watchStop(p);
    }

    /** Marks the mount as ending and ends the standby; false if a stop had begun already. */
    private boolean beginStop(String why) {
        if (stopRequested) {
            return false;
        }
        stopRequested = true;
        stopping = true;
        LOG.info("{}: stopping {} (no takeover from now on)", why, mount == null ? "-" : mount.mountPoint());
        if (standby != null && !standby.child.isReaped()) {
            standby.retiring = true;
            standby.child.signal(SIGKILL);
        }
        return true;
    }

    /** Kills {@code server} if it has not ended within the stop timeout (its exit finishes us). */
    private void watchStop(ServerProcess server) {
        Thread t = new Thread(() -> {
            try {
                // (ChildProcess#waitFor(millis) would block behind the waiter thread's waitpid.)
                if (!awaitFinished(config.stopTimeoutMillis())) {
                    LOG.error("{} did not end within {} ms of the stop; killing it", server,
                            config.stopTimeoutMillis());
                    synchronized (this) {
                        exitCode = 1;
                    }
                    server.child.signal(SIGKILL);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "supervisor-stop-watch");
        t.setDaemon(true);
        t.start();
    }

    private void unmountAndFinish() {
        // Servers first: while one holds fusermount3's socket, ending the helper waits 5 s for nothing.
        ServerProcess[] servers;
        synchronized (this) {
            servers = new ServerProcess[] {active, standby};
        }
        for (ServerProcess p : servers) {
            if (p != null && !p.child.isReaped()) {
                p.retiring = true;
                p.child.signal(SIGKILL);
                p.child.waitFor();
            }
        }
        try {
            mount.unmount();
        } catch (MountException e) {
            LOG.warn("unmount of {} failed: {}", mount.mountPoint(), e.getMessage());
        }
        finish();
    }

    private void finish() {
        synchronized (this) {
            if (finished.getCount() == 0) {
                return;
            }
            stopping = true;
            if (standby != null) {
                standby.retiring = true;
                standby.child.signal(SIGKILL);
                standby.child.waitFor();
            }
            cleanUp();
        }
        finished.countDown();
    }

    private void cleanUp() {
        stopping = true;
        for (ServerProcess p : new ServerProcess[] {active, standby}) {
            if (p != null && !p.child.isReaped()) {
                p.retiring = true;
                p.child.signal(SIGKILL);
                p.child.waitFor();
            }
        }
        for (int i = 1; i < deviceFds.size(); i++) {
            Native.libc().close(deviceFds.get(i));
        }
        deviceFds.clear();
        if (mount != null) {
            try {
                mount.close();
            } catch (MountException e) {
                LOG.warn("closing {} failed: {}", mount.mountPoint(), e.getMessage());
            }
        }
    }

    /** Blocks until the supervisor has finished (mount ended); returns its exit code. */
    public int awaitFinished() throws InterruptedException {
        finished.await();
        return exitCode;
    }

    public boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The fields {@code alluxio-fuse list} shows, one "key value" pair per entry. */
    public synchronized Map<String, String> status() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mount", mount == null ? "-" : mount.mountPoint().toString());
        m.put("supervisor", Long.toString(ProcessHandle.current().pid()));
        m.put("state", stopRequested ? "stopping" : "serving");
        m.put("server", active == null ? "-" : Long.toString(active.pid()));
        m.put("standby", standby == null ? "-" : Long.toString(standby.pid()));
        m.put("standby_ready", standby != null && standby.ready ? "yes" : "no");
        m.put("generation", Integer.toString(generation));
        m.put("takeovers", Integer.toString(takeovers));
        m.put("upgrades", Integer.toString(upgrades));
        m.put("last_upgrade_ms", lastStallMillis < 0 ? "-" : Long.toString(lastStallMillis));
        m.put("device_fds", Integer.toString(deviceFds.size()));
        m.put("started", java.time.Instant.ofEpochMilli(startedMillis).toString());
        m.put("command", String.join(" ", serverCommand));
        m.put("argv", String.join("\t", serverCommand)); // exact: what upgrade changes and sends back
        return m;
    }

    public Path mountPoint() {
        return mount.mountPoint();
    }
}
