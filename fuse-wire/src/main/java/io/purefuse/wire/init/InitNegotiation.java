package io.purefuse.wire.init;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Errno;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.Protocol;
import io.purefuse.wire.ReplyEncoder;
import io.purefuse.wire.in.InitIn;

/** INIT negotiation: pure functions from the kernel's offer and the server's wishes. */
public final class InitNegotiation {
    private InitNegotiation() {
    }

    /** Negotiates from a decoded INIT request. */
    public static NegotiatedInit negotiate(InitIn offer, InitOptions wanted) {
        return negotiate(offer.major(), offer.minor(), offer.maxReadahead(), offer.flags64(), wanted);
    }

    /**
     * Negotiates from raw offer values.
     *
     * @param offeredFlags flags | flags2 &lt;&lt; 32 (flags2 only when the offer has INIT_EXT)
     */
    public static NegotiatedInit negotiate(int major, int minor, int maxReadahead, long offeredFlags,
                                           InitOptions wanted) {
        if (major < Protocol.KERNEL_VERSION) {
            return new NegotiatedInit(NegotiatedInit.Kind.UNSUPPORTED_MAJOR, major, minor,
                offeredFlags, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        if (major > Protocol.KERNEL_VERSION) {
            return new NegotiatedInit(NegotiatedInit.Kind.NEWER_MAJOR, Protocol.KERNEL_VERSION,
                Protocol.KERNEL_MINOR_VERSION, offeredFlags, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        int useMinor = Integer.compareUnsigned(minor, Protocol.KERNEL_MINOR_VERSION) < 0
            ? minor : Protocol.KERNEL_MINOR_VERSION;
        long offered = offeredFlags;
        if ((offered & InitFlags.INIT_EXT) == 0) {
            offered &= 0xffffffffL;
        }
        long flags = wanted.flags() & offered & ~InitFlags.INIT_RESERVED;
        if ((offered & InitFlags.INIT_EXT) != 0) {
            flags |= InitFlags.INIT_EXT;
        } else {
            flags &= 0xffffffffL & ~InitFlags.INIT_EXT;
        }

        long ra = wanted.maxReadahead() < 0 ? Integer.toUnsignedLong(maxReadahead)
            : Math.min(wanted.maxReadahead(), Integer.toUnsignedLong(maxReadahead));
        int readahead = (int) Math.min(ra, 0xffffffffL);

        int maxWrite = Math.max(wanted.maxWrite(), Protocol.PAGE_SIZE);
        int maxPages;
        if ((flags & InitFlags.MAX_PAGES) != 0) {
            maxPages = wanted.maxPages() > 0 ? wanted.maxPages()
                : (int) ((maxWrite + (long) Protocol.PAGE_SIZE - 1) / Protocol.PAGE_SIZE);
            maxPages = Math.max(1, Math.min(maxPages, Protocol.MAX_MAX_PAGES));
        } else {
            maxPages = Protocol.DEFAULT_MAX_PAGES;
        }
        maxWrite = (int) Math.min(maxWrite, (long) maxPages * Protocol.PAGE_SIZE);

        int maxBackground = Math.max(1, Math.min(wanted.maxBackground(), 0xffff));
        int congestion = wanted.congestionThreshold() >= 0 ? wanted.congestionThreshold()
            : maxBackground * 3 / 4;
        congestion = Math.max(0, Math.min(congestion, 0xffff));
        int stack = (flags & InitFlags.PASSTHROUGH) != 0 ? wanted.maxStackDepth() : 0;
        int timeout = (flags & InitFlags.REQUEST_TIMEOUT) != 0
            ? Math.max(0, Math.min(wanted.requestTimeout(), 0xffff)) : 0;
        int align = (flags & InitFlags.MAP_ALIGNMENT) != 0 ? wanted.mapAlignment() : 0;
        return new NegotiatedInit(NegotiatedInit.Kind.OK, Protocol.KERNEL_VERSION, useMinor,
            offeredFlags, flags, readahead, maxWrite, maxPages, maxBackground, congestion,
            wanted.timeGran(), stack, timeout, align);
    }

    /**
     * Encodes the INIT reply: an EPROTO error for an older major, only {7, 45} for a newer
     * major, else fuse_init_out sized for the negotiated minor (8, 24 or 64 bytes).
     */
    public static int encodeReply(ByteBuf out, long unique, NegotiatedInit n) {
        switch (n.kind()) {
            case UNSUPPORTED_MAJOR:
                return ReplyEncoder.error(out, unique, Errno.EPROTO);
            case NEWER_MAJOR: {
                int s = ReplyEncoder.begin(out, unique, 0);
                out.writeIntLE(Protocol.KERNEL_VERSION);
                out.writeIntLE(Protocol.KERNEL_MINOR_VERSION);
                out.writeZero(Protocol.INIT_OUT_SIZE - 8);
                return ReplyEncoder.finish(out, s);
            }
            default:
                break;
        }
        int s = ReplyEncoder.begin(out, unique, 0);
        int size = Protocol.initOutSize(n.minor());
        int bodyStart = out.writerIndex();
        out.writeIntLE(n.major());
        out.writeIntLE(n.minor());
        if (size > Protocol.COMPAT_INIT_OUT_SIZE) {
            out.writeIntLE(n.maxReadahead());
            out.writeIntLE((int) n.flags());
            out.writeShortLE(n.maxBackground());
            out.writeShortLE(n.congestionThreshold());
            out.writeIntLE(n.maxWrite());
        }
        if (size > Protocol.COMPAT_22_INIT_OUT_SIZE) {
            out.writeIntLE(n.timeGran());
            out.writeShortLE(n.has(InitFlags.MAX_PAGES) ? n.maxPages() : 0);
            out.writeShortLE(n.mapAlignment());
            out.writeIntLE(n.has(InitFlags.INIT_EXT) ? (int) (n.flags() >>> 32) : 0);
            out.writeIntLE(n.maxStackDepth());
            out.writeShortLE(n.requestTimeout());
            out.writeZero(size - (out.writerIndex() - bodyStart));
        }
        return ReplyEncoder.finish(out, s);
    }
}
