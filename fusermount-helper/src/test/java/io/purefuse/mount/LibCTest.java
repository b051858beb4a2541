package io.purefuse.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LibCTest {
    private final LibC libc = Native.libc();

    @Test
    void readWriteWritevOnAPipeHonourBufferPositions() {
        int[] p = new int[2];
        assertThat(Native.posix().pipe(p)).isZero();
        try {
            ByteBuffer src = ByteBuffer.allocateDirect(64);
            src.put("xxhello".getBytes(StandardCharsets.US_ASCII)).position(2);
            assertThat(libc.write(p[1], src, 5)).isEqualTo(5);
            assertThat(src.position()).isEqualTo(2); // position untouched

            ByteBuffer a = ByteBuffer.allocateDirect(16);
            a.put(0, (byte) '-').put(1, (byte) '>');
            ByteBuffer iov = ByteBuffer.allocateDirect(2 * Native.IOVEC_SIZE).order(ByteOrder.nativeOrder());
            Native.putIovec(iov, 0, Native.address(a), 2);
            Native.putIovec(iov, 1, Native.address(src) + 2, 5);
            assertThat(libc.writev(p[1], iov, 2)).isEqualTo(7);

            ByteBuffer dst = ByteBuffer.allocateDirect(64);
            dst.position(3);
            assertThat(libc.read(p[0], dst, 12)).isEqualTo(12);
            byte[] got = new byte[12];
            dst.get(3, got);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello->hello");

            // raw-address overloads
            assertThat(libc.write(p[1], Native.address(src) + 2, 5)).isEqualTo(5);
            assertThat(libc.read(p[0], Native.address(dst), 5)).isEqualTo(5);
            assertThat(dst.get(0)).isEqualTo((byte) 'h');
        } finally {
            libc.close(p[0]);
            libc.close(p[1]);
        }
    }

    @Test
    void errnoIsSavedPerCall() {
        assertThat(libc.close(-5)).isEqualTo(-1);
        assertThat(Native.errno()).isEqualTo(Native.EBADF);
        assertThat(Native.errnoName(Native.EBADF)).isEqualTo("EBADF");
        assertThat(Native.errnoName(Native.ENOTCONN)).isEqualTo("ENOTCONN");
        assertThat(Native.describe(Native.ENOTCONN)).isEqualTo("ENOTCONN (Transport endpoint is not connected)");
        assertThat(libc.open("/nonexistent/x", LibC.O_RDONLY, 0)).isEqualTo(-1);
        assertThat(Native.errno()).isEqualTo(Native.ENOENT);
        assertThat(libc.umount2("/nonexistent/x", 0)).isEqualTo(-1);
        assertThat(Native.errno()).isEqualTo(Native.ENOENT);
    }

    @Test
    void pollReportsReadability() {
        int[] p = new int[2];
        assertThat(Native.posix().pipe(p)).isZero();
        try {
            ByteBuffer pfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            pfd.putInt(0, p[0]).putShort(4, LibC.POLLIN);
            assertThat(libc.poll(pfd, 1, 10)).isZero();
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            libc.write(p[1], one, 1);
            assertThat(libc.poll(pfd, 1, 1000)).isEqualTo(1);
            assertThat(pfd.getShort(6) & LibC.POLLIN).isEqualTo((int) LibC.POLLIN);
        } finally {
            libc.close(p[0]);
            libc.close(p[1]);
        }
    }
}
