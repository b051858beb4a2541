package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.harness.fixture.Shell;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.session.Request;
import io.purefuse.wire.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * INTERRUPT on a real mount: a MemFs whose READ of one file never completes on its own. A reader
 * process is killed; it must end within seconds and the mount must keep answering.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptMountTest extends MountTestSupport {

    /** Reads of {@link #blockingNodeid} block until the kernel interrupts them. */
    static final class BlockingMemFs extends MemFs {
        volatile long blockingNodeid = -1;
        /** true: register onInterrupt and block the reader thread until it fires, then answer EINTR;
         *  false: never answer (the session answers EINTR when the INTERRUPT comes). */
        volatile boolean useListener;
        final CountDownLatch readStarted = new CountDownLatch(1);
        final AtomicInteger interrupts = new AtomicInteger();
        final CountDownLatch testOver = new CountDownLatch(1);
        final List<Request> parked = new CopyOnWriteArrayList<>();

        /** FOPEN_DIRECT_IO for the blocking file: its reads are then synchronous, interruptible requests. */
        volatile boolean directIo = true;

        @Override
        protected int openReplyFlags(long nodeid, int openFlags) {
            return nodeid == blockingNodeid && directIo ? io.purefuse.wire.OpenFlags.FOPEN_DIRECT_IO : 0;
        }

        @Override
        public void read(Request req, long nodeid, long fh, long offset, int size, int flags) {
            if (nodeid != blockingNodeid) {
                super.read(req, nodeid, fh, offset, size, flags);
                return;
            }
            readStarted.countDown();
            if (!useListener) {
                parked.add(req);
                return;
            }
            CountDownLatch interrupted = new CountDownLatch(1);
            req.onInterrupt(() -> {
                interrupts.incrementAndGet();
                interrupted.countDown();
            });
            try {
                // Blocks this reader thread; bounded so that a broken test cannot wedge the session.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!interrupted.await(50, TimeUnit.MILLISECONDS) && testOver.getCount() > 0
                        && System.nanoTime() < deadline) {
                    // wait
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            req.replyError(Errno.EINTR);
        }

        void finish() {
            testOver.countDown();
            for (Request r : parked) {
                r.replyError(Errno.EINTR); // dropped if the session already answered
            }
        }
    }

    @Override
    io.purefuse.session.SessionOptions sessionOptions() {
        String trace = System.getProperty("purefuse.interruptTrace");
        io.purefuse.session.SessionOptions o = new io.purefuse.session.SessionOptions();
        return trace == null ? o : o.traceFile(Path.of(trace));
    }

    @Override
    MemFs newFilesystem() {
        return new BlockingMemFs();
    }

    private BlockingMemFs bfs() {
        return (BlockingMemFs) fs;
    }

    @AfterEach
    void releaseBlockedReads() {
        bfs().finish();
    }

    private Path prepare(boolean listener, boolean directIo) throws Exception {
        bfs().directIo = directIo;
        Path f = root.resolve("slow");
        Files.write(f, new byte[1 << 20]);
        Files.writeString(root.resolve("fast"), "fast\n");
        bfs().blockingNodeid = ((Number) Files.getAttribute(f, "unix:ino")).longValue();
        bfs().useListener = listener;
        return f;
    }

    private Process startReader(String... command) throws Exception {
        // Through env --default-signal: a build run with SIGINT ignored (a background job of a
        // non-interactive shell) passes that on to every child, and an ignored SIGINT never
        // interrupts anything.
        List<String> argv = new java.util.ArrayList<>(List.of("env", "--default-signal=INT"));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(bfs().readStarted.await(10, TimeUnit.SECONDS)).as("READ reached the filesystem").isTrue();
        Thread.sleep(200); // the reader is now blocked in read(2)
        assertThat(p.isAlive()).isTrue();
        return p;
    }

    private void signal(Process p, String sig) {
        Shell.run(Duration.ofSeconds(10), "kill", "-" + sig, Long.toString(p.pid())).check();
    }

    private void assertEndsAndMountAnswers(Process p) throws Exception {
        long t0 = System.nanoTime();
        // Without the INTERRUPT the read never ends, so any generous bound proves it.
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!ended) {
            Shell.kill(p);
        }
        assertThat(ended).as("killed reader ended within 30 s").isTrue();
        System.out.printf("killed reader ended after %d ms%n", ms);
        assertThat(shOk("ls")).isEqualTo("fast\nslow");
        assertThat(shOk("cat fast")).isEqualTo("fast");
    }

    /*
     * Which reads can be interrupted depends on how the kernel sends them. A file opened with
     * FOPEN_DIRECT_IO is read with synchronous READs: a signal makes the kernel send INTERRUPT.
     * A cached file is read through readahead, which sends asynchronous (background) READs that
     * are never interrupted; the reader waits killably for the page, so only a fatal signal ends
     * it. O_DIRECT on a cached file with ASYNC_DIO negotiated is also sent as background READs
     * and the caller waits uninterruptibly: not even SIGKILL ends it before the reply.
     */

    @Test
    void sigintOfDirectIoReadWithInterruptListener() throws Exception {
        prepare(true, true);
        Process cat = startReader("cat", "slow");
        signal(cat, "INT");
        assertEndsAndMountAnswers(cat);
        assertThat(bfs().interrupts.get()).as("INTERRUPTs delivered to the listener").isEqualTo(1);
    }

    @Test
    void sigkillOfDirectIoReadAnsweredBySession() throws Exception {
        prepare(false, true);
        Process dd = startReader("dd", "if=slow", "of=/dev/null", "bs=64k", "count=1");
        signal(dd, "KILL");
        assertEndsAndMountAnswers(dd);
    }

    @Test
    void sigintOfDirectIoReadAnsweredBySession() throws Exception {
        prepare(false, true);
        Process dd = startReader("dd", "if=slow", "of=/dev/null", "bs=64k", "count=1");
        signal(dd, "INT");
        assertEndsAndMountAnswers(dd);
    }

    @Test
    void sigkillOfBufferedCat() throws Exception {
        prepare(false, false);
        Process cat = startReader("cat", "slow");
        signal(cat, "KILL");
        assertEndsAndMountAnswers(cat);
    }

    @Test
    void sigintOfBufferedCatWithListener() throws Exception {
        prepare(true, false);
        Process cat = startReader("cat", "slow");
        signal(cat, "INT");
        assertEndsAndMountAnswers(cat);
        assertThat(bfs().interrupts.get()).as("readahead READs are not interrupted").isZero();
    }

    @Test
    void oDirectReadWithAsyncDioWaitsForTheReply() throws Exception {
        prepare(false, false);
        Process dd = startReader("dd", "if=slow", "of=/dev/null", "bs=4k", "count=1", "iflag=direct");
        signal(dd, "KILL");
        boolean endedEarly = dd.waitFor(1500, TimeUnit.MILLISECONDS);
        // Documented kernel behaviour (ASYNC_DIO): the caller cannot die before the READ is answered.
        assertThat(endedEarly).as("O_DIRECT reader killed while its READ is pending").isFalse();
        bfs().finish(); // answer the parked READ
        assertEndsAndMountAnswers(dd);
    }
}
