package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.membership.WorkerInfo;
import java.util.function.LongConsumer;

/**
 * What {@code location}, {@code load} and {@code stat} need from the Alluxio worker client: the
 * backend for listing, the worker owning a path, warming a file into its owner's cache, and how
 * much of a file is cached.
 */
interface ClusterClient extends AutoCloseable {
    /** The backend (for status and listings). */
    FileSystemBackend backend();

    /** The full UFS path the workers are asked for. */
    String ufsPath(AlluxioPath path);

    /** The worker that owns {@code path} on the ring now. */
    WorkerInfo ownerOf(AlluxioPath path) throws BackendException;

    /**
     * Loads {@code path} (a file) into its owner's cache, calling {@code progress} with the
     * number of bytes loaded so far as the worker reports it; returns the bytes loaded.
     */
    long load(AlluxioPath path, LongConsumer progress) throws BackendException;

    /** How much of file {@code path} the owning worker holds in its cache, 0 to 100. */
    int cachedPercentage(AlluxioPath path) throws BackendException;

    @Override
    void close();
}
