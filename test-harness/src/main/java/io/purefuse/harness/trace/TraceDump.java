package io.purefuse.harness.trace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.DecodeStatus;
import io.purefuse.wire.InitFlags;
import io.purefuse.wire.NotifyCode;
import io.purefuse.wire.Opcode;
import io.purefuse.wire.Protocol;
import io.purefuse.wire.RequestDecoder;
import io.purefuse.wire.RequestFrame;
import io.purefuse.wire.debug.JsonOut;
import io.purefuse.wire.debug.StructPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code fuse-trace dump TRACE}: prints one JSON object per frame and line, in file order.
 * Requests: {"i","dir":"req","unique","opcode","nodeid","len","fields"}; replies:
 * {"i","dir":"rep","unique","opcode" (of the request with that unique),"error","len","fields"};
 * notifications (unique 0, error &gt; 0) have opcode "NOTIFY_&lt;CODE&gt;". Struct sizes follow the
 * minor negotiated by the trace's INIT pair. Undecodable frames print "error_decoding".
 */
public final class TraceDump {
    static final String USAGE = String.join("\n",
        "usage: fuse-trace dump TRACE",
        "       fuse-trace --help",
        "",
        "Prints each frame of a purefuse conformance trace as one JSON object per line:",
        "  requests:      {\"i\":N,\"dir\":\"req\",\"unique\":U,\"opcode\":\"LOOKUP\",\"nodeid\":N,\"len\":L,\"fields\":{...}}",
        "  replies:       {\"i\":N,\"dir\":\"rep\",\"unique\":U,\"opcode\":\"LOOKUP\",\"error\":E,\"len\":L,\"fields\":{...}}",
        "  notifications: {\"i\":N,\"dir\":\"rep\",\"unique\":0,\"opcode\":\"NOTIFY_INVAL_ENTRY\",\"error\":3,...}",
        "A frame that does not decode carries \"error_decoding\":\"<reason>\".",
        "Trace format: per frame 1 byte direction (0 request, 1 reply/notification), u32 LE length, bytes.");

    private static final class Pending {
        final Opcode op;
        final boolean xattrSizeQuery;
        final int initMinor;

        Pending(Opcode op, boolean xattrSizeQuery, int initMinor) {
            this.op = op;
            this.xattrSizeQuery = xattrSizeQuery;
            this.initMinor = initMinor;
        }
    }

