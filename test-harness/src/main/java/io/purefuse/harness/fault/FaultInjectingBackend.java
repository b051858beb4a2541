package io.purefuse.harness.fault;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.FileType;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps any {@link FileSystemBackend} and, while {@link #enabled(boolean) enabled}, makes a
 * random share of its calls misbehave in one of four ways ({@link Fault}): throw an unchecked
 * exception, throw a {@link BackendException} with a random code, sleep for {@link #slowFor}
 * before answering (to run past a per-operation deadline), or return garbage (a null, a status
 * of the wrong path and type with impossible numbers, an out-of-range read count). Reads on
 * streams it opened misbehave the same way. Thread safe; the random choices come from one seeded
 * generator so a failing run can be replayed (as far as thread scheduling allows).
 */
public final class FaultInjectingBackend implements FileSystemBackend {
    /** How a call misbehaves. */
    public enum Fault {
        RUNTIME_EXCEPTION,
        BACKEND_EXCEPTION,
        SLOW,
        GARBAGE
    }

    private static final ErrorCode[] CODES = ErrorCode.values();

    private final FileSystemBackend backend;
    private final Random random;
    private volatile boolean enabled;
    private volatile double probability = 0.3;
    private volatile Duration slowFor = Duration.ofMillis(300);
    private volatile Set<Fault> faults = Set.of(Fault.values());
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong calls = new AtomicLong();

    public FaultInjectingBackend(FileSystemBackend backend, long seed) {
        this.backend = backend;
        this.random = new Random(seed);
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    /** Turns injection on or off (off: a transparent wrapper). */
    public FaultInjectingBackend enabled(boolean on) {
        this.enabled = on;
        return this;
    }

    /** Share of calls that misbehave, 0..1 (default 0.3). */
    public FaultInjectingBackend probability(double p) {
        this.probability = p;
        return this;
    }

    /** How long a {@link Fault#SLOW} call sleeps before it goes on (default 300 ms). */
    public FaultInjectingBackend slowFor(Duration d) {
        this.slowFor = d;
        return this;
    }

    /** Which faults to draw from (default all). */
    public FaultInjectingBackend faults(Set<Fault> which) {
        this.faults = Set.copyOf(which);
        return this;
    }

    /** How many faults of {@code kind} were injected so far. */
    public long injected(Fault kind) {
        return injected.get(kind).get();
    }

    /** Calls seen (faulty or not). */
    public long calls() {
        return calls.get();
    }

    /**
     * Draws the fault for one call: throws for the exception kinds, sleeps for SLOW (then the
     * call proceeds normally) and returns true when the caller should return garbage.
     */
    private boolean strike(String op, Object path) throws BackendException {
        calls.incrementAndGet();
        if (!enabled) {
            return false;
        }
        Fault f;
        int code;
        synchronized (random) {
            if (random.nextDouble() >= probability) {
                return false;
            }
            Fault[] pool = faults.toArray(new Fault[0]);
            if (pool.length == 0) {
                return false;
            }
            java.util.Arrays.sort(pool);
            f = pool[random.nextInt(pool.length)];
            code = random.nextInt(CODES.length);
        }
        injected.get(f).incrementAndGet();
        switch (f) {
            case RUNTIME_EXCEPTION -> throw new IllegalStateException("injected failure in " + op + " " + path);
            case BACKEND_EXCEPTION -> throw new BackendException(CODES[code], String.valueOf(path),
                    "injected " + CODES[code] + " in " + op);
            case SLOW -> {
                try {
                    Thread.sleep(slowFor.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private int garbageInt() {
        synchronized (random) {
            return random.nextInt();
        }
    }

    /** A status that names another path, has the wrong type and impossible numbers; or null. */
    private FileStatus garbageStatus() {
        int g = garbageInt();
        if ((g & 3) == 0) {
            return null;
        }
        FileType type = FileType.values()[Math.floorMod(g, FileType.values().length)];
        try {
            return FileStatus.builder(AlluxioPath.of("/garbage/" + Integer.toHexString(g)), type)
                    .length(g % 2 == 0 ? -12345 : Long.MAX_VALUE).mode(g).nlink(-1).fileId(g)
                    .uid(-7).gid(Long.MAX_VALUE).lastModificationTimeNs(Long.MIN_VALUE).build();
        } catch (BackendException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return "faulty(" + backend.describe() + ")";
    }

    @Override
    public Set<Capability> capabilities() {
        return backend.capabilities();
    }

    @Override
    public String ufsPath(AlluxioPath path) {
        return backend.ufsPath(path);
    }

    @Override
    public FileStatus getStatus(AlluxioPath path) throws BackendException {
        return strike("getStatus", path) ? garbageStatus() : backend.getStatus(path);
    }

    @Override
    public boolean exists(AlluxioPath path) throws BackendException {
        return strike("exists", path) ? (garbageInt() & 1) == 0 : backend.exists(path);
    }

    @Override
    public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
        if (strike("listStatus", dir)) {
            FileStatus junk = garbageStatus();
            return new DirectoryListing() {
                private int left = 3;

                @Override
                public FileStatus next() {
                    return left-- > 0 ? junk : null;
                }

                @Override
                public long position() {
                    return 3 - left;
                }

                @Override
                public void close() {
                }
            };
        }
        return backend.listStatus(dir, options);
    }

    @Override
    public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
        FileStatus s = backend.createDirectory(path, options);
        return strike("createDirectory", path) ? garbageStatus() : s;
    }

    @Override
    public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
        if (strike("createFile", path)) {
            return null;
        }
        return backend.createFile(path, options);
    }

    @Override
    public FileInStream openFile(AlluxioPath path) throws BackendException {
        if (strike("openFile", path)) {
            return null;
        }
        FileInStream in = backend.openFile(path);
        return new FaultyIn(in, path);
    }

    @Override
    public RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException {
        if (strike("openForRandomWrite", path)) {
            return null;
        }
        return backend.openForRandomWrite(path);
    }

    @Override
    public int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
        if (strike("openBackingFd", path)) {
            return -1 - (garbageInt() & 0xffff);
        }
        return backend.openBackingFd(path, writable);
    }

    @Override
    public void closeBackingFd(int fd) {
        backend.closeBackingFd(fd);
    }

    @Override
    public String backingVersion(int fd) {
        return backend.backingVersion(fd);
    }

    @Override
    public boolean backingCurrent(AlluxioPath path, String version) throws BackendException {
        if (strike("backingCurrent", path)) {
            return false; // a wrong answer the VFS must survive (it answers ESTALE)
        }
        return backend.backingCurrent(path, version);
    }

    @Override
    public void delete(AlluxioPath path, boolean recursive) throws BackendException {
        strike("delete", path);
        backend.delete(path, recursive);
    }

    @Override
    public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
        strike("rename", src);
        backend.rename(src, dst, options);
    }

    @Override
    public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
        FileStatus s = backend.setAttributes(path, options);
        return strike("setAttributes", path) ? garbageStatus() : s;
    }

    @Override
    public FileStatus truncate(AlluxioPath path, long length) throws BackendException {
        FileStatus s = backend.truncate(path, length);
        return strike("truncate", path) ? garbageStatus() : s;
    }

    @Override
    public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
        FileStatus s = backend.createSymlink(path, target, options);
        return strike("createSymlink", path) ? garbageStatus() : s;
    }

    @Override
    public String readSymlink(AlluxioPath path) throws BackendException {
        return strike("readSymlink", path) ? null : backend.readSymlink(path);
    }

    @Override
    public Optional<SpaceInfo> getSpace() throws BackendException {
        if (strike("getSpace", "/")) {
            return (garbageInt() & 1) == 0 ? null : Optional.of(new SpaceInfo(-1, Long.MAX_VALUE, -5));
        }
        return backend.getSpace();
    }

    @Override
    public void close() throws BackendException {
        backend.close();
    }

    /** A reader whose reads fail, stall or report impossible counts like the backend's calls. */
    private final class FaultyIn implements FileInStream {
        private final FileInStream in;
        private final AlluxioPath path;

        FaultyIn(FileInStream in, AlluxioPath path) {
            this.in = in;
            this.path = path;
        }

        @Override
        public int read(long offset, ByteBuffer dst) throws BackendException {
            if (strike("read", path)) {
                int g = garbageInt();
                return (g & 1) == 0 ? dst.remaining() + 1 + (g >>> 20) : -2 - (g >>> 24);
            }
            return in.read(offset, dst);
        }

        @Override
        public long length() throws BackendException {
            return strike("length", path) ? -99 : in.length();
        }

        @Override
        public void close() throws BackendException {
            in.close();
        }
    }
}
