package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random operation sequences applied side by side to the mount (random access on) and to a plain
 * directory; every result (success or errno class) and the final trees must match.
 * {@code -Dpurefuse.test.seed=N} replays a run, {@code -Dpurefuse.test.ops=N} sets its length.
 */
@Timeout(600)
class RandomizedOpsTest {
    static final String[] DIRS = {"", "d0/", "d1/", "d0/d2/"};
    static final String[] NAMES = {"a", "b", "c", "d0", "d1", "d2"};

    interface Op {
        String apply(Path root) throws Exception;
    }

    @Test
    void mountBehavesLikeALocalDirectory() throws Exception {
        long seed = Long.getLong("purefuse.test.seed", System.nanoTime());
        int ops = Integer.getInteger("purefuse.test.ops", 600);
        System.out.println("RandomizedOpsTest seed=" + seed + " ops=" + ops
                + " (replay with -Dpurefuse.test.seed=" + seed + ")");
        Random r = new Random(seed);
        try (MountFixture f = MountFixture.start(o -> o.randomAccess(true))) {
            Path plain = Files.createDirectory(f.base.resolve("plain"));
            List<String> log = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                String desc = describeAndBuild(r);
                Op op = built;
                String onMount = run(op, f.mnt);
                String onPlain = run(op, plain);
                log.add(i + ": " + desc + " -> " + onPlain);
                if (!onMount.equals(onPlain)) {
                    System.out.println(String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
                }
                assertThat(onMount).as("op %d %s (seed %d)", i, desc, seed).isEqualTo(onPlain);
            }
            java.util.Map<String, Long> outcomes = new java.util.TreeMap<>();
            for (String l : log) {
                String res = l.substring(l.lastIndexOf(" -> ") + 4);
                String key = l.substring(l.indexOf(": ") + 2).split(" ")[0] + " " + (res.startsWith("read ")
                        || res.startsWith("stat ") ? "ok" : res);
                outcomes.merge(key, 1L, Long::sum);
            }
            System.out.println("outcomes: " + outcomes + "; final tree " + tree(plain).size() + " entries");
            assertThat(tree(f.mnt)).as("final tree through the mount (seed %d)", seed).isEqualTo(tree(plain));
            assertThat(tree(f.ufs)).as("final tree in the UFS (seed %d)", seed).isEqualTo(tree(plain));
        }
    }

    private Op built;

    private String describeAndBuild(Random r) {
        String p = DIRS[r.nextInt(DIRS.length)] + NAMES[r.nextInt(NAMES.length)];
        String q = DIRS[r.nextInt(DIRS.length)] + NAMES[r.nextInt(NAMES.length)];
        int kind = r.nextInt(100);
        if (kind < 15) {
            byte[] data = bytes(r, r.nextInt(3) == 0 ? r.nextInt(300_000) : r.nextInt(5000));
            built = root -> {
                Files.write(root.resolve(p), data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return "ok";
            };
            return "create " + p + " " + data.length;
        } else if (kind < 22) {
            byte[] data = bytes(r, r.nextInt(20_000));
            built = root -> {
                Files.write(root.resolve(p), data); // O_CREAT|O_TRUNC
                return "ok";
            };
            return "overwrite " + p + " " + data.length;
        } else if (kind < 37) {
            long off = r.nextInt(400_000);
            byte[] data = bytes(r, 1 + r.nextInt(70_000));
            built = root -> {
                try (FileChannel ch = FileChannel.open(root.resolve(p), StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        ch.write(b, off + b.position());
                    }
                }
                return "ok";
            };
            return "pwrite " + p + " @" + off + " " + data.length;
        } else if (kind < 42) {
            byte[] data = bytes(r, 1 + r.nextInt(10_000));
            built = root -> {
                Files.write(root.resolve(p), data, StandardOpenOption.APPEND);
                return "ok";
            };
            return "append " + p + " " + data.length;
        } else if (kind < 50) {
            long size = r.nextInt(500_000);
            built = root -> {
                try (FileChannel ch = FileChannel.open(root.resolve(p), StandardOpenOption.WRITE)) {
                    if (size < ch.size()) {
                        ch.truncate(size);
                    } else {
                        // grow: ftruncate to a larger size via RandomAccessFile
                        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(root.resolve(p).toFile(), "rw")) {
                            raf.setLength(size);
                        }
                    }
                }
                return "ok";
            };
            return "truncate " + p + " " + size;
        } else if (kind < 60) {
            boolean replace = r.nextBoolean();
            built = root -> {
                if (replace) {
                    Files.move(root.resolve(p), root.resolve(q), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.move(root.resolve(p), root.resolve(q));
                }
                return "ok";
            };
            return "rename " + p + " " + q + (replace ? " replace" : "");
        } else if (kind < 68) {
            built = root -> {
                Path x = root.resolve(p);
                if (Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS)) {
                    return "isdir";
                }
                Files.delete(x);
                return "ok";
            };
            return "unlink " + p;
        } else if (kind < 78) {
            built = root -> {
                Files.createDirectory(root.resolve(p));
                return "ok";
            };
            return "mkdir " + p;
        } else if (kind < 84) {
            built = root -> {
                Path x = root.resolve(p);
                if (Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS)) {
                    return "notdir";
                }
                Files.delete(x);
                return "ok";
            };
            return "rmdir " + p;
        } else if (kind < 96) {
            long off = r.nextInt(400_000);
            int len = 1 + r.nextInt(100_000);
            built = root -> {
                try (FileChannel ch = FileChannel.open(root.resolve(p), StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.allocate(len);
                    while (b.hasRemaining()) {
                        if (ch.read(b, off + b.position()) < 0) {
                            break;
                        }
                    }
                    return "read " + b.position() + " " + Arrays.hashCode(Arrays.copyOf(b.array(), b.position()));
                }
            };
            return "read " + p + " @" + off + " " + len;
        } else {
            built = root -> {
                Path x = root.resolve(p);
                return "stat " + Files.isDirectory(x) + " " + (Files.isRegularFile(x) ? Files.size(x) : -1)
                        + " " + Files.exists(x);
            };
            return "stat " + p;
        }
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static String run(Op op, Path root) {
        try {
            return op.apply(root);
        } catch (Exception e) {
            return Errnos.errnoName(e);
        }
    }

    /** path -> "dir" or "file <size> <hash>". */
    static TreeMap<String, String> tree(Path root) throws IOException {
        TreeMap<String, String> t = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    t.put(rel, "dir");
                } else {
                    byte[] b = Files.readAllBytes(p);
                    t.put(rel, "file " + b.length + " " + Arrays.hashCode(b));
                }
            }
        }
        return t;
    }
}
