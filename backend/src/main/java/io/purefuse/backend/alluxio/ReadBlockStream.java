package io.purefuse.backend.alluxio;

import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.proto.dataserver.Protocol;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code ReadBlock} call: the bytes {@code [start, end)} of a file streamed by one worker,
 * held in a bounded window ahead of the reader.
 *
 * <p>Protocol: the first request names the range ({@code block_id -1}, {@code offset},
 * {@code length}, {@code chunk_size}, {@code open_ufs_block_options}); every chunk that arrives
 * is acknowledged with the same request carrying {@code offset_received} (the absolute file
 * offset received so far, as Alluxio's reader sends it); after the last byte the client
 * half-closes. Memory: gRPC's inbound flow control is manual, and chunks are requested only to
 * cover {@code window} bytes beyond the furthest byte a reader asked for; chunks more than
 * {@link #KEEP_BEHIND} bytes behind the furthest byte served are dropped. The window doubles up
 * to its maximum each time the readers consumed a full window.
 *
 * <p>Thread safe: any number of readers may wait on the stream at once.
 */
final class ReadBlockStream {
  /** Bytes kept behind the furthest read so that slightly out-of-order parallel reads hit. */
  static final long KEEP_BEHIND = 1 << 20;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final WorkerInfo worker;
  private final long start;
  private final long end;
  private final ReadRequest request;
  private final int chunkSize;
  private final int maxWindow;
  private ClientCallStreamObserver<ReadRequest> out;
  private final ArrayDeque<ByteString> chunks = new ArrayDeque<>();
  private long chunksStart;
  private long received;
  private long readMark;
  private long wantMark;
  private long grownAt;
  private int outstanding;
  private int window;
  private Status failure;
  private boolean completed;
  private boolean halfClosed;
  private boolean cancelled;
  private int activeReaders;
  private long lastProgressNs;

  private ReadBlockStream(WorkerInfo worker, ReadRequest request, int window, int maxWindow) {
    this.worker = worker;
    this.request = request;
    this.start = request.getOffset();
    this.end = request.getOffset() + request.getLength();
    this.chunkSize = (int) request.getChunkSize();
    this.window = window;
    this.maxWindow = Math.max(window, maxWindow);
    this.chunksStart = start;
    this.received = start;
    this.readMark = start;
    this.wantMark = start;
    this.grownAt = start;
    this.lastProgressNs = System.nanoTime();
  }

  /** The first request of a read of {@code [offset, offset + length)} of a file. */
  static ReadRequest request(String ufsPath, long fileLength, long offset, long length, boolean noCache) {
    return ReadRequest.newBuilder()
        .setBlockId(-1)
        .setOffset(offset)
        .setLength(length)
        .setChunkSize(AlluxioClientConfig.CHUNK_SIZE)
        .setOpenUfsBlockOptions(Protocol.OpenUfsBlockOptions.newBuilder()
            .setUfsPath(ufsPath)
            .setOffsetInFile(0)
            .setBlockSize(fileLength)
            .setNoCache(noCache)
            .build())
        .build();
  }

  /** Starts the call; data flows once readers ask for it (the first window is asked at once). */
  static ReadBlockStream open(WorkerChannel channel, ReadRequest request, int window, int maxWindow) {
    ReadBlockStream s = new ReadBlockStream(channel.worker(), request, window, maxWindow);
    s.start(channel);
    return s;
  }

  private void start(WorkerChannel channel) {
    ClientResponseObserver<ReadRequest, ReadResponse> in = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<ReadRequest> requestStream) {
        out = requestStream;
        requestStream.disableAutoRequestWithInitial(0);
      }

      @Override
      public void onNext(ReadResponse r) {
        chunk(r);
      }

      @Override
      public void onError(Throwable t) {
        failed(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended();
      }
    };
    // The channel's login may throw before the call exists: nothing to clean up then.
    channel.async().readBlock(in);
    lock.lock();
    try {
      out.onNext(request);
      if (start >= end) {
        halfClose();
      }
      pump();
    } finally {
      lock.unlock();
    }
  }

  WorkerInfo worker() {
    return worker;
  }

  long start() {
    return start;
  }

  private void chunk(ReadResponse r) {
    lock.lock();
    try {
      if (cancelled || failure != null) {
        return;
      }
      outstanding = Math.max(0, outstanding - 1);
      ByteString data = r.hasChunk() ? r.getChunk().getData() : ByteString.EMPTY;
      if (data.isEmpty()) {
        pump(); // a heartbeat: ask for its replacement
        return;
      }
      if (received + data.size() > end) {
        fail(Status.DATA_LOSS.withDescription("worker " + worker + " sent past the requested range"));
        return;
      }
      chunks.addLast(data);
      received += data.size();
      lastProgressNs = System.nanoTime();
      if (!halfClosed) {
        out.onNext(request.toBuilder().setOffsetReceived(received).build());
        if (received >= end) {
          halfClose();
        }
      }
      pump();
      changed.signalAll();
    } catch (RuntimeException e) {
      fail(Status.INTERNAL.withDescription("read stream failed: " + e).withCause(e));
    } finally {
      lock.unlock();
    }
  }

  private void failed(Status s) {
    lock.lock();
    try {
      if (failure == null && !cancelled) {
        // We did not cancel: the worker or the connection did (a server shutting down resets
        // its streams), which is a worker failure like any other.
        failure = s.getCode() == Status.Code.CANCELLED
            ? Status.UNAVAILABLE.withDescription("worker " + worker + " cancelled the read: " + s.getDescription())
            : s;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ended() {
    lock.lock();
    try {
      completed = true;
      if (received < end && failure == null && !cancelled) {
        failure = Status.DATA_LOSS.withDescription("worker " + worker + " ended the read at " + received
            + " of [" + start + ", " + end + ")");
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Fails the stream from our side (cancels the call). Lock held. */
  private void fail(Status s) {
    if (failure == null) {
      failure = s;
    }
    if (!completed) {
      out.cancel(s.getDescription(), null);
    }
    changed.signalAll();
  }

  private void halfClose() {
    if (!halfClosed) {
      halfClosed = true;
      out.onCompleted();
    }
  }

  /** Requests chunks so that {@code window} bytes beyond the furthest wanted byte are coming. Lock held. */
  private void pump() {
    if (cancelled || failure != null || halfClosed || out == null) {
      return;
    }
    long target = Math.min(end, Math.max(readMark, wantMark) + window);
    int n = 0;
    while (received + (long) (outstanding + n) * chunkSize < target) {
      n++;
    }
    if (n > 0) {
      outstanding += n;
      out.request(n);
    }
  }

  /**
   * Whether a read at {@code offset} belongs to this stream: its bytes are held or will arrive
   * within the window.
   */
  boolean covers(long offset) {
    lock.lock();
    try {
      if (cancelled || offset < chunksStart) {
        return false;
      }
      if (offset < received) {
        return true; // held, even if the call failed since
      }
      // Not yet here: ours if it lies within the window ahead of the furthest read.
      return failure == null && offset < end && offset <= readMark + window;
    } finally {
      lock.unlock();
    }
  }

  /** Why the call failed, or null while it is healthy (or ended normally). */
  Status failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** No reader is waiting on the stream. */
  boolean idle() {
    lock.lock();
    try {
      return activeReaders == 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies up to {@code length} bytes at {@code offset} into {@code dst}, waiting for them to
   * arrive (at most {@code idle} without any chunk arriving).
   *
   * @return the count copied (short only if the stream failed after delivering some), or -1 if
   *     the stream no longer holds {@code offset} (dropped, cancelled): the caller reads
   *     elsewhere
   * @throws StatusRuntimeException the worker failed the stream, or DEADLINE_EXCEEDED when no
   *     chunk came within {@code idle}
   */
  int read(long offset, ByteBuffer dst, int length, Duration idle) {
    long wantEnd = Math.min(end, offset + length);
    lock.lock();
    activeReaders++;
    try {
      if (offset < chunksStart || offset >= end) {
        return -1;
      }
      wantMark = Math.max(wantMark, wantEnd);
      pump();
      long waitStart = System.nanoTime();
      long idleNs = idle.toNanos();
      while (received < wantEnd && failure == null && !cancelled && !completed) {
        long deadline = Math.max(lastProgressNs, waitStart) + idleNs;
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(Status.DEADLINE_EXCEEDED.withDescription("no data from worker " + worker + " for " + idle));
          break;
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.withDescription("interrupted while reading").asRuntimeException();
        }
      }
      if (cancelled || offset < chunksStart) {
        return -1;
      }
      int copied = copy(offset, dst, (int) (Math.min(wantEnd, received) - offset));
      if (copied <= 0 && failure != null) {
        throw failure.asRuntimeException();
      }
      advance(offset + Math.max(copied, 0));
      return Math.max(copied, 0);
    } finally {
      activeReaders--;
      lock.unlock();
    }
  }

  /** Copies {@code count} held bytes at {@code offset}. Lock held. */
  private int copy(long offset, ByteBuffer dst, int count) {
    if (count <= 0) {
      return 0;
    }
    long pos = chunksStart;
    int copied = 0;
    for (ByteString c : chunks) {
      long cEnd = pos + c.size();
      long from = offset + copied;
      if (cEnd > from) {
        int in = (int) (from - pos);
        int n = (int) Math.min(c.size() - in, count - copied);
        // ByteString.copyTo(ByteBuffer) copies all; substring is a view for literal strings.
        c.substring(in, in + n).copyTo(dst);
        copied += n;
        if (copied == count) {
          break;
        }
      }
      pos = cEnd;
    }
    return copied;
  }

  /** Moves the read mark, grows the window, drops what lies far behind. Lock held. */
  private void advance(long servedEnd) {
    if (servedEnd > readMark) {
      readMark = servedEnd;
      if (readMark - grownAt >= window && window < maxWindow) {
        window = (int) Math.min((long) window * 2, maxWindow);
        grownAt = readMark;
      }
    }
    while (!chunks.isEmpty() && chunksStart + chunks.peekFirst().size() <= readMark - KEEP_BEHIND) {
      chunksStart += chunks.pollFirst().size();
    }
    pump();
  }

  /**
   * Cancels the call (unless every byte arrived and it is half-closed already) and drops the
   * data; waiting readers get -1. Idempotent.
   */
  void cancel() {
    lock.lock();
    try {
      if (cancelled) {
        return;
      }
      cancelled = true;
      // After the last byte the call is half-closed and the worker ends it: no reset needed.
      if (!completed && !halfClosed && failure == null && out != null) {
        out.cancel("read stream closed by the client", null);
      }
      chunks.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The current window (for tests and diagnostics). */
  int window() {
    lock.lock();
    try {
      return window;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes held in memory now (for tests and diagnostics). */
  long heldBytes() {
    lock.lock();
    try {
      return received - chunksStart;
    } finally {
      lock.unlock();
    }
  }
}
