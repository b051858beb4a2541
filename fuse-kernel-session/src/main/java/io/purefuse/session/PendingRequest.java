package io.purefuse.session;

import io.purefuse.wire.Opcode;

/**
 * A request the filesystem has not answered yet (see {@link FuseSession#pendingRequests}).
 *
 * @param unique the kernel's id of the request
 * @param opcode what it asks
 * @param nodeid the inode it is about
 * @param pid the calling process
 * @param ageNanos how long it has been waiting
 */
public record PendingRequest(long unique, Opcode opcode, long nodeid, int pid, long ageNanos) {}
