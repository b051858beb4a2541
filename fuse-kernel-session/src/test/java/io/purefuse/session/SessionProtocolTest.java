package io.purefuse.session;

import static io.purefuse.session.FakeKernel.cstring;
import static io.purefuse.session.FakeKernel.error;
import static io.purefuse.session.FakeKernel.len;
import static io.purefuse.session.FakeKernel.request;
import static io.purefuse.session.FakeKernel.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.session.device.FuseDeviceChannel;
import io.purefuse.wire.Errno;
import io.purefuse.wire.Opcode;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session's reply guarantees, checked against a fake kernel: every request gets exactly one
 * reply whatever the filesystem does, bad frames get a defined errno, FORGET gets none.
 */
@Timeout(30)
class SessionProtocolTest {
    final AtomicLong forgotten = new AtomicLong();
    final CountDownLatch hanging = new CountDownLatch(1);
    final CountDownLatch held = new CountDownLatch(1);
    volatile boolean firstSend;
    final CountDownLatch readdirDone = new CountDownLatch(1);
    volatile boolean secondSend = true;
    volatile boolean recorderExplodes;
    volatile Request hangingRequest;
    FakeKernel kernel;
    FuseSession session;

    final LowLevelFilesystem fs = new LowLevelFilesystem() {
        @Override
        public void lookup(Request req, long parent, String name) {
            switch (name) {
                case "throw" -> throw new IllegalStateException("boom (expected by the test)");
                case "errno" -> throw new FuseErrnoException(Errno.EACCES, "no");
                case "twice" -> {
                    req.replyError(Errno.ENOENT);
                    req.replyError(Errno.EEXIST);
                }
                case "async" -> CompletableFuture.runAsync(() -> {
                    sleep(50);
                    req.replyError(Errno.ENOTDIR);
                });
                case "held" -> {
                    // Answered by the interrupt listener while this handler is still running,
                    // and then (wrongly, too late) once more by a worker that held the request.
                    CountDownLatch interrupted = new CountDownLatch(1);
                    req.onInterrupt(() -> {
                        req.replyError(Errno.EINTR);
                        interrupted.countDown();
                    });
                    new Thread(() -> {
                        try {
                            interrupted.await(5, TimeUnit.SECONDS);
                            Thread.sleep(150);
                        } catch (InterruptedException e) {
                            return;
                        }
                        req.replyError(Errno.ENOENT);
                    }).start();
                    held.countDown();
                    try {
                        interrupted.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case "bigerrno" -> throw new FuseErrnoException(600, "out of the kernel's range");
                case "negerrno" -> req.replyError(-Errno.EACCES);
                case "badlistener" -> req.onInterrupt(() -> {
                    throw new IllegalStateException("listener bug (expected by the test)");
                });
                case "hang" -> {
                    hangingRequest = req;
                    hanging.countDown();
                }
                default -> req.replyError(Errno.ENOENT);
            }
        }

        @Override
        public void mkdir(Request req, long parent, String name, int mode, int umask) {
            // A mutating request the filesystem finishes later, whatever signals arrive.
            hangingRequest = req;
            hanging.countDown();
        }

        @Override
        public void readdir(Request req, long nodeid, long fh, long offset, int size) {
            DirectoryReply d = req.directoryReply(size);
            d.add(".", 1, 4, 1);
            firstSend = d.send();
            secondSend = d.send();
            readdirDone.countDown();
        }

        @Override
        public void forget(long nodeid, long nlookup) {
            forgotten.addAndGet(nlookup);
        }
    };

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @BeforeEach
    void start() throws Exception {
        kernel = new FakeKernel();
        kernel.send(request(Opcode.INIT.code(), 1, 0, FakeKernel.initBody(7, 45)));
        CompletableFuture<FuseSession> s = CompletableFuture.supplyAsync(() -> {
            try {
                return FuseSession.serve(FuseDeviceChannel.ofSocket(kernel.serverFd), fs,
                        new SessionOptions().readerThreads(2).requestTimeout(java.time.Duration.ofSeconds(1))
                                .recorder(new FrameRecorder() {
                                    @Override
                                    public void read(io.netty.buffer.ByteBuf frame) {
                                        if (recorderExplodes) {
                                            throw new IllegalStateException("trace disk full (expected by the test)");
                                        }
                                    }

                                    @Override
                                    public void written(io.netty.buffer.ByteBuf header, io.netty.buffer.ByteBuf data) {
                                        if (recorderExplodes) {
                                            throw new IllegalStateException("trace disk full (expected by the test)");
                                        }
                                    }

                                    @Override
                                    public void close() {
                                    }
                                }));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer init = kernel.reply(5000);
        assertThat(init).isNotNull();
        assertThat(unique(init)).isEqualTo(1);
        assertThat(error(init)).isZero();
        assertThat(len(init)).isEqualTo(16 + 64);
        assertThat(init.getInt(16)).isEqualTo(7);
        assertThat(init.getInt(20)).isEqualTo(45);
        session = s.get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        kernel.close();
        assertThat(session.awaitTermination(10, TimeUnit.SECONDS)).as("session ends when the device closes").isTrue();
    }

    private ByteBuffer roundTrip(int opcode, long unique, long nodeid, byte[] body) {
        kernel.send(request(opcode, unique, nodeid, body));
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).as("reply to unique %d", unique).isNotNull();
        assertThat(unique(r)).isEqualTo(unique);
        return r;
    }

    @Test
    void unimplementedOperationsAnswerEnosys() {
        assertThat(error(roundTrip(Opcode.RMDIR.code(), 10, 1, cstring("d")))).isEqualTo(-Errno.ENOSYS);
        assertThat(error(roundTrip(Opcode.IOCTL.code(), 12, 1, new byte[32]))).isEqualTo(-Errno.ENOSYS);
    }

    @Test
    void unknownOpcodeAnswersEnosys() {
        assertThat(error(roundTrip(99, 14, 1, new byte[0]))).isEqualTo(-Errno.ENOSYS);
        assertThat(error(roundTrip(4095, 16, 1, new byte[16]))).isEqualTo(-Errno.ENOSYS);
    }

    @Test
    void malformedFramesAnswerAnErrnoAndTheSessionGoesOn() {
        // LOOKUP whose name has no NUL.
        int err = error(roundTrip(Opcode.LOOKUP.code(), 20, 1, new byte[] {'a', 'b'}));
        assertThat(err).isIn(-Errno.EIO, -Errno.EINVAL);
        // READ shorter than fuse_read_in.
        err = error(roundTrip(Opcode.READ.code(), 22, 1, new byte[10]));
        assertThat(err).isIn(-Errno.EIO, -Errno.EINVAL);
        // A len field that disagrees with the bytes read.
        ByteBuffer bad = request(Opcode.GETATTR.code(), 24, 1, new byte[16]);
        bad.putInt(0, 999);
        kernel.send(bad);
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(24);
        assertThat(error(r)).isIn(-Errno.EIO, -Errno.EINVAL);
        // Still serving.
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 26, 1, cstring("x")))).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void nameThatIsNotUtf8AnswersEilseq() {
        byte[] body = {(byte) 0xff, (byte) 0xfe, 'a', 0};
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 30, 1, body))).isEqualTo(-Errno.EILSEQ);
    }

    @Test
    void exceptionsBecomeOneReply() {
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 40, 1, cstring("throw")))).isEqualTo(-Errno.EIO);
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 42, 1, cstring("errno")))).isEqualTo(-Errno.EACCES);
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 44, 1, cstring("twice")))).isEqualTo(-Errno.ENOENT);
        assertThat(kernel.reply(300)).as("the second reply is dropped").isNull();
    }

    @Test
    void asynchronousReplyComesOnceFromAnotherThread() {
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 50, 1, cstring("async")))).isEqualTo(-Errno.ENOTDIR);
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 52, 1, cstring("other")))).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void forgetGetsNoReply() {
        kernel.send(request(Opcode.FORGET.code(), 60, 5, FakeKernel.u64(3)));
        byte[] batch = concat(concat(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, concat(FakeKernel.u64(6), FakeKernel.u64(4))),
                concat(FakeKernel.u64(7), FakeKernel.u64(5)));
        kernel.send(request(Opcode.BATCH_FORGET.code(), 62, 0, batch));
        assertThat(kernel.reply(300)).isNull();
        assertThat(forgotten.get()).isEqualTo(12);
    }

    @Test
    void interruptThatOvertakesItsTargetIsDeliveredWhenTheTargetArrives() {
        // With cloned fds the INTERRUPT can be read before its target: it gets no reply of its
        // own (an EAGAIN on the wrong fd would be lost) and is applied once the target arrives.
        kernel.send(request(Opcode.INTERRUPT.code(), 71, 0, FakeKernel.u64(70)));
        assertThat(kernel.reply(300)).isNull();
        kernel.send(request(Opcode.LOOKUP.code(), 70, 1, cstring("hang")));
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(70);
        assertThat(error(r)).isEqualTo(-Errno.EINTR);
    }

    @Test
    void aMutatingRequestIsNotAbandonedOnInterrupt() throws Exception {
        kernel.send(request(Opcode.MKDIR.code(), 72, 1, concat(new byte[8], cstring("d"))));
        assertThat(hanging.await(5, TimeUnit.SECONDS)).isTrue();
        kernel.send(request(Opcode.INTERRUPT.code(), 73, 0, FakeKernel.u64(72)));
        assertThat(kernel.reply(300)).as("no EINTR for a mkdir the filesystem may still do").isNull();
        assertThat(hangingRequest.isInterrupted()).isTrue();
        hangingRequest.replyError(Errno.EEXIST);
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(72);
        assertThat(error(r)).isEqualTo(-Errno.EEXIST);
    }

    @Test
    void errnosOutsideTheKernelsRangeBecomeEio() {
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 74, 1, cstring("bigerrno")))).isEqualTo(-Errno.EIO);
        assertThat(error(roundTrip(Opcode.LOOKUP.code(), 76, 1, cstring("negerrno")))).isEqualTo(-Errno.EACCES);
    }

    @Test
    void aThrowingInterruptListenerStillGetsTheRequestAnswered() {
        kernel.send(request(Opcode.LOOKUP.code(), 78, 1, cstring("badlistener")));
        kernel.send(request(Opcode.INTERRUPT.code(), 79, 0, FakeKernel.u64(78)));
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(78);
        assertThat(error(r)).isEqualTo(-Errno.EINTR);
        // Both readers still alive.
        for (long u = 80; u <= 86; u += 2) {
            assertThat(error(roundTrip(Opcode.LOOKUP.code(), u, 1, cstring("x")))).isEqualTo(-Errno.ENOENT);
        }
    }

    @Test
    void aFailingRecorderNeverCostsAReply() {
        recorderExplodes = true;
        for (long u = 88; u <= 94; u += 2) {
            assertThat(error(roundTrip(Opcode.LOOKUP.code(), u, 1, cstring("x")))).isEqualTo(-Errno.ENOENT);
        }
        recorderExplodes = false;
    }

    @Test
    void aSecondDirectorySendIsRefused() throws Exception {
        byte[] readIn = new byte[40];
        readIn[16] = 0; // size below, little endian at offset 16
        java.nio.ByteBuffer.wrap(readIn).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16, 4096);
        ByteBuffer r = roundTrip(Opcode.READDIR.code(), 96, 1, readIn);
        assertThat(error(r)).isZero();
        assertThat(len(r)).isEqualTo(16 + 32); // one dirent "." (24 + 1 name byte, aligned to 32)
        assertThat(readdirDone.await(5, TimeUnit.SECONDS)).isTrue(); // the reply can beat the assignment
        assertThat(firstSend).isTrue();
        assertThat(secondSend).isFalse();
        assertThat(kernel.reply(300)).isNull();
    }

    @Test
    void interruptAnswersThePendingRequestEintrOnce() throws Exception {
        kernel.send(request(Opcode.LOOKUP.code(), 80, 1, cstring("hang")));
        assertThat(hanging.await(5, TimeUnit.SECONDS)).isTrue();
        kernel.send(request(Opcode.INTERRUPT.code(), 81, 0, FakeKernel.u64(80)));
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(80);
        assertThat(error(r)).isEqualTo(-Errno.EINTR);
        assertThat(hangingRequest.isInterrupted()).isTrue();
        hangingRequest.replyOk(); // too late: dropped
        assertThat(kernel.reply(300)).isNull();
    }

    @Test
    void aLateReplyNeverReachesTheNextRequest() throws Exception {
        kernel.send(request(Opcode.LOOKUP.code(), 100, 1, cstring("held")));
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
        kernel.send(request(Opcode.INTERRUPT.code(), 101, 0, FakeKernel.u64(100)));
        ByteBuffer r = kernel.reply(5000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(100);
        assertThat(error(r)).isEqualTo(-Errno.EINTR);
        // New requests that stay pending, on both readers; the stale ENOENT must not answer one.
        for (long u = 102; u <= 110; u += 2) {
            kernel.send(request(Opcode.LOOKUP.code(), u, 1, cstring("hang")));
        }
        assertThat(kernel.reply(600)).as("no reply before the watchdog's").isNull();
    }

    @Test
    void watchdogAnswersARequestTheFilesystemForgot() throws Exception {
        long t0 = System.nanoTime();
        kernel.send(request(Opcode.LOOKUP.code(), 90, 1, cstring("hang")));
        ByteBuffer r = kernel.reply(10_000);
        assertThat(r).isNotNull();
        assertThat(unique(r)).isEqualTo(90);
        assertThat(error(r)).isEqualTo(-Errno.ETIMEDOUT);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
        hangingRequest.replyOk(); // too late: dropped
        assertThat(kernel.reply(300)).isNull();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
