package io.purefuse.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestJournalTest {
    @TempDir
    Path tmp;

    /** What a reader thread does: the recorder sees the frame, then the decoder moves its indexes. */
    private static void appendAsReader(RequestJournal j, byte[] frame, long time) throws Exception {
        ByteBuf b = Unpooled.directBuffer(frame.length + 8);
        b.writeBytes(new byte[] {9, 9, 9});
        b.readerIndex(3);
        b.writeBytes(frame);
        j.read(b);
        b.skipBytes(Math.min(40, b.readableBytes())); // as a decoder would
        j.appendCurrent(time);
        b.release();
    }

    private static byte[] frame(int n) {
        byte[] f = new byte[40 + n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) (n + i);
        }
        return f;
    }

    private static List<byte[]> readAll(RequestJournal.Reader r, List<Long> times) throws Exception {
        List<byte[]> out = new ArrayList<>();
        r.readAvailable((t, f) -> {
            byte[] b = new byte[f.readableBytes()];
            f.getBytes(f.readerIndex(), b);
            out.add(b);
            times.add(t);
        });
        return out;
    }

    @Test
    void recordsTheWholeFrameAsReadAndReadsItBackIncrementally() throws Exception {
        Path file = tmp.resolve("j");
        List<Long> times = new ArrayList<>();
        try (RequestJournal j = RequestJournal.openForAppend(file, 0);
             RequestJournal.Reader r = new RequestJournal.Reader(file)) {
            appendAsReader(j, frame(1), 11);
            appendAsReader(j, frame(100_000), 12);
            List<byte[]> first = readAll(r, times);
            assertThat(first).hasSize(2);
            assertThat(first.get(0)).isEqualTo(frame(1));
            assertThat(first.get(1)).isEqualTo(frame(100_000));
            appendAsReader(j, frame(7), 13);
            List<byte[]> more = readAll(r, times);
            assertThat(more).hasSize(1);
            assertThat(more.get(0)).isEqualTo(frame(7));
            assertThat(times).containsExactly(11L, 12L, 13L);
            assertThat(r.records()).isEqualTo(3);
            assertThat(r.validLength()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void aTornLastRecordEndsTheJournalAndIsCutOffBeforeAppending() throws Exception {
        Path file = tmp.resolve("j");
        try (RequestJournal j = RequestJournal.openForAppend(file, 0)) {
            appendAsReader(j, frame(5), 1);
            appendAsReader(j, frame(6), 2);
        }
        long full = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(full - 3); // the writer died inside its last write
        }
        long valid;
        try (RequestJournal.Reader r = new RequestJournal.Reader(file)) {
            assertThat(readAll(r, new ArrayList<>())).hasSize(1);
            valid = r.validLength();
        }
        try (RequestJournal j = RequestJournal.openForAppend(file, valid)) {
            appendAsReader(j, frame(8), 3);
        }
        try (RequestJournal.Reader r = new RequestJournal.Reader(file)) {
            List<byte[]> all = readAll(r, new ArrayList<>());
            assertThat(all).hasSize(2);
            assertThat(all.get(1)).isEqualTo(frame(8));
        }
    }

    @Test
    void aCorruptRecordIsNotReplayed() throws Exception {
        Path file = tmp.resolve("j");
        try (RequestJournal j = RequestJournal.openForAppend(file, 0)) {
            appendAsReader(j, frame(5), 1);
            appendAsReader(j, frame(6), 2);
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        try (RequestJournal.Reader r = new RequestJournal.Reader(file)) {
            assertThat(readAll(r, new ArrayList<>())).hasSize(1);
        }
    }

    @Test
    void appendingOutsideADispatchIsRefused() throws Exception {
        try (RequestJournal j = RequestJournal.openForAppend(tmp.resolve("j"), 0)) {
            Throwable[] thrown = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    j.appendCurrent(1);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            t.start();
            t.join();
            assertThat(thrown[0]).isInstanceOf(IllegalStateException.class);
        }
    }
}
