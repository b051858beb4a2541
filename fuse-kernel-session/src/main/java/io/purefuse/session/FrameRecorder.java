package io.purefuse.session;

import io.netty.buffer.ByteBuf;

/**
 * Sees every frame that crosses the device: for conformance traces and debugging. Called on
 * reader and replying threads concurrently; implementations must be thread safe. Buffers are
 * borrowed: read them with absolute getters or a duplicate, never move their indexes.
 */
public interface FrameRecorder extends AutoCloseable {
    /** A request as read from the device (readable bytes of {@code frame}). */
    void read(ByteBuf frame);

    /** A reply or notification as written: {@code header} then {@code data} (may be null). */
    void written(ByteBuf header, ByteBuf data);

    @Override
    void close();
}
