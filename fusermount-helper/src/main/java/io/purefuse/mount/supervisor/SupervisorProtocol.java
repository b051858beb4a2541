package io.purefuse.mount.supervisor;

/**
 * What a supervisor and the server processes it starts say to each other over the socket the
 * server inherits as fd {@value #SUPERVISOR_FD}: one text line per message.
 *
 * <pre>
 * server -> supervisor   READY                 started, state restored as far as possible, waiting for GO
 *                        INIT hex              the INIT parameters it negotiated (first server only)
 *                        SERVING               reading requests now
 *                        DETACHED              stepped down after DETACH: nothing pending any more
 *                        STOP                  told to end (SIGTERM/SIGINT): it unmounts, finishes
 *                                              its open files and exits 0; nobody takes over
 * supervisor -> server   GO generation hex|-   serve: take over with these INIT parameters, or ("-")
 *                                              read the kernel's INIT (a fresh mount)
 *                        DETACH                step down for a successor (planned upgrade)
 *                        STOP                  end the mount (the supervisor was told to stop): as
 *                                              after SIGTERM, without saying STOP back
 * </pre>
 *
 * Environment of a server process: {@value #ENV_SUPERVISOR_FD} (the socket), {@value #ENV_DEVICE_FDS}
 * (comma separated {@code /dev/fuse} fds: the mounted one first, then clones the supervisor made),
 * {@value #ENV_INIT} (the saved INIT parameters when known at start, so that a standby can
 * prepare), {@value #ENV_MOUNT_POINT}, {@value #ENV_CONNECTION} (the FUSE connection number, for
 * aborting the connection when a stop outlasts its timeout). A server must not clone the fds itself: a clone it made
 * would die with it, and the requests read on it would be lost.
 */
public final class SupervisorProtocol {
    public static final int SUPERVISOR_FD = 3;
    public static final int FIRST_DEVICE_FD = 4;

    public static final String ENV_SUPERVISOR_FD = "PUREFUSE_SUPERVISOR_FD";
    public static final String ENV_DEVICE_FDS = "PUREFUSE_DEVICE_FDS";
    public static final String ENV_INIT = "PUREFUSE_INIT";
    public static final String ENV_MOUNT_POINT = "PUREFUSE_MOUNT_POINT";
    public static final String ENV_CONNECTION = "PUREFUSE_CONNECTION";

    public static final String READY = "READY";
    public static final String INIT = "INIT";
    public static final String SERVING = "SERVING";
    public static final String DETACHED = "DETACHED";
    public static final String GO = "GO";
    public static final String DETACH = "DETACH";
    public static final String STOP = "STOP";

    private SupervisorProtocol() {
    }
}
