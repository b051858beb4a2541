/**
 * The worker's page cache: fixed-size pages of under-store files, in memory or on local disk,
 * bounded by capacity with caffeine's eviction, valid for one version (inode, mtime, length) of a
 * file and dropped when the file changes.
 */
package io.purefuse.worker.cache;
