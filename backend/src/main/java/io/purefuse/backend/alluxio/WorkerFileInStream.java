package io.purefuse.backend.alluxio;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.InvalidArgumentException;
import io.purefuse.backend.UnavailableException;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A positional reader of one file served by workers over {@code ReadBlock}.
 *
 * <p>Sequential readers are served from one prefetching {@link ReadBlockStream} that runs ahead
 * of them (window from {@link AlluxioClientConfig#prefetchInitial()} doubling to
 * {@link AlluxioClientConfig#prefetchMax()}), so a run of 128 KiB kernel READs never waits one
 * round trip each. The stream starts at offset 0 or where the previous read ended; a read the
 * stream does not cover is served by a one-shot {@code ReadBlock} of exactly its range, and if
 * the stream was idle (a single reader that seeked) the stream is cancelled, and the next read
 * continuing from there starts a new one. Concurrent reads inside the window share the stream;
 * others go one-shot, so parallel random readers never thrash it.
 *
 * <p>Fail-over: when the worker serving the file fails (unavailable, or silent for the idle
 * timeout), the read is re-issued from its current offset on the next ring candidate; when no
 * candidate is left it fails with EIO. Memory per open file is bounded by the maximum window
 * plus {@link ReadBlockStream#KEEP_BEHIND} and two chunks, plus the ranges of one-shot reads in
 * flight.
 */
final class WorkerFileInStream implements FileInStream {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFileInStream.class);

  /** Starts {@code ReadBlock} calls on a worker (the backend's channels). */
  interface Streams {
    ReadBlockStream open(WorkerInfo worker, long offset, long length, int window, int maxWindow);
  }

  private final AlluxioPath path;
  private final long length;
  private final List<WorkerInfo> candidates;
  private final Streams streams;
  private final AlluxioClientConfig config;
  private final Object lock = new Object();
  private ReadBlockStream stream;
  private int workerIndex;
  private long lastEnd = -1;
  private boolean closed;
  private final AtomicInteger prefetchStreams = new AtomicInteger();
  private final AtomicInteger oneShotReads = new AtomicInteger();

  WorkerFileInStream(AlluxioPath path, long length, List<WorkerInfo> candidates, Streams streams,
      AlluxioClientConfig config) {
    this.path = path;
    this.length = length;
    this.candidates = List.copyOf(candidates);
    this.streams = streams;
    this.config = config;
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws BackendException {
    if (offset < 0) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative offset " + offset, null);
    }
    synchronized (lock) {
      if (closed) {
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "stream is closed");
      }
    }
    if (offset >= length) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(dst.remaining(), length - offset);
    int total = 0;
    while (total < want) {
      total += readSome(offset + total, dst, want - total);
    }
    synchronized (lock) {
      lastEnd = offset + total;
    }
    return total;
  }

  /** Reads at least one byte of {@code [offset, offset + n)} into {@code dst}. */
  private int readSome(long offset, ByteBuffer dst, int n) throws BackendException {
    for (int attempt = 0; attempt <= candidates.size() + 1; attempt++) {
      ReadBlockStream s = streamFor(offset);
      if (s == null) {
        return oneShot(offset, dst, n);
      }
      try {
        int got = s.read(offset, dst, n, config.readTimeout());
        if (got > 0) {
          return got;
        }
        if (got < 0) {
          continue; // cancelled or dropped under us: choose again
        }
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "worker sent no data at " + offset);
      } catch (StatusRuntimeException e) {
        if (!failOver(s.worker(), e.getStatus())) {
          throw readFailure(e);
        }
        synchronized (lock) {
          if (stream == s) {
            // Re-issue from this offset on the next candidate.
            stream = startPrefetch(offset);
          }
        }
      }
    }
    // The prefetch stream kept moving under this read (other readers seeking): read it alone.
    return oneShot(offset, dst, n);
  }

  /** The prefetch stream to serve {@code offset}, started or moved if sequential, or null. */
  private ReadBlockStream streamFor(long offset) throws BackendException {
    synchronized (lock) {
      if (closed) {
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "stream is closed");
      }
      ReadBlockStream s = stream;
      if (s != null && s.covers(offset)) {
        return s;
      }
      boolean sequential = offset == lastEnd || (lastEnd < 0 && offset == 0 && s == null);
      Status failed = s == null ? null : s.failure();
      if (failed != null) {
        // Its worker failed (what it held is consumed): continue on the next candidate.
        failOver(s.worker(), failed);
      }
      if (sequential) {
        if (s != null) {
          s.cancel();
        }
        stream = startPrefetch(offset);
        return stream;
      }
      if (s != null && s.idle()) {
        // A lone reader seeked: stop prefetching where it no longer reads.
        s.cancel();
        stream = null;
      }
      return null;
    }
  }

  /** Lock held. */
  private ReadBlockStream startPrefetch(long offset) throws BackendException {
    while (true) {
      WorkerInfo w = currentWorker();
      try {
        prefetchStreams.incrementAndGet();
        return streams.open(w, offset, length - offset, config.prefetchInitial(), config.prefetchMax());
      } catch (StatusRuntimeException e) {
        if (!failOver(w, e.getStatus())) {
          throw readFailure(e);
        }
      }
    }
  }

  /**
   * The error of a read no worker can serve. Reads stay within the length seen at open, so a
   * worker's OUT_OF_RANGE means the file became shorter under this stream (replaced or truncated
   * by another client): EIO, as when a worker ends such a read early, not the EINVAL the status
   * maps to elsewhere (a reader of a file rewritten meanwhile saw EINVAL in ClusterDurabilityModelTest).
   */
  private BackendException readFailure(StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE) {
      return new BackendException(ErrorCode.IO_ERROR, path.toString(),
          "the file became shorter while open (changed by another client?): " + e.getStatus(), e);
    }
    return GrpcErrors.map(e, path.toString());
  }

  /** Reads exactly {@code [offset, offset + n)} with one-shot calls, failing over as needed. */
  private int oneShot(long offset, ByteBuffer dst, int n) throws BackendException {
    int total = 0;
    while (total < n) {
      WorkerInfo w = currentWorker();
      ReadBlockStream s = null;
      try {
        oneShotReads.incrementAndGet();
        s = streams.open(w, offset + total, n - total, n - total, n - total);
        while (total < n) {
          int got = s.read(offset + total, dst, n - total, config.readTimeout());
          if (got <= 0) {
            throw Status.DATA_LOSS.withDescription("worker " + w + " sent no data at " + (offset + total))
                .asRuntimeException();
          }
          total += got;
        }
      } catch (StatusRuntimeException e) {
        if (!failOver(w, e.getStatus())) {
          throw readFailure(e);
        }
      } finally {
        if (s != null) {
          s.cancel();
        }
      }
    }
    return total;
  }

  private WorkerInfo currentWorker() throws UnavailableException {
    synchronized (lock) {
      if (workerIndex >= candidates.size()) {
        throw new UnavailableException(path.toString(), "no worker could serve the read (tried " + candidates + ")");
      }
      return candidates.get(workerIndex);
    }
  }

  /**
   * Moves to the next candidate if {@code failed} is a worker failure ({@code UNAVAILABLE},
   * {@code DEADLINE_EXCEEDED}, a stream cut short); false for errors a retry would repeat.
   *
   * @throws UnavailableException no candidate is left (EIO)
   */
  private boolean failOver(WorkerInfo failed, Status status) throws UnavailableException {
    Status.Code c = status.getCode();
    if (c != Status.Code.UNAVAILABLE && c != Status.Code.DEADLINE_EXCEEDED && c != Status.Code.DATA_LOSS) {
      return false;
    }
    synchronized (lock) {
      if (workerIndex < candidates.size() && candidates.get(workerIndex).equals(failed)) {
        workerIndex++;
        LOG.warn("worker {} failed reading {} ({}); {}", failed, path, status,
            workerIndex < candidates.size() ? "failing over to " + candidates.get(workerIndex) : "no candidate left");
      }
      if (workerIndex >= candidates.size()) {
        throw new UnavailableException(ErrorCode.UNAVAILABLE, path.toString(),
            "no worker could serve the read (tried " + candidates + "): " + status, status.asRuntimeException());
      }
      return true;
    }
  }

  @Override
  public long length() throws BackendException {
    synchronized (lock) {
      if (closed) {
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "stream is closed");
      }
    }
    return length;
  }

  /** Prefetch streams started so far (for tests and diagnostics). */
  int prefetchStreams() {
    return prefetchStreams.get();
  }

  /** One-shot reads issued so far (for tests and diagnostics). */
  int oneShotReads() {
    return oneShotReads.get();
  }

  /** The prefetch stream now, or null (for tests). */
  ReadBlockStream currentStream() {
    synchronized (lock) {
      return stream;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (stream != null) {
        stream.cancel();
        stream = null;
      }
    }
  }
}
