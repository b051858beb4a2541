package io.purefuse.backend.alluxio;

/**
 * Outcome of {@link AlluxioWorkerBackend#load}: bytes the worker cached, bytes it skipped
 * because they were cached already, and the file's length.
 */
public record LoadResult(long loadedBytes, long skippedBytes, long length) {}
