package io.purefuse.vfs;

import static io.purefuse.vfs.RawFrameKernel.cat;
import static io.purefuse.vfs.RawFrameKernel.cstr;
import static io.purefuse.vfs.RawFrameKernel.le;
import static io.purefuse.vfs.RawFrameKernel.le32;
import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.wire.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The VFS behind a fake kernel: unknown opcodes, malformed frames (truncated bodies, lengths that
 * lie, missing NULs, random bytes), stale nodeids and fhs each get exactly one reply with their
 * unique; FORGET, BATCH_FORGET, INTERRUPT and NOTIFY_REPLY get none; nothing else ever comes back.
 */
@Timeout(120)
class OneReplyPerFrameTest {
    @Test
    void everyFrameGetsOneReplyAndNoReplyFramesGetNone() throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        System.out.println("OneReplyPerFrameTest seed=" + seed);
        Random r = new Random(seed);
        Path base = Files.createTempDirectory("purefuse-oneply-");
        Files.writeString(base.resolve("file"), "data");
        try (LocalUnderFileSystem ufs = LocalUnderFileSystem.open(base)) {
            AlluxioFuseFilesystem fs = new AlluxioFuseFilesystem(ufs, new VfsOptions().passthrough(false));
            try (RawFrameKernel k = new RawFrameKernel(fs, null)) {
                Map<Long, String> expect = new LinkedHashMap<>();
                List<Long> silent = new ArrayList<>();
                // Unknown opcodes (0, gaps, past the end) and CUSE_INIT on a FUSE session.
                for (int op : new int[] {0, 54, 99, 4095, 4096, 65535, Integer.MAX_VALUE}) {
                    expect.put(k.sendOnly(op, 1, new byte[8]), "opcode " + op);
                }
                // Bodies shorter than their struct, and names without a NUL.
                expect.put(k.sendOnly(15 /* READ */, 1, new byte[7]), "short READ");
                expect.put(k.sendOnly(16 /* WRITE */, 1, new byte[20]), "short WRITE");
                expect.put(k.sendOnly(4 /* SETATTR */, 1, new byte[3]), "short SETATTR");
                expect.put(k.sendOnly(1 /* LOOKUP */, 1, "file".getBytes()), "LOOKUP without NUL");
                expect.put(k.sendOnly(12 /* RENAME */, 1, cat(le(1), cstr("file"))), "RENAME with one name");
                expect.put(k.sendOnly(16 /* WRITE */, 1, cat(le(1, 0), le32(1 << 20, 0), le(0), le32(0, 0))),
                        "WRITE claiming 1 MiB with no data");
                // Stale nodeids and fhs.
                expect.put(k.sendOnly(3 /* GETATTR */, 987654, cat(le32(0, 0), le(0))), "GETATTR stale nodeid");
                expect.put(k.sendOnly(15 /* READ */, 1, cat(le(424242, 0), le32(4096, 0, 0, 0, 0, 0))), "READ stale fh");
                expect.put(k.sendOnly(18 /* RELEASE */, 1, cat(le(424242), le32(0, 0), le(0))), "RELEASE stale fh");
                // The no-reply kinds, valid and stale.
                silent.add(k.sendOnly(2 /* FORGET */, 987654, le(3)));
                silent.add(k.sendOnly(42 /* BATCH_FORGET */, 0, cat(le32(2, 0), le(987654, 1, 987655, 2))));
                silent.add(k.sendOnly(36 /* INTERRUPT */, 0, le(5)));
                // NOTIFY_REPLY is the kernel's answer to a RETRIEVE notification: never replied to.
                silent.add(k.sendOnly(41 /* NOTIFY_REPLY */, 1, new byte[40]));
                // Random garbage of random lengths with a valid header start (len may lie).
                for (int i = 0; i < 300; i++) {
                    byte[] body = new byte[r.nextInt(300)];
                    r.nextBytes(body);
                    int op = 1 + r.nextInt(53);
                    if (op == 2 || op == 42 || op == 36 || op == 41 || op == 26 /* INIT */ || op == 38 /* DESTROY */) {
                        continue; // no-reply kinds are sent below; INIT/DESTROY would end the test
                    }
                    expect.put(k.sendOnly(op, r.nextBoolean() ? 1 : r.nextInt(5), body), "random body for opcode " + op);
                }
                // A frame whose len field disagrees with its size, and frames shorter than a header
                // (those have no readable unique: nothing can be answered).
                long u = 100_000_001L;
                ByteBuffer lying = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
                lying.putInt(4000).putInt(3).putLong(u).putLong(1).putInt(0).putInt(0).putInt(1).putInt(0).putLong(0);
                k.sendRaw(lying.array());
                expect.put(u, "len larger than the frame");
                k.sendRaw(new byte[10]);
                Map<Long, Integer> seen = new HashMap<>();
                ByteBuffer reply;
                while ((reply = k.next(2000)) != null) {
                    seen.merge(reply.getLong(8), 1, Integer::sum);
                    int err = -reply.getInt(4);
                    assertThat(err).as("errno in range").isBetween(0, 511);
                }
                for (Map.Entry<Long, String> e : expect.entrySet()) {
                    assertThat(seen.getOrDefault(e.getKey(), 0)).as("replies to %s (unique %d, seed %d)", e.getValue(),
                            e.getKey(), seed).isEqualTo(1);
                }
                for (long s : silent) {
                    assertThat(seen).as("no reply to a FORGET/BATCH_FORGET/INTERRUPT").doesNotContainKey(s);
                }
                assertThat(seen.keySet()).as("replies to frames never sent").isSubsetOf(expect.keySet());
                // And the session still serves.
                assertThat(k.errno(1, 1, cstr("file"))).isZero();
                assertThat(k.errno(1, 1, cstr("nope"))).isIn(0, Errno.ENOENT);
            } finally {
                fs.close();
            }
        } finally {
            MountFixture.deleteTree(base);
        }
    }
}