    private final RequestDecoder decoder = new RequestDecoder();
    private final RequestFrame frame = new RequestFrame();
    private final Map<Long, Pending> pending = new HashMap<>();
    private int minor = Protocol.KERNEL_MINOR_VERSION;

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(USAGE);
            return;
        }
        if (!args[0].equals("dump") || args.length != 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path path = Paths.get(args[1]);
        if (!Files.isReadable(path)) {
            System.err.println("fuse-trace: cannot read " + path);
            System.exit(1);
        }
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(System.out, 1 << 16), false);
        try (InputStream in = Files.newInputStream(path)) {
            new TraceDump().dump(in, out);
        } catch (IOException e) {
            out.flush();
            System.err.println("fuse-trace: " + e);
            System.exit(1);
        }
        out.flush();
    }

    /** Dumps every frame of {@code in} to {@code out}, one line each. */
    public void dump(InputStream in, Appendable out) throws IOException {
        TraceReader reader = new TraceReader(in);
        StringBuilder sb = new StringBuilder(256);
        TraceReader.Frame f;
        while ((f = reader.next()) != null) {
            sb.setLength(0);
            line(sb, f);
            out.append(sb).append('\n');
        }
    }

    /** Convenience: the dump of a trace file as a string. */
    public static String dump(Path path) {
        StringBuilder sb = new StringBuilder();
        try (InputStream in = Files.newInputStream(path)) {
            new TraceDump().dump(in, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    void line(StringBuilder sb, TraceReader.Frame f) {
        JsonOut j = new JsonOut(sb).open();
        j.i32("i", f.index());
        String dir = f.direction() == TraceWriter.REQUEST ? "req" : f.direction() == TraceWriter.REPLY ? "rep" : null;
        if (dir == null) {
            j.i32("dir", f.direction()).str("error_decoding", "unknown direction").close();
            return;
        }
        j.str("dir", dir);
        if (f.truncated()) {
            j.str("error_decoding", f.declaredLength() < 0 ? "truncated frame: length field cut short"
                : "truncated frame: " + f.bytes().length + " of " + f.declaredLength() + " bytes").close();
            return;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(f.bytes());
        if (f.isRequest()) {
            request(j, buf);
        } else {
            reply(j, buf);
        }
        j.close();
    }

    private void request(JsonOut j, ByteBuf buf) {
        DecodeStatus s = decoder.decode(buf, frame);
        if (s == DecodeStatus.TOO_SHORT) {
            j.i32("len", buf.readableBytes()).str("error_decoding", frame.reason());
            return;
        }
        j.u64("unique", frame.unique());
        Opcode op = frame.opcode();
        if (op != null) {
            j.str("opcode", op.name());
        } else {
            j.str("opcode", "UNKNOWN_" + Integer.toUnsignedString(frame.rawOpcode()));
        }
        if (buf.readableBytes() >= Protocol.IN_HEADER_SIZE) {
            j.u64("nodeid", frame.nodeid());
        }
        j.u32("len", frame.len());
        if (s != DecodeStatus.OK) {
            j.str("error_decoding", frame.reason());
            return;
        }
        j.key("fields");
        StructPrinter.request(j.builder(), frame);
        if (!op.noReply() && op != Opcode.INTERRUPT) {
            boolean sizeQuery = (op == Opcode.GETXATTR || op == Opcode.LISTXATTR) && frame.getxattrIn().size() == 0;
            int initMinor = op == Opcode.INIT ? frame.initIn().minor() : -1;
            pending.put(frame.unique(), new Pending(op, sizeQuery, initMinor));
        }
    }

    private void reply(JsonOut j, ByteBuf buf) {
        int n = buf.readableBytes();
        if (n < Protocol.OUT_HEADER_SIZE) {
            j.i32("len", n).str("error_decoding", "reply shorter than fuse_out_header");
            return;
        }
        int len = buf.getIntLE(0);
        int error = buf.getIntLE(4);
        long unique = buf.getLongLE(8);
        j.u64("unique", unique);
        if (unique == 0 && error > 0) {
            NotifyCode code = NotifyCode.of(error);
            j.str("opcode", code != null ? "NOTIFY_" + code.name() : "NOTIFY_" + error).i32("error", error).u32("len", len);
            if (len != n) {
                j.str("error_decoding", "header len differs from the frame length");
                return;
            }
            fields(j, () -> StructPrinter.notification(j.builder(), buf, 0, n));
            return;
        }
        Pending p = pending.remove(unique);
        Opcode op = p == null ? null : p.op;
        j.str("opcode", op == null ? null : op.name()).i32("error", error).u32("len", len);
        if (len != n) {
            j.str("error_decoding", "header len differs from the frame length");
            return;
        }
        int replyMinor = minor;
        if (op == Opcode.INIT && error == 0 && n >= Protocol.OUT_HEADER_SIZE + 8) {
            int major = buf.getIntLE(16);
            int theirs = buf.getIntLE(20);
            if (major == Protocol.KERNEL_VERSION) {
                minor = Math.min(p.initMinor >= 0 ? p.initMinor : theirs, theirs);
                replyMinor = minor;
                boolean ext = n >= Protocol.OUT_HEADER_SIZE + 16
                    && (buf.getIntLE(16 + 12) & InitFlags.SETXATTR_EXT) != 0;
                decoder.setMinor(minor);
                decoder.setSetxattrExt(ext);
            }
        }
        final int m = replyMinor;
        fields(j, () -> StructPrinter.reply(j.builder(), op, m, p != null && p.xattrSizeQuery, buf, 0, n));
    }

    /** Appends "fields":{...}, or "error_decoding" when the struct does not decode. */
    private static void fields(JsonOut j, Runnable printer) {
        StringBuilder sb = j.builder();
        int mark = sb.length();
        j.key("fields");
        try {
            printer.run();
        } catch (StructPrinter.MalformedException | IndexOutOfBoundsException e) {
            sb.setLength(mark);
            j.str("error_decoding", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
