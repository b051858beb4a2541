package io.purefuse.vfs;

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
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.backend.UnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a deadline on every call of the wrapped backend's namespace and open methods
 * ({@code purefuse.fuse.backend.timeout}, {@link VfsOptions#backendTimeout(Duration)}).
 *
 * <p>Contract: a call that has not returned within the deadline fails with
 * {@link UnavailableException} {@link ErrorCode#TIMED_OUT} (ETIMEDOUT to the FUSE caller); the
 * call itself keeps running on its worker thread and its late result is discarded safely: a
 * stream, handle, listing or backing fd it returns is closed, an exception it throws is dropped.
 * A mutation that times out may still take effect afterwards (as over NFS): the caller only
 * learns that it did not complete in time. Reads and writes on already open streams are not
 * wrapped (they run on the reader thread; the session's request watchdog,
 * {@code purefuse.fuse.request.timeout}, bounds those).
 *
 * <p>The worker pool is unbounded and its threads are daemons, so a hung store costs one parked
 * thread per timed-out call, never a blocked reader thread.
 */
final class DeadlineBackend implements FileSystemBackend {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineBackend.class);

    private final FileSystemBackend backend;
    private final long deadlineNs;
    private final ExecutorService pool;
    private final AtomicLong timedOut = new AtomicLong();

    @FunctionalInterface
    private interface Call<T> {
        T run() throws BackendException;
    }

    DeadlineBackend(FileSystemBackend backend, Duration deadline) {
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("backend deadline must be positive: " + deadline);
        }
        this.backend = backend;
        this.deadlineNs = deadline.toNanos();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backend-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Wraps {@code backend} when {@code deadline} is positive, else returns it unchanged. */
    static FileSystemBackend wrap(FileSystemBackend backend, Duration deadline) {
        return deadline == null || deadline.isZero() ? backend : new DeadlineBackend(backend, deadline);
    }

    /** Calls that missed their deadline so far. */
    long timedOut() {
        return timedOut.get();
    }

    private <T> T call(String op, Object path, Call<T> c, Consumer<T> discard) throws BackendException {
        CompletableFuture<T> f = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                f.complete(c.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(deadlineNs, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut.incrementAndGet();
            // Whatever arrives later belongs to nobody: close it instead of leaking it.
            f.whenComplete((late, err) -> {
                if (late != null && discard != null) {
                    try {
                        discard.accept(late);
                    } catch (RuntimeException ex) {
                        LOG.debug("closing the late result of {} failed", op, ex);
                    }
                }
                LOG.info("late {} of {} finished after its deadline ({}); result discarded", op, path,
                        err == null ? "ok" : err.toString());
            });
            LOG.warn("{} of {} exceeded the backend deadline of {} ms: ETIMEDOUT", op, path,
                    TimeUnit.NANOSECONDS.toMillis(deadlineNs));
            throw new UnavailableException(ErrorCode.TIMED_OUT, String.valueOf(path),
                    op + " exceeded the backend deadline", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(ErrorCode.INTERRUPTED, String.valueOf(path), op + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BackendException b) {
                throw b;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new BackendException(ErrorCode.IO_ERROR, String.valueOf(path), op + " failed", cause);
        }
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // a late result nobody waits for: nothing to report to
        }
    }

    @Override
    public String describe() {
        return backend.describe();
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
        return call("getStatus", path, () -> backend.getStatus(path), null);
    }

    @Override
    public boolean exists(AlluxioPath path) throws BackendException {
        return call("exists", path, () -> backend.exists(path), null);
    }

    @Override
    public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
        return call("listStatus", dir, () -> backend.listStatus(dir, options), DeadlineBackend::quietly);
    }

    @Override
    public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
        return call("createDirectory", path, () -> backend.createDirectory(path, options), null);
    }

    @Override
    public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
        return call("createFile", path, () -> backend.createFile(path, options), DeadlineBackend::cancelQuietly);
    }

    private static void cancelQuietly(FileOutStream out) {
        try {
            out.cancel();
        } catch (Exception e) {
            quietly(out);
        }
    }

    @Override
    public FileInStream openFile(AlluxioPath path) throws BackendException {
        return call("openFile", path, () -> backend.openFile(path), DeadlineBackend::quietly);
    }

    @Override
    public RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException {
        return call("openForRandomWrite", path, () -> backend.openForRandomWrite(path), DeadlineBackend::quietly);
    }

    @Override
    public int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
        return call("openBackingFd", path, () -> backend.openBackingFd(path, writable), backend::closeBackingFd);
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
        return call("backingCurrent", path, () -> backend.backingCurrent(path, version), null);
    }

    @Override
    public void delete(AlluxioPath path, boolean recursive) throws BackendException {
        call("delete", path, () -> {
            backend.delete(path, recursive);
            return Boolean.TRUE;
        }, null);
    }

    @Override
    public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
        call("rename", src, () -> {
            backend.rename(src, dst, options);
            return Boolean.TRUE;
        }, null);
    }

    @Override
    public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
        return call("setAttributes", path, () -> backend.setAttributes(path, options), null);
    }

    @Override
    public FileStatus truncate(AlluxioPath path, long length) throws BackendException {
        return call("truncate", path, () -> backend.truncate(path, length), null);
    }

    @Override
    public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
        return call("createSymlink", path, () -> backend.createSymlink(path, target, options), null);
    }

    @Override
    public String readSymlink(AlluxioPath path) throws BackendException {
        return call("readSymlink", path, () -> backend.readSymlink(path), null);
    }

    @Override
    public Optional<SpaceInfo> getSpace() throws BackendException {
        return call("getSpace", "/", backend::getSpace, null);
    }

    /** Stops the worker pool; the wrapped backend is closed by its owner. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
