package io.purefuse.session;

import io.purefuse.session.takeover.SupervisedServer;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Flags;
import io.purefuse.wire.out.EntryOut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A supervised server process for {@link TakeoverMountTest}: {@link HelloFs} plus names whose
 * LOOKUP it holds, and a marker file (in {@code $PROBE_DIR}) for every such LOOKUP it reads:
 * {@code g<generation>-<name>-<unique as unsigned hex>}.
 *
 * <ul>
 *   <li>{@code held-*}: generation 0 never answers; later generations answer with "hello".</li>
 *   <li>{@code intr-*}: never answered except EINTR when interrupted (marker
 *   {@code g<generation>-interrupted-<name>-<unique>}).</li>
 * </ul>
 */
public final class TakeoverProbeServer {
    private TakeoverProbeServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getenv("PROBE_DIR"));
        SupervisedServer sup = SupervisedServer.fromEnvironment();
        if (sup == null) {
            System.err.println("not started by a supervisor");
            System.exit(2);
        }
        sup.ready();
        SupervisedServer.Go go = sup.awaitGo();
        int gen = go.generation();
        if (go.isTakeover() && System.getenv("PROBE_FAIL_TAKEOVER") != null) {
            System.err.println("probe server: failing the takeover on purpose");
            System.exit(3);
        }
        HelloFs hello = new HelloFs();
        LowLevelFilesystem fs = new LowLevelFilesystem() {
            @Override
            public void lookup(Request req, long parent, String name) {
                if (parent == 1 && (name.startsWith("held-") || name.startsWith("intr-"))) {
                    String u = Long.toHexString(req.unique());
                    mark(dir, "g" + gen + "-" + name + "-" + u);
                    if (name.startsWith("intr-")) {
                        req.onInterrupt(() -> {
                            mark(dir, "g" + gen + "-interrupted-" + name + "-" + u);
                            req.replyError(Errno.EINTR);
                        });
                        return;
                    }
                    if (gen == 0) {
                        return; // held: the kernel keeps it for the successor
                    }
                    EntryOut e = req.entry();
                    e.nodeid(HelloFs.HELLO);
                    e.generation(1);
                    e.attr().ino(HelloFs.HELLO);
                    e.attr().mode(0100644);
                    e.attr().nlink(1);
                    e.attr().size(HelloFs.CONTENT.length);
                    e.attr().blksize(4096);
                    req.replyEntry(e);
                    return;
                }
                hello.lookup(req, parent, name);
            }

            @Override
            public void getattr(Request req, long nodeid, long fh) {
                hello.getattr(req, nodeid, fh);
            }

            @Override
            public void open(Request req, long nodeid, int flags) {
                hello.open(req, nodeid, flags);
            }

            @Override
            public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
                hello.read(req, nodeid, fh, offset, size, flags);
            }

            @Override
            public void readdir(Request req, long nodeid, long fh, long offset, int size) {
                hello.readdir(req, nodeid, fh, offset, size);
            }
        };
        FuseSession s = sup.serve(fs, new SessionOptions(), go);
        System.err.println("probe server generation " + gen + " serving; resend bit " + Long.toHexString(Flags.UNIQUE_RESEND));
        s.awaitTermination();
    }

    static void mark(Path dir, String name) {
        try {
            Files.writeString(dir.resolve(name), "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
