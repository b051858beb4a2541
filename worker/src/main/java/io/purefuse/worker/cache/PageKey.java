package io.purefuse.worker.cache;

/** One page of one version of a file: bytes {@code [index * pageSize, ...)}. */
record PageKey(String file, FileVersion version, long index) {}
