/**
 * Fault injection for reliability tests: {@link io.purefuse.harness.fault.FaultInjectingBackend}
 * wraps any storage backend and makes its calls fail, hang or lie, and
 * {@link io.purefuse.harness.fault.ReplyCounter} checks on the wire that every kernel request
 * got exactly one reply.
 */
package io.purefuse.harness.fault;
