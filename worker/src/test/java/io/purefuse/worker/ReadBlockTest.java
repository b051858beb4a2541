package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;

import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.purefuse.worker.auth.AuthType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReadBlock: ranges, chunking, flow control by offset_received, page boundaries. */
class ReadBlockTest {
  static final int PAGE = 64 << 10;
  static final long WINDOW = 256 << 10;

  @TempDir Path tmp;
  Path ufs;
  String root;
  AlluxioWorker worker;
  WorkerClient client;
  byte[] data;

  @BeforeEach
  void start() throws Exception {
    ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    root = ufs.toString();
    WorkerConfig c = TestWorker.config(ufs, tmp.resolve("cache"), 64 << 20, PAGE, AuthType.SIMPLE);
    worker = AlluxioWorker.start(new WorkerConfig(c.ufsRoot(), c.host(), 0, c.cacheDir(), true, c.cacheBytes(),
        c.pageSize(), c.etcdEndpoints(), c.clusterName(), c.authType(), c.leaseTtl(), WINDOW));
    client = WorkerClient.loggedIn(worker.port(), "bob");
    data = BlockWorkerRpcTest.random(1_000_003, 11);
    Files.write(ufs.resolve("f"), data);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    worker.close();
  }

  @Test
  void wholeFileInRequestedChunks() throws Exception {
    Reads.Result r = Reads.read(client, root + "/f", data.length, 0, data.length, 100_000);
    assertThat(r.data()).isEqualTo(data);
    assertThat(r.chunks()).hasSize(11).allMatch(n -> n <= 100_000);
    assertThat(r.chunks().subList(0, 10)).allMatch(n -> n == 100_000);
    assertThat(r.chunks().get(10)).isEqualTo(3);
  }

