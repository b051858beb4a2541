package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.purefuse.session.device.DeviceChannel;
import io.purefuse.wire.DecodeStatus;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.RequestDecoder;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.init.NegotiatedInit;

/**
 * Runs recorded request frames through a {@link LowLevelFilesystem} without a kernel, to rebuild
 * the state of a filesystem whose state is a function of the requests it carried out (MemFs: a
 * successor replays its predecessor's {@link RequestJournal}). Each frame is decoded and
 * dispatched exactly as the session would; the reply the filesystem gives before the method
 * returns is captured and handed back (so that a resent request can get the answer its first
 * run produced), never written anywhere.
 *
 * <p>Single threaded; the filesystem must answer synchronously (an answer given later from
 * another thread is dropped).
 */
public final class RequestReplay {
    private final SessionCore core;
    private final Dispatcher dispatcher;
    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame frame = new RequestFrame();
    private final CaptureChannel channel = new CaptureChannel();

    public RequestReplay(LowLevelFilesystem fs, NegotiatedInit negotiated) {
        this.core = new SessionCore(PooledByteBufAllocator.DEFAULT, null, false);
        core.minor(negotiated.minor());
        decoder.setMinor(negotiated.minor());
        decoder.setSetxattrExt(negotiated.has(InitFlags.SETXATTR_EXT));
        this.dispatcher = new Dispatcher(fs);
    }

    /**
     * Carries out one recorded request (the readable bytes of {@code frame}; indexes unchanged).
     * Returns the reply frame the filesystem gave, or null (no reply: FORGET, an asynchronous
     * answer, a frame that does not decode, or a session-level opcode such as INIT).
     */
    public byte[] replay(ByteBuf frame) {
        ByteBuf f = frame.duplicate();
        if (decoder.decode(f, this.frame) != DecodeStatus.OK) {
            return null;
        }
        RequestFrame r = this.frame;
        Opcode op = r.opcode();
        switch (op) {
            case FORGET, BATCH_FORGET -> {
                dispatcher.forget(r);
                return null;
            }
            case INIT, INTERRUPT, DESTROY, NOTIFY_REPLY -> {
                return null;
            }
            default -> { }
        }
        channel.captured = null;
        Request req = new Request(core);
        req.bind(channel, r.unique(), r.nodeid(), r.uid(), r.gid(), r.pid(), op, 0);
        try {
            dispatcher.dispatch(r, req);
        } catch (FuseErrnoException e) {
            req.replyError(e.errno());
        } catch (RuntimeException e) {
            if (!req.isReplied()) {
                req.replyError(io.purefuse.wire.Errno.EIO);
            }
        }
        byte[] out = channel.captured;
        channel.captured = null;
        return out;
    }

    /** Keeps the bytes of the last frame written. */
    private static final class CaptureChannel implements DeviceChannel {
        byte[] captured;

        @Override
        public int read(ByteBuf dst) {
            return END_OF_SESSION;
        }

        @Override
        public int write(ByteBuf header, ByteBuf data) {
            int h = header.readableBytes();
            int d = data == null ? 0 : data.readableBytes();
            byte[] b = new byte[h + d];
            header.getBytes(header.readerIndex(), b, 0, h);
            if (d > 0) {
                data.getBytes(data.readerIndex(), b, h, d);
            }
            captured = b;
            return 0;
        }

        @Override
        public DeviceChannel cloneChannel() {
            return null;
        }

        @Override
        public int fd() {
            return -1;
        }

        @Override
        public void close() {
        }
    }
}
