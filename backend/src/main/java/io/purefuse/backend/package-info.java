/**
 * The storage SPI of purefuse: {@link io.purefuse.backend.FileSystemBackend}, a synchronous,
 * thread-safe, path-based ({@link io.purefuse.backend.AlluxioPath}) view of one Alluxio-shaped
 * namespace, with streaming listings ({@link io.purefuse.backend.DirectoryListing}), sequential
 * create-then-complete writers ({@link io.purefuse.backend.FileOutStream}), positional readers
 * ({@link io.purefuse.backend.FileInStream}), optional random-access handles and a single checked
 * failure type ({@link io.purefuse.backend.BackendException}) whose
 * {@link io.purefuse.backend.ErrorCode} maps 1:1 to an errno. {@link io.purefuse.backend.Backends}
 * builds an implementation from Alluxio properties; {@code io.purefuse.backend.local} holds the
 * local-directory under store.
 */
package io.purefuse.backend;