  @Test
  void rangesAcrossPageBoundaries() throws Exception {
    long[][] ranges = {{PAGE - 10, 20}, {PAGE - 1, 3 * PAGE + 2}, {0, 1}, {5 * PAGE, PAGE}, {data.length - 7, 7},
        {12345, 300_000}};
    for (long[] rg : ranges) {
      Reads.Result r = Reads.read(client, root + "/f", data.length, rg[0], rg[1], 7000);
      assertThat(r.data()).as("range %s", Arrays.toString(rg))
          .isEqualTo(Arrays.copyOfRange(data, (int) rg[0], (int) (rg[0] + rg[1])));
    }
    // A length past the end stops at the end; an offset past the end is OUT_OF_RANGE.
    assertThat(Reads.read(client, root + "/f", data.length, data.length - 5, 100, 4096).data())
        .isEqualTo(Arrays.copyOfRange(data, data.length - 5, data.length));
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> Reads.read(client, root + "/f", data.length, data.length + 10, 5, 4096));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    // Missing file and directory.
    e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> Reads.read(client, root + "/none", 10, 0, 5, 4096));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> Reads.read(client, root, 10, 0, 5, 4096));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void emptyRangeAndEmptyFile() throws Exception {
    Files.write(ufs.resolve("empty"), new byte[0]);
    assertThat(Reads.read(client, root + "/empty", 0, 0, 0, 4096).data()).isEmpty();
    assertThat(Reads.read(client, root + "/f", data.length, 10, 0, 4096).data()).isEmpty();
  }

  /** Without acks the worker stops at the window; each ack lets more through. */
  @Test
  void offsetReceivedBoundsWhatIsInFlight() throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = Reads.open(client, q);
    int chunk = 32 << 10;
    long offset = 100_000;
    ReadRequest req = Reads.request(root + "/f", data.length, offset, data.length - offset, chunk, false);
    s.onNext(req);
    long got = 0;
    // Without any ack, exactly the window arrives, then nothing more.
    while (got < WINDOW) {
      Object o = q.poll(30, TimeUnit.SECONDS);
      assertThat(o).as("after %d bytes", got).isInstanceOf(ReadResponse.class);
      got += ((ReadResponse) o).getChunk().getData().size();
    }
    assertThat(got).as("bytes sent without any ack").isEqualTo(WINDOW);
    assertThat(q.poll(1, TimeUnit.SECONDS)).as("more than the window without acks").isNull();
    // An ack for part of it releases exactly that much more (offsets are absolute block offsets).
    s.onNext(req.toBuilder().setOffsetReceived(offset + 2 * chunk).build());
    long more = 0;
    while (more < 2 * chunk) {
      Object o = q.poll(30, TimeUnit.SECONDS);
      assertThat(o).isInstanceOf(ReadResponse.class);
      more += ((ReadResponse) o).getChunk().getData().size();
    }
    assertThat(more).isEqualTo(2 * chunk);
    assertThat(q.poll(1, TimeUnit.SECONDS)).as("more than the ack released").isNull();
    // Acking everything as it comes drains the rest, then the worker completes the stream.
    long pos = offset + got + more;
    s.onNext(req.toBuilder().setOffsetReceived(pos).build());
    while (true) {
      Object o = q.poll(30, TimeUnit.SECONDS);
      assertThat(o).isNotNull();
      if (o == Reads.DONE) {
        break;
      }
      pos += ((ReadResponse) o).getChunk().getData().size();
      s.onNext(req.toBuilder().setOffsetReceived(pos).build());
    }
    assertThat(pos).isEqualTo(data.length);
    s.onCompleted();
  }

  /** A client acking byte counts instead of offsets still gets the whole range (no stall). */
  @Test
  void byteCountAcksDoNotStall() throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = Reads.open(client, q);
    long offset = 600_000; // beyond the window
    int chunk = 32 << 10;
    ReadRequest req = Reads.request(root + "/f", data.length, offset, data.length - offset, chunk, false);
    s.onNext(req);
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    while (true) {
      Object o = q.poll(20, TimeUnit.SECONDS);
      assertThat(o).as("stalled after %d bytes", got.size()).isNotNull();
      if (o == Reads.DONE) {
        break;
      }
      ((ReadResponse) o).getChunk().getData().writeTo(got);
      s.onNext(req.toBuilder().setOffsetReceived(got.size()).build());
    }
    s.onCompleted();
    assertThat(got.toByteArray()).isEqualTo(Arrays.copyOfRange(data, (int) offset, data.length));
  }

  /** While the sender waits for acks, the pages of the window ahead are read into the cache. */
  @Test
  void readAheadLoadsTheWindowAhead() throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = Reads.open(client, q);
    ReadRequest req = Reads.request(root + "/f", data.length, 0, data.length, PAGE, false);
    s.onNext(req);
    long sent = 0;
    while (sent < WINDOW) {
      Object o = q.poll(10, TimeUnit.SECONDS);
      assertThat(o).isInstanceOf(ReadResponse.class);
      sent += ((ReadResponse) o).getChunk().getData().size();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (worker.stats().cachedBytes() <= sent && System.nanoTime() < deadline) {
      s.onNext(req.toBuilder().setOffsetReceived(0).build()); // no progress: only a nudge
      Thread.sleep(50);
    }
    assertThat(worker.stats().cachedBytes()).as("cached beyond the %d bytes sent", sent).isGreaterThan(sent);
    assertThat(q.poll(200, TimeUnit.MILLISECONDS)).as("nothing more sent without acks").isNull();
    s.onCompleted();
  }

  /** A client that half-closes before the end (it seeks away) ends the stream. */
  @Test
  void earlyHalfCloseEndsTheStream() throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = Reads.open(client, q);
    s.onNext(Reads.request(root + "/f", data.length, 0, data.length, 4096, false));
    assertThat(q.poll(10, TimeUnit.SECONDS)).isInstanceOf(ReadResponse.class);
    s.onCompleted();
    Object last;
    do {
      last = q.poll(10, TimeUnit.SECONDS);
    } while (last instanceof ReadResponse);
    assertThat(last).isSameAs(Reads.DONE);
  }
}
