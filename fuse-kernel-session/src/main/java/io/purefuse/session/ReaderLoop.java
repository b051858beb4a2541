package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.session.device.DeviceChannel;
import io.purefuse.session.device.DeviceException;
import io.purefuse.wire.DecodeStatus;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.ReplyEncoder;
import io.purefuse.wire.RequestDecoder;
import io.purefuse.wire.RequestFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader thread: reads a request from its own channel, decodes it into a reused frame,
 * handles the session-level opcodes and hands the rest to the {@link Dispatcher}. Its request
 * buffer is reused for every read, so nothing is allocated per request on this path.
 */
final class ReaderLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderLoop.class);

    private final FuseSession session;
    private final SessionCore core;
    private final Dispatcher dispatcher;
    private final DeviceChannel channel;
    private final ByteBuf buffer;
    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame frame = new RequestFrame();
    private Request request;

    ReaderLoop(FuseSession session, SessionCore core, Dispatcher dispatcher, DeviceChannel channel, ByteBuf buffer) {
        this.session = session;
        this.core = core;
        this.dispatcher = dispatcher;
        this.channel = channel;
        this.buffer = buffer;
        this.request = new Request(core);
    }

    void negotiated(int minor, boolean setxattrExt) {
        decoder.setMinor(minor);
        decoder.setSetxattrExt(setxattrExt);
    }

    /** Reads one frame into the buffer; false at the end of the session. */
    boolean readFrame() throws DeviceException {
        buffer.clear();
        int n = channel.read(buffer);
        if (n == DeviceChannel.END_OF_SESSION) {
            return false;
        }
        core.recordRead(buffer);
        return true;
    }

    /** Decodes the frame in the buffer; answers it and returns null if it is not {@code OK}. */
    RequestFrame decode() {
        DecodeStatus status = decoder.decode(buffer, frame);
        switch (status) {
            case OK:
                return frame;
            case TOO_SHORT:
                LOG.warn("dropped a {}-byte frame: too short to carry a unique", buffer.readableBytes());
                return null;
            case UNKNOWN_OPCODE:
                if (LOG.isDebugEnabled()) {
                    LOG.debug("unknown opcode {} (unique {}): ENOSYS", frame.rawOpcode(), frame.unique());
                }
                answerRaw(frame.unique(), Errno.ENOSYS);
                return null;
            default:
                if (frame.opcode() != null && frame.opcode().noReply()) {
                    LOG.warn("malformed {} ignored: {}", frame.opcode(), frame.reason());
                } else {
                    LOG.warn("malformed {} (unique {}): {}", frame.opcode(), frame.unique(), frame.reason());
                    answerRaw(frame.unique(), frame.errno());
                }
                return null;
        }
    }

    /** Answers a request that never became a {@link Request} (bad frame, unknown opcode). */
    void answerRaw(long unique, int errno) {
        ByteBuf out = core.alloc().directBuffer(16);
        try {
            ReplyEncoder.error(out, unique, Request.replyErrno(errno));
            core.recordWritten(out, null);
            channel.write(out, null);
        } finally {
            out.release();
        }
    }

    @Override
    public void run() {
        try {
            TakeoverGate.Slot gate = session.gate().newSlot();
            ResentReplies resent = session.resentReplies();
            while (readFrame()) {
                if (!gate.enter()) {
                    // Stepping down for a successor: this request stays unanswered in the kernel's
                    // queue of this fd's file description until the successor's NOTIFY_RESEND.
                    LOG.debug("reader on fd {}: detached, left a request for the successor", channel.fd());
                    return;
                }
                try {
                    RequestFrame f = decode();
                    if (f != null && !(f.isResend() && resent != null && answerResent(f, resent))) {
                        handle(f);
                    }
                } finally {
                    gate.leave();
                }
            }
            LOG.debug("reader on fd {}: session ended", channel.fd());
        } catch (DeviceException e) {
            if (!session.isClosing()) {
                LOG.error("reader on fd {} stopped: {}", channel.fd(), e.getMessage());
            }
        } catch (Throwable t) {
            LOG.error("reader on fd {} died", channel.fd(), t);
        } finally {
            session.readerEnded();
        }
    }

    /**
     * A resent request that the previous server carried out: answers the reply it owed (with
     * the resent unique) and returns true; false to run the request again.
     */
    private boolean answerResent(RequestFrame f, ResentReplies resent) {
        if (f.opcode().noReply() || f.opcode() == Opcode.INTERRUPT) {
            return false;
        }
        byte[] reply = resent.replyFor(f.unique() & ~io.purefuse.wire.Flags.UNIQUE_RESEND);
        if (reply == null || reply.length < 16) {
            return false;
        }
        ByteBuf out = core.alloc().directBuffer(reply.length);
        try {
            out.writeBytes(reply);
            out.setLongLE(8, f.unique());
            core.recordWritten(out, null);
            int err = channel.write(out, null);
            if (err != 0 && err != Errno.ENOENT) {
                LOG.warn("replaying the owed reply to resent {} (unique {}) failed: {}", f.opcode(),
                        Long.toUnsignedString(f.unique()), Errno.name(err));
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("resent {} (unique {}) answered from the previous server's result", f.opcode(),
                        Long.toUnsignedString(f.unique()));
            }
        } finally {
            out.release();
        }
        return true;
    }

    private void handle(RequestFrame f) {
        Opcode op = f.opcode();
        RequestDebugLog debug = core.debug;
        if (debug != null && (op.noReply() || op == Opcode.INTERRUPT || op == Opcode.NOTIFY_REPLY)) {
            debug.noReply(f);
        }
        switch (op) {
            case FORGET, BATCH_FORGET -> {
                try {
                    dispatcher.forget(f);
                } catch (Throwable e) {
                    LOG.error("{} failed", op, e);
                }
                return;
            }
            case INTERRUPT -> {
                long target = f.interruptIn().unique();
                Request victim = core.inFlight.getOrRememberInterrupt(target, System.nanoTime());
                if (victim != null) {
                    victim.interrupt(target);
                }
                // Otherwise the target is still being decoded by another reader (it gets the
                // INTERRUPT when registered) or was already answered. No EAGAIN: written on this
                // fd it would be lost when the target came in on a cloned one.
                return;
            }
            case NOTIFY_REPLY -> {
                // Data for a RETRIEVE notification; we send none, and the kernel expects no reply.
                if (LOG.isDebugEnabled()) {
                    LOG.debug("NOTIFY_REPLY (unique {}) without a pending RETRIEVE ignored", f.unique());
                }
                return;
            }
            case INIT -> {
                LOG.warn("second INIT (unique {}) refused", f.unique());
                if (debug != null) {
                    debug.raw(f.unique(), op, Errno.EIO);
                }
                answerRaw(f.unique(), Errno.EIO);
                return;
            }
            case DESTROY -> {
                session.destroyFilesystem();
                if (debug != null) {
                    debug.raw(f.unique(), op, 0);
                }
                answerRaw(f.unique(), 0);
                return;
            }
            default -> { }
        }
        Request req = request;
        req.bind(channel, f.unique(), f.nodeid(), f.uid(), f.gid(), f.pid(), op, core.watchdogClock());
        if (debug != null) {
            debug.begin(req, f);
        }
        boolean interruptedEarly = core.inFlight.putAndTakeInterrupt(f.unique(), req);
        try {
            if (interruptedEarly && req.interruptBeforeDispatch()) {
                // Answered EINTR already: the caller's signal came before we even started.
            } else {
                dispatcher.dispatch(f, req);
            }
        } catch (FuseErrnoException e) {
            req.replyError(e.errno());
        } catch (Throwable t) {
            if (!req.isReplied()) {
                LOG.error("{} failed; answered EIO", req, t);
                req.replyError(Errno.EIO);
            } else {
                LOG.error("{} threw after replying", req, t);
            }
        }
        if (!req.repliedBy(Thread.currentThread())) {
            // Answered (or still to be answered) elsewhere: whoever holds it may still reply,
            // and that reply must hit an answered request, not the next one. Use a new object.
            request = new Request(core);
        }
    }
}
