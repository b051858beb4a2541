package io.purefuse.mount.supervisor;

import io.purefuse.mount.MountOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code purefuse-supervisor [options] MOUNTPOINT -- SERVER COMMAND...}: mounts MOUNTPOINT,
 * starts the server command as a supervised server (see {@link SupervisorProtocol}) and keeps
 * the mount alive across its crashes and upgrades until it is unmounted or told to stop through
 * its control socket. SIGTERM and SIGINT stop the mount cleanly (see {@link Supervisor#stop});
 * SIGKILL leaves the server serving without a supervisor. Exit status: 0 after the mount ended,
 * 1 when mounting or the first server failed (or a stopped server had to be killed), 2 for bad
 * arguments.
 *
 * <p>Options: {@code -o OPTS} mount options; {@code --fds N} device fds (the mounted one and
 * N-1 clones, one per server reader thread; default 4); {@code --log FILE} server output
 * (default: inherit /dev/null); {@code --control PATH} control socket (default
 * {@link RunDirectory#controlSocket}); {@code --stop-timeout MILLIS} how long a stop waits for the
 * server to exit before killing it (default {@value Supervisor#DEFAULT_STOP_TIMEOUT_MILLIS}).
 *
 * <p>Run it with a small heap: {@code -Xmx16m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}.
 */
public final class SupervisorMain {
    private SupervisorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        MountOptions.Builder mount = MountOptions.builder();
        int fds = 4;
        Path log = null;
        Path control = null;
        Path mountPoint = null;
        long stopTimeout = Supervisor.DEFAULT_STOP_TIMEOUT_MILLIS;
        List<String> command = new ArrayList<>();
        try {
            int i = 0;
            for (; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--")) {
                    i++;
                    break;
                }
                switch (a) {
                    case "-o" -> mount.option(value(args, ++i, a));
                    case "--fds" -> fds = Integer.parseInt(value(args, ++i, a));
                    case "--log" -> log = Path.of(value(args, ++i, a));
                    case "--control" -> control = Path.of(value(args, ++i, a));
                    case "--stop-timeout" -> stopTimeout = Long.parseLong(value(args, ++i, a));
                    default -> {
                        if (a.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        if (mountPoint != null) {
                            throw new IllegalArgumentException("unexpected argument " + a);
                        }
                        mountPoint = Path.of(a);
                    }
                }
            }
            for (; i < args.length; i++) {
                command.add(args[i]);
            }
            if (mountPoint == null || command.isEmpty()) {
                throw new IllegalArgumentException("usage: purefuse-supervisor [-o OPTS] [--fds N] [--log FILE] "
                        + "[--control SOCKET] [--stop-timeout MILLIS] MOUNTPOINT -- SERVER COMMAND...");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("purefuse-supervisor: " + e.getMessage());
            return 2;
        }
        Supervisor s;
        try {
            s = new Supervisor(new Supervisor.Config(mountPoint, mount.build(), fds, command, log, stopTimeout));
        } catch (IllegalArgumentException e) {
            System.err.println("purefuse-supervisor: " + e.getMessage());
            return 2;
        }
        try {
            s.start();
        } catch (IOException e) {
            System.err.println("purefuse-supervisor: " + e.getMessage());
            return 1;
        }
        // SIGTERM / SIGINT end the mount cleanly and the process with status 0 (not the JVM's 143/130:
        // a service manager reads those as a failure); SIGKILL leaves the server serving.
        onTermination(s::stop);
        long hookWait = stopTimeout + 10_000;
        Thread hook = new Thread(() -> {
            // Any other way the JVM ends (SIGHUP, ...): still end the mount cleanly.
            s.stop();
            try {
                s.awaitFinished(hookWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "supervisor-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Path socket = control != null ? control : RunDirectory.controlSocket(s.mountPoint());
        try (ControlServer c = new ControlServer(s, socket)) {
            System.err.println("purefuse-supervisor: " + s.mountPoint() + " served by " + s.status().get("server")
                    + "; control socket " + socket);
            int code = s.awaitFinished();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
            return code;
        } catch (IOException e) {
            System.err.println("purefuse-supervisor: control socket " + socket + ": " + e.getMessage());
            s.stop();
            try {
                s.awaitFinished();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Runs {@code action} (in a new thread) on SIGTERM and SIGINT instead of the JVM's default. */
    @SuppressWarnings("removal")
    private static void onTermination(Runnable action) {
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), x -> {
                    System.err.println("purefuse-supervisor: SIG" + sig + ": stopping the mount");
                    Thread t = new Thread(action, "supervisor-sig" + sig.toLowerCase(java.util.Locale.ROOT));
                    t.setDaemon(true);
                    t.start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the shutdown hook ends the mount instead
                System.err.println("purefuse-supervisor: no SIG" + sig + " handler: " + e);
            }
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
