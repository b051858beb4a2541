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
 * its control socket. Exit status: 0 after the mount ended, 1 when mounting or the first server
 * failed, 2 for bad arguments.
 *
 * <p>Options: {@code -o OPTS} mount options; {@code --fds N} device fds (the mounted one and
 * N-1 clones, one per server reader thread; default 4); {@code --log FILE} server output
 * (default: inherit /dev/null); {@code --control PATH} control socket (default
 * {@link RunDirectory#controlSocket}).
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
                        + "[--control SOCKET] MOUNTPOINT -- SERVER COMMAND...");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("purefuse-supervisor: " + e.getMessage());
            return 2;
        }
        Supervisor s = new Supervisor(new Supervisor.Config(mountPoint, mount.build(), fds, command, log));
        try {
            s.start();
        } catch (IOException e) {
            System.err.println("purefuse-supervisor: " + e.getMessage());
            return 1;
        }
        // SIGTERM / SIGINT to the supervisor ends the mount cleanly (SIGKILL leaves the server serving).
        Thread hook = new Thread(s::stop, "supervisor-stop");
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
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
