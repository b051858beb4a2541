package io.purefuse.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jnr.posix.FileStat;
import jnr.posix.POSIX;

final class MountTestSupport {
    private MountTestSupport() {
    }

    /** Polls until the condition holds or the time is up; returns the last value. */
    static boolean waitUntil(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Reads attributes of the path in another thread (a FUSE stat may block), bounded in time. */
    static BasicFileAttributes statWithin(Path p, long millis) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAttributes(p, BasicFileAttributes.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(millis, TimeUnit.MILLISECONDS);
    }

    /** errno of stat(path), 0 on success, bounded in time. */
    static int statErrno(Path p, long millis) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            POSIX posix = Native.posix();
            FileStat st = posix.allocateStat();
            return posix.stat(p.toString(), st) == 0 ? 0 : posix.errno();
        }).get(millis, TimeUnit.MILLISECONDS);
    }

    static void assertNothingMountedUnder(Path dir) {
        assertThat(MountTable.fuseMountsUnder(dir)).as("FUSE mounts left under %s", dir).isEmpty();
    }

    /** Last-resort cleanup for @AfterEach: detach every FUSE mount under dir. */
    static void detachAllUnder(Path dir) {
        for (MountTable.Entry e : MountTable.fuseMountsUnder(dir)) {
            Native.libc().umount2(e.mountPoint().toString(), LibC.MNT_DETACH);
        }
    }

    static Path mkdir(Path parent, String name) throws java.io.IOException {
        return Files.createDirectories(parent.resolve(name)).toRealPath();
    }
}
