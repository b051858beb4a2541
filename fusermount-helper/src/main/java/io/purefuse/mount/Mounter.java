package io.purefuse.mount;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import jnr.constants.platform.Fcntl;
import jnr.posix.CmsgHdr;
import jnr.posix.FileStat;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;
import jnr.posix.SpawnFileAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts a FUSE file system on a directory and hands back the {@code /dev/fuse} descriptor.
 *
 * <p>{@link #mount(Path, MountOptions)}:
 * <ol>
 *   <li>resolves the mount point (parent directories' symlinks and a symlink at the last component;
 *       the result is what mountinfo lists);</li>
 *   <li>clears a <em>stale</em> FUSE mount on it (listed in mountinfo, {@code stat()} fails with
 *       ENOTCONN/ECONNABORTED: the server died without unmounting) by detaching it lazily; a
 *       <em>live</em> FUSE mount ({@code stat()} succeeds, or does not answer within 2 s) is refused;</li>
 *   <li>validates: the mount point exists, is a directory, is empty unless
 *       {@link MountOptions#nonempty()}, and {@code /dev/fuse} exists;</li>
 *   <li>mounts with the chosen {@link Strategy}: fusermount3 (spawned with the child end of a
 *       socketpair as fd 3 and {@code _FUSE_COMMFD=3}; the device fd comes back over SCM_RIGHTS), or
 *       {@code open("/dev/fuse")} + {@code mount(2)} as root.</li>
 * </ol>
 * Every failure is a {@link MountException} with a one-line message; nothing is left mounted.
 *
 * <p>Instances are immutable and thread safe.
 */
public final class Mounter {
    private static final Logger LOG = LoggerFactory.getLogger(Mounter.class);

    /** How to mount. */
    public enum Strategy {
        /** fusermount3 when it is found, else mount(2) when running as root. */
        AUTO,
        /** Always spawn fusermount3 (fails when it is missing). Unmounts through fusermount3 too. */
        FUSERMOUNT3,
        /** Open /dev/fuse and call mount(2) / umount2(2); needs root (CAP_SYS_ADMIN). With
         *  {@code auto_unmount} the mount goes through fusermount3 all the same (mount(2) cannot
         *  unmount after the process dies). */
        MOUNT_SYSCALL
    }

    /** The fusermount3 executable name looked up on PATH. */
    public static final String FUSERMOUNT = "fusermount3";
    /** The FUSE device. */
    public static final Path DEV_FUSE = Paths.get("/dev/fuse");

    static final long HELPER_TIMEOUT_MILLIS = 30_000;
    static final long STAT_PROBE_TIMEOUT_MILLIS = 2_000;

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int FD_CLOEXEC = 1;
    private static final int WNOHANG = 1;
    private static final int SIGKILL = 9;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;

    private static final ExecutorService PROBES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "purefuse-mount-probe");
        t.setDaemon(true);
        return t;
    });

    private final Strategy strategy;
    private final Path fusermount;

    /** A mounter with {@link Strategy#AUTO}. */
    public Mounter() {
        this(Strategy.AUTO);
    }

    /** A mounter with the given strategy, looking fusermount3 up on PATH. */
    public Mounter(Strategy strategy) {
        this(strategy, null);
    }

    /**
     * @param strategy   how to mount
     * @param fusermount the fusermount3 executable to use, or null to look {@value #FUSERMOUNT} up on
     *                   PATH (then /usr/bin, /bin, /usr/local/bin) at each mount
     */
    public Mounter(Strategy strategy, Path fusermount) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.fusermount = fusermount;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** Finds fusermount3 on PATH (then in /usr/bin, /bin, /usr/local/bin). */
    public static Optional<Path> findFusermount() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/local/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, FUSERMOUNT);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Whether the effective user is root. */
    public static boolean isRoot() {
        return Native.posix().geteuid() == 0;
    }

    /**
     * Whether a FUSE file system is mounted on exactly this path (the topmost mount there is FUSE).
     * Reads only mountinfo, never the mount itself, so it is safe on stale or unanswered mounts.
     */
    public static boolean isMounted(Path mountPoint) {
        try {
            return MountTable.find(resolveWithoutTouching(mountPoint))
                    .filter(MountTable.Entry::isFuse).isPresent();
        } catch (MountException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------ mount

    /**
     * Mounts a FUSE file system on {@code mountPoint}.
     *
     * @return the mount, owning the {@code /dev/fuse} fd; nobody has answered INIT yet
     * @throws MountException with a one-line reason; nothing is left mounted
     */
    public FuseMount mount(Path mountPoint, MountOptions options) throws MountException {
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(options, "options");
        Path mp = resolveMountPoint(mountPoint);
        clearStaleMount(mp);
        validateMountPoint(mp, options);
        if (!Files.exists(DEV_FUSE)) {
            throw new MountException("cannot mount " + mp + ": " + DEV_FUSE + " does not exist; load the fuse "
                    + "kernel module (modprobe fuse) and install fuse3 (apt-get install fuse3)");
        }
        Strategy chosen = strategy;
        Path helper = null;
        if (strategy != Strategy.MOUNT_SYSCALL) {
            helper = fusermount != null ? fusermount : findFusermount().orElse(null);
        }
        if (strategy == Strategy.AUTO) {
            if (helper != null) {
                chosen = Strategy.FUSERMOUNT3;
            } else if (isRoot()) {
                chosen = Strategy.MOUNT_SYSCALL;
            } else {
                throw new MountException("cannot mount " + mp + ": " + FUSERMOUNT + " not found on PATH and not "
                        + "running as root; install fuse3 (apt-get install fuse3)");
            }
        }
        if (chosen == Strategy.MOUNT_SYSCALL && options.autoUnmount()) {
            // mount(2) has no auto_unmount: only a helper that outlives us can unmount after a
            // kill -9. fusermount3 is that helper, for root too.
            helper = fusermount != null ? fusermount : findFusermount().orElse(null);
            if (helper == null) {
                throw new MountException("cannot mount " + mp + ": auto_unmount needs " + FUSERMOUNT
                        + " (it stays alive to unmount when this process dies); install fuse3 (apt-get install "
                        + "fuse3) or mount without auto_unmount");
            }
            LOG.info("auto_unmount requested: mounting {} through {} instead of mount(2)", mp, helper);
            chosen = Strategy.FUSERMOUNT3;
        }
        if (chosen == Strategy.FUSERMOUNT3) {
            if (helper == null) {
                throw new MountException("cannot mount " + mp + ": " + FUSERMOUNT + " not found on PATH; install "
                        + "fuse3 (apt-get install fuse3)");
            }
            return mountWithFusermount(helper, mp, options);
        }
        if (!isRoot()) {
            throw new MountException("cannot mount " + mp + ": permission denied: mount(2) needs root "
                    + "(CAP_SYS_ADMIN); install fuse3 (apt-get install fuse3) to mount through fusermount3");
        }
        return mountWithSyscall(mp, options);
    }

    /**
     * Unmounts the FUSE file system on {@code mountPoint}: {@code umount2} (with {@code MNT_DETACH}
     * when {@code lazy}) as root, else {@code fusermount3 -u [-z]}. Refuses non-FUSE mounts.
     *
     * @throws MountException when nothing (or no FUSE file system) is mounted there, or it fails
     */
    public void unmount(Path mountPoint, boolean lazy) throws MountException {
        Path mp = resolveWithoutTouching(mountPoint);
        MountTable.Entry top = MountTable.find(mp).orElseThrow(
                () -> new MountException("cannot unmount " + mp + ": not mounted"));
        if (!top.isFuse()) {
            throw new MountException("cannot unmount " + mp + ": it is not a FUSE mount (type " + top.fsType()
                    + ")");
        }
        unmountNow(mp, lazy);
    }

    /** Unmounts without checking the mount table first. */
    void unmountNow(Path mp, boolean lazy) throws MountException {
        boolean useSyscall = strategy == Strategy.MOUNT_SYSCALL || (strategy == Strategy.AUTO && isRoot());
        if (useSyscall) {
            LibC libc = Native.libc();
            int flags = LibC.UMOUNT_NOFOLLOW | (lazy ? LibC.MNT_DETACH : 0);
            if (libc.umount2(mp.toString(), flags) != 0) {
                int errno = Native.errno();
                String why = switch (errno) {
                    case Native.EBUSY -> "it is busy (open files or a working directory inside); "
                            + "close them or unmount lazily";
                    case Native.EINVAL -> "not mounted";
                    case Native.EPERM -> "permission denied";
                    case Native.ENOENT -> "no such directory";
                    default -> Native.describe(errno);
                };
                throw new MountException("cannot unmount " + mp + ": " + why, errno, null);
            }
            LOG.debug("unmounted {} with umount2{}", mp, lazy ? " (lazy)" : "");
            return;
        }
        Path helper = fusermount != null ? fusermount : findFusermount().orElseThrow(() -> new MountException(
                "cannot unmount " + mp + ": " + FUSERMOUNT + " not found on PATH and not running as root; "
                        + "install fuse3 (apt-get install fuse3)"));
        List<String> cmd = new ArrayList<>(List.of(helper.toString(), "-u", "-q"));
        if (lazy) {
            cmd.add("-z");
        }
        cmd.add("--");
        cmd.add(mp.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(HELPER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new MountException("cannot unmount " + mp + ": " + FUSERMOUNT + " -u did not finish");
            }
            if (p.exitValue() != 0) {
                throw new MountException("cannot unmount " + mp + ": " + FUSERMOUNT + " -u failed (exit "
                        + p.exitValue() + "): " + oneLine(new String(out, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new MountException("cannot unmount " + mp + ": cannot run " + helper + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MountException("cannot unmount " + mp + ": interrupted", e);
        }
        LOG.debug("unmounted {} with fusermount3{}", mp, lazy ? " (lazy)" : "");
    }

    // -------------------------------------------------------------------- mount point checks

    /** Absolute path with the parent's symlinks resolved, without any syscall on the path itself. */
    static Path resolveWithoutTouching(Path mountPoint) throws MountException {
        Path abs = mountPoint.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            return abs;
        }
        try {
            return parent.toRealPath().resolve(abs.getFileName());
        } catch (NoSuchFileException e) {
            throw new MountException("mount point " + abs + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new MountException("permission denied: cannot resolve mount point " + abs, e);
        } catch (IOException e) {
            throw new MountException("cannot resolve mount point " + abs + ": " + e.getMessage(), e);
        }
    }

    /** Canonical mount point: the parent resolved and, unless something is mounted there, a symlink at
     *  the last component followed. */
    static Path resolveMountPoint(Path mountPoint) throws MountException {
        Path mp = resolveWithoutTouching(mountPoint);
        if (mp.getParent() == null) {
            throw new MountException("cannot mount on /");
        }
        for (int i = 0; i < 40 && MountTable.find(mp).isEmpty() && Files.isSymbolicLink(mp); i++) {
            try {
                mp = mp.toRealPath();
            } catch (NoSuchFileException e) {
                throw new MountException("mount point " + mountPoint + " does not exist (dangling symlink)", e);
            } catch (IOException e) {
                throw new MountException("cannot resolve mount point " + mountPoint + ": " + e.getMessage(), e);
            }
        }
        return mp;
    }

    private enum Liveness { LIVE, STALE, UNRESPONSIVE }

    /** Detaches stale FUSE mounts on {@code mp}; refuses live ones. */
    private void clearStaleMount(Path mp) throws MountException {
        for (int round = 0; round < 16; round++) {
            MountTable.Entry top = MountTable.find(mp).orElse(null);
            if (top == null || !top.isFuse()) {
                return;
            }
            int[] errno = new int[1];
            Liveness liveness = probe(mp, errno);
            switch (liveness) {
                case LIVE -> throw new MountException("cannot mount " + mp + ": a live FUSE file system ("
                        + top.fsType() + " from " + top.source() + ") is already mounted there; unmount it first ("
                        + FUSERMOUNT + " -u " + mp + ")");
                case UNRESPONSIVE -> throw new MountException("cannot mount " + mp + ": a FUSE file system ("
                        + top.fsType() + " from " + top.source() + ") is mounted there and its server does not "
                        + "answer; unmount it first (" + FUSERMOUNT + " -u -z " + mp + ")");
                case STALE -> {
                    LOG.warn("clearing stale FUSE mount on {} ({} from {}: {})", mp, top.fsType(), top.source(),
                            Native.describe(errno[0]));
                    try {
                        unmountNow(mp, true);
                    } catch (MountException e) {
                        throw new MountException("cannot mount " + mp + ": cannot clear the stale FUSE mount there: "
                                + e.getMessage(), e.errno(), e);
                    }
                }
                default -> throw new AssertionError(liveness);
            }
        }
        throw new MountException("cannot mount " + mp + ": too many stale FUSE mounts stacked there");
    }

    /** Whether the FUSE mount on {@code mp} is stale: stat() fails with ENOTCONN/ECONNABORTED within
     *  2 s. */
    static boolean isStale(Path mp) {
        return probe(mp, new int[1]) == Liveness.STALE;
    }

    /** stat() the mount point in a daemon thread: a FUSE stat blocks while nobody answers. */
    private static Liveness probe(Path mp, int[] errnoOut) {
        Future<int[]> f = PROBES.submit(() -> {
            POSIX posix = Native.posix();
            FileStat st = posix.allocateStat();
            int rc = posix.stat(mp.toString(), st);
            return new int[] {rc, rc == 0 ? 0 : posix.errno()};
        });
        try {
            int[] r = f.get(STAT_PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            errnoOut[0] = r[1];
            if (r[0] == 0) {
                return Liveness.LIVE;
            }
            return r[1] == Native.ENOTCONN || r[1] == Native.ECONNABORTED ? Liveness.STALE : Liveness.LIVE;
        } catch (TimeoutException e) {
            f.cancel(true);
            return Liveness.UNRESPONSIVE;
        } catch (ExecutionException e) {
            LOG.debug("stat probe of {} failed", mp, e.getCause());
            return Liveness.LIVE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Liveness.UNRESPONSIVE;
        }
    }

    private static void validateMountPoint(Path mp, MountOptions options) throws MountException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(mp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new MountException("mount point " + mp + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new MountException("permission denied: cannot access mount point " + mp, e);
        } catch (IOException e) {
            throw new MountException("cannot access mount point " + mp + ": " + e.getMessage(), e);
        }
        if (!attrs.isDirectory()) {
            throw new MountException("mount point " + mp + " is not a directory");
        }
        if (!options.nonempty()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(mp)) {
                if (ds.iterator().hasNext()) {
                    throw new MountException("mount point " + mp + " is not empty (set the nonempty option to "
                            + "mount over its contents)");
                }
            } catch (AccessDeniedException e) {
                throw new MountException("permission denied: cannot list mount point " + mp, e);
            } catch (IOException e) {
                throw new MountException("cannot list mount point " + mp + ": " + e.getMessage(), e);
            }
        }
    }

    // -------------------------------------------------------------------------- fusermount3

    private FuseMount mountWithFusermount(Path helper, Path mp, MountOptions options) throws MountException {
        POSIX posix = Native.posix();
        int[] sv = new int[2];
        if (posix.socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
            throw new MountException("cannot mount " + mp + ": socketpair failed: "
                    + Native.describe(posix.errno()));
        }
        int ours = sv[0];
        int theirs = sv[1];
        // Neither end may leak into other children; dup2 onto fd 3 in the child clears the flag
        // (glibc >= 2.29 also clears it when the fd already is 3).
        posix.fcntlInt(ours, Fcntl.F_SETFD, FD_CLOEXEC);
        posix.fcntlInt(theirs, Fcntl.F_SETFD, FD_CLOEXEC);

        Path errFile = null;
        long pid;
        try {
            errFile = Files.createTempFile("purefuse-fusermount3-", ".stderr");
            List<SpawnFileAction> actions = new ArrayList<>();
            actions.add(SpawnFileAction.open("/dev/null", 0, LibC.O_RDONLY, 0));
            actions.add(SpawnFileAction.open("/dev/null", 1, LibC.O_WRONLY, 0));
            actions.add(SpawnFileAction.open(errFile.toString(), 2, LibC.O_WRONLY | LibC.O_TRUNC, 0600));
            actions.add(SpawnFileAction.dup(theirs, 3));
            // jnr's posix_spawnp would pass every non-CLOEXEC JVM fd (jars, /dev/urandom...) on.
            for (int fd : openFds()) {
                if (fd > 3) {
                    actions.add(SpawnFileAction.close(fd));
                }
            }
            List<String> argv = List.of(helper.toString(), "-o", options.fusermountOptions(), "--", mp.toString());
            List<String> envp = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                if (!e.getKey().equals("_FUSE_COMMFD")) {
                    envp.add(e.getKey() + "=" + e.getValue());
                }
            }
            envp.add("_FUSE_COMMFD=3");
            pid = posix.posix_spawnp(helper.toString(), actions, argv, envp);
        } catch (IOException | RuntimeException e) {
            posix.close(ours);
            posix.close(theirs);
            deleteQuietly(errFile);
            throw new MountException("cannot mount " + mp + ": cannot start " + helper + ": " + e.getMessage(), e);
        }
        posix.close(theirs);
        if (pid <= 0) {
            posix.close(ours);
            deleteQuietly(errFile);
            throw new MountException("cannot mount " + mp + ": cannot start " + helper + " (posix_spawnp failed)");
        }
        LOG.debug("spawned {} -o {} -- {} as pid {}", helper, options.fusermountOptions(), mp, pid);

        int fd;
        try {
            fd = receiveFd(ours, HELPER_TIMEOUT_MILLIS);
        } catch (MountException e) {
            posix.close(ours);
            waitForExit(pid, 1_000);
            deleteQuietly(errFile);
            throw new MountException("cannot mount " + mp + ": " + e.getMessage(), e.errno(), e);
        }
        if (fd < 0) {
            int status = waitForExit(pid, HELPER_TIMEOUT_MILLIS);
            posix.close(ours);
            String err = readQuietly(errFile);
            deleteQuietly(errFile);
            String msg = "cannot mount " + mp + ": " + FUSERMOUNT + " failed (" + describeStatus(status) + ")"
                    + (err.isEmpty() ? "" : ": " + err);
            if (err.contains("ermission denied") || err.contains("Operation not permitted")) {
                msg = "cannot mount " + mp + ": permission denied: " + err;
            }
            throw new MountException(msg);
        }
        long helperPid = -1;
        int commFd = -1;
        if (options.autoUnmount()) {
            helperPid = pid;
            commFd = ours;
        } else {
            int status = waitForExit(pid, HELPER_TIMEOUT_MILLIS);
            posix.close(ours);
            if (!(exited(status) && exitCode(status) == 0)) {
                LOG.warn("{} sent the fd for {} but then ended with {}: {}", FUSERMOUNT, mp,
                        describeStatus(status), readQuietly(errFile));
            }
        }
        deleteQuietly(errFile);
        MountTable.Entry entry = findOurEntry(mp);
        LOG.info("mounted {} ({}) via {}, fd {}", mp, options.fsType(), FUSERMOUNT, fd);
        return new FuseMount(this, fd, mp, options, Strategy.FUSERMOUNT3, entry, helperPid, commFd);
    }

    /** Waits for fusermount3's SCM_RIGHTS message; returns the fd, or -1 if it closed the socket first. */
    private static int receiveFd(int sock, long timeoutMillis) throws MountException {
        LibC libc = Native.libc();
        ByteBuffer pfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new MountException(FUSERMOUNT + " did not answer within " + timeoutMillis / 1000 + " s");
            }
            pfd.putInt(0, sock).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
            int n = libc.poll(pfd, 1, (int) Math.min(left, Integer.MAX_VALUE));
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Native.EINTR) {
                    continue;
                }
                throw new MountException("poll on the " + FUSERMOUNT + " socket failed: " + Native.describe(errno),
                        errno, null);
            }
            if (n > 0) {
                break;
            }
        }
        POSIX posix = Native.posix();
        while (true) {
            MsgHdr msg = posix.allocateMsgHdr();
            msg.setIov(new ByteBuffer[] {ByteBuffer.allocateDirect(8)});
            msg.allocateControl(4);
            int n = posix.recvmsg(sock, msg, MSG_CMSG_CLOEXEC);
            if (n < 0) {
                int errno = posix.errno();
                if (errno == Native.EINTR) {
                    continue;
                }
                throw new MountException("recvmsg on the " + FUSERMOUNT + " socket failed: "
                        + Native.describe(errno), errno, null);
            }
            if (n == 0) {
                return -1;
            }
            int fd = -1;
            CmsgHdr[] controls = msg.getControls();
            if (controls != null) {
                for (CmsgHdr c : controls) {
                    if (c.getLevel() == SOL_SOCKET && c.getType() == SCM_RIGHTS) {
                        // getData() is big-endian whatever the platform: the fd is in native order
                        ByteBuffer data = c.getData().order(ByteOrder.nativeOrder());
                        if (data.remaining() >= 4) {
                            fd = data.getInt(data.position());
                        }
                    }
                }
            }
            return fd;
        }
    }

    /** The fds open in this process right now, from /proc/self/fd. */
    static TreeSet<Integer> openFds() throws IOException {
        TreeSet<Integer> fds = new TreeSet<>();
        try (Stream<Path> s = Files.list(Paths.get("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    fds.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not an fd
                }
            });
        }
        return fds;
    }

    // --------------------------------------------------------------------------- mount(2)

    private FuseMount mountWithSyscall(Path mp, MountOptions options) throws MountException {
        if (options.autoUnmount()) {
            throw new IllegalStateException("auto_unmount is served by " + FUSERMOUNT + ", never by mount(2)");
        }
        LibC libc = Native.libc();
        POSIX posix = Native.posix();
        int fd = libc.open(DEV_FUSE.toString(), LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = Native.errno();
            if (errno == Native.EACCES || errno == Native.EPERM) {
                throw new MountException("cannot mount " + mp + ": permission denied opening " + DEV_FUSE, errno,
                        null);
            }
            throw new MountException("cannot mount " + mp + ": cannot open " + DEV_FUSE + ": "
                    + Native.describe(errno) + "; load the fuse module (modprobe fuse) and install fuse3 "
                    + "(apt-get install fuse3)", errno, null);
        }
        boolean ok = false;
        try {
            FileStat st = posix.allocateStat();
            if (posix.stat(mp.toString(), st) != 0) {
                int errno = posix.errno();
                throw new MountException("cannot mount " + mp + ": stat failed: " + Native.describe(errno), errno,
                        null);
            }
            int rootMode = st.mode() & S_IFMT;
            if (rootMode != S_IFDIR) {
                throw new MountException("mount point " + mp + " is not a directory");
            }
            String data = options.mountData(fd, rootMode, posix.getuid(), posix.getgid());
            if (libc.mount(options.fsname(), mp.toString(), options.fsType(), options.mountFlags(), data) != 0) {
                int errno = Native.errno();
                String why = switch (errno) {
                    case Native.EPERM, Native.EACCES -> "permission denied: mount(2) needs root (CAP_SYS_ADMIN)";
                    case Native.EINVAL -> "mount(2) rejected the options '" + data + "' (EINVAL)";
                    case Native.ENODEV -> "the kernel does not know file system type " + options.fsType()
                            + " (modprobe fuse)";
                    default -> "mount(2) failed: " + Native.describe(errno);
                };
                throw new MountException("cannot mount " + mp + ": " + why, errno, null);
            }
            ok = true;
        } finally {
            if (!ok) {
                libc.close(fd);
            }
        }
        MountTable.Entry entry = findOurEntry(mp);
        LOG.info("mounted {} ({}) via mount(2), fd {}", mp, options.fsType(), fd);
        return new FuseMount(this, fd, mp, options, Strategy.MOUNT_SYSCALL, entry, -1, -1);
    }

    private static MountTable.Entry findOurEntry(Path mp) {
        MountTable.Entry e = MountTable.find(mp).filter(MountTable.Entry::isFuse).orElse(null);
        if (e == null) {
            LOG.warn("mounted {} but cannot find it in {}", mp, MountTable.MOUNTINFO);
        }
        return e;
    }

    // --------------------------------------------------------------------------- processes

    /**
     * Waits up to {@code timeoutMillis} for child {@code pid} to exit, then kills it (SIGKILL) and
     * reaps it. Returns the wait status, or -1 if it could not be reaped (not our child).
     */
    static int waitForExit(long pid, long timeoutMillis) {
        POSIX posix = Native.posix();
        int[] status = new int[1];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long sleep = 1;
        while (true) {
            int r = posix.waitpid(pid, status, WNOHANG);
            if (r == pid) {
                return status[0];
            }
            if (r < 0) {
                if (posix.errno() == Native.EINTR) {
                    continue;
                }
                return -1;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("{} (pid {}) did not exit within {} ms; killing it", FUSERMOUNT, pid, timeoutMillis);
                posix.kill(pid, SIGKILL);
                r = posix.waitpid(pid, status, 0);
                return r == pid ? status[0] : -1;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                posix.kill(pid, SIGKILL);
                r = posix.waitpid(pid, status, 0);
                return r == pid ? status[0] : -1;
            }
            sleep = Math.min(sleep * 2, 50);
        }
    }

    static boolean exited(int status) {
        return status != -1 && (status & 0x7f) == 0;
    }

    static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    static String describeStatus(int status) {
        if (status == -1) {
            return "status unknown";
        }
        if (exited(status)) {
            return "exit " + exitCode(status);
        }
        return "killed by signal " + (status & 0x7f);
    }

    private static String readQuietly(Path file) {
        if (file == null) {
            return "";
        }
        try {
            return oneLine(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
