package io.purefuse.wire.init;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Saves and restores {@link NegotiatedInit}, so that a server taking over a live mount knows what
 * its predecessor agreed with the kernel: the kernel sends INIT only once per connection.
 *
 * <p>Format (little-endian, {@value #SIZE} bytes): u32 magic {@code "FIN1"}, then major, minor,
 * offered flags (u64), flags (u64), max_readahead, max_write, max_pages, max_background,
 * congestion_threshold, time_gran, max_stack_depth, request_timeout, map_alignment (u32 each).
 * {@link #toHex}/{@link #fromHex} wrap it in a string for command lines and line protocols.
 */
public final class NegotiatedInitCodec {
    /** Encoded size in bytes. */
    public static final int SIZE = 4 + 8 + 16 + 9 * 4;
    private static final int MAGIC = 0x314e4946; // "FIN1"

    private NegotiatedInitCodec() {
    }

    /** Encodes a negotiated (kind OK) INIT. */
    public static byte[] encode(NegotiatedInit n) {
        if (!n.ok()) {
            throw new IllegalArgumentException("only a completed negotiation can be saved: " + n.kind());
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(n.major()).putInt(n.minor());
        b.putLong(n.offeredFlags()).putLong(n.flags());
        b.putInt(n.maxReadahead()).putInt(n.maxWrite()).putInt(n.maxPages()).putInt(n.maxBackground())
                .putInt(n.congestionThreshold()).putInt(n.timeGran()).putInt(n.maxStackDepth())
                .putInt(n.requestTimeout()).putInt(n.mapAlignment());
        return b.array();
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a saved negotiation
     */
    public static NegotiatedInit decode(byte[] bytes) {
        if (bytes == null || bytes.length != SIZE) {
            throw new IllegalArgumentException("saved INIT parameters must be " + SIZE + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) {
            throw new IllegalArgumentException("not saved INIT parameters (bad magic)");
        }
        int major = b.getInt();
        int minor = b.getInt();
        long offered = b.getLong();
        long flags = b.getLong();
        return new NegotiatedInit(NegotiatedInit.Kind.OK, major, minor, offered, flags, b.getInt(), b.getInt(),
                b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
    }

    public static String toHex(NegotiatedInit n) {
        return HexFormat.of().formatHex(encode(n));
    }

    /** @throws IllegalArgumentException for anything but the output of {@link #toHex} */
    public static NegotiatedInit fromHex(String hex) {
        return decode(HexFormat.of().parseHex(hex.strip()));
    }
}
