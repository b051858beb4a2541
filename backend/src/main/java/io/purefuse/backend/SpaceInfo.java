package io.purefuse.backend;

/**
 * Capacity of the store in bytes, for {@code statfs}. Immutable.
 *
 * @param capacityBytes total size
 * @param usedBytes bytes in use
 * @param availableBytes bytes an unprivileged writer can still use (may be less than
 *     {@code capacity - used} when the store reserves space)
 */
public record SpaceInfo(long capacityBytes, long usedBytes, long availableBytes) {}
