package io.purefuse.session;

import io.netty.buffer.ByteBuf;
import io.purefuse.wire.Errno;
import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.EntryOut;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The smallest useful filesystem: a root directory holding "hello", plus a name "slow" whose
 * LOOKUP never answers by itself (a synchronous request: the kernel INTERRUPTs it when the caller
 * gets a signal; background requests such as async reads are never interrupted).
 */
final class HelloFs implements LowLevelFilesystem {
    static final byte[] CONTENT = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    static final long HELLO = 2;
    static final long SLOW = 3;
    final CountDownLatch slowReadStarted = new CountDownLatch(1);
    volatile boolean slowReadInterrupted;

    private static void fill(Attr a, long ino) {
        a.ino(ino);
        if (ino == 1) {
            a.mode(0040755);
            a.nlink(2);
        } else {
            a.mode(0100644);
            a.nlink(1);
            a.size(ino == HELLO ? CONTENT.length : 1 << 20);
        }
        a.blksize(4096);
    }

    @Override
    public void lookup(Request req, long parent, String name) {
        if (parent == 1 && name.equals("slow")) {
            req.onInterrupt(() -> {
                slowReadInterrupted = true;
                req.replyError(Errno.EINTR);
            });
            slowReadStarted.countDown();
            return;
        }
        long ino = parent != 1 ? 0 : name.equals("hello") ? HELLO : name.equals("slow") ? SLOW : 0;
        if (ino == 0) {
            req.replyError(Errno.ENOENT);
            return;
        }
        EntryOut e = req.entry();
        e.nodeid(ino);
        e.generation(1);
        fill(e.attr(), ino);
        req.replyEntry(e);
    }

    @Override
    public void getattr(Request req, long nodeid, long fh) {
        Attr a = req.attr();
        fill(a, nodeid);
        req.replyAttr(a, 1_000_000_000L);
    }

    @Override
    public void open(Request req, long nodeid, int flags) {
        req.replyOpen(nodeid, 0);
    }

    @Override
    public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
        int from = (int) Math.min(offset, CONTENT.length);
        int n = Math.min(size, CONTENT.length - from);
        ByteBuf data = req.alloc().directBuffer(n);
        data.writeBytes(CONTENT, from, n);
        req.replyData(data);
    }

    @Override
    public void readdir(Request req, long nodeid, long fh, long offset, int size) {
        DirectoryReply d = req.directoryReply(size);
        String[] names = {".", "..", "hello"};
        long[] inos = {1, 1, HELLO};
        for (int i = (int) offset; i < names.length; i++) {
            if (!d.add(names[i], inos[i], i < 2 ? 4 : 8, i + 1)) {
                break;
            }
        }
        d.send();
    }
}
