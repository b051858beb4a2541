/**
 * The client-side data cache ({@code alluxio.user.client.cache.*}): whole files read from
 * workers kept on local disk, bounded with LRU eviction, keyed by the file's identity as the
 * worker reports it so that a changed file is never served from an old copy, and handed to the
 * kernel as FUSE passthrough backing files on later opens. See docs/CLIENT-CACHE.md.
 */
package io.purefuse.backend.cache;
