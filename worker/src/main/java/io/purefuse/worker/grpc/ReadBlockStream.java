package io.purefuse.worker.grpc;

import alluxio.grpc.Chunk;
import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.proto.dataserver.Protocol.OpenUfsBlockOptions;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.purefuse.backend.FileStatus;
import io.purefuse.worker.cache.FileVersion;
import io.purefuse.worker.ufs.UfsPath;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ReadBlock} stream. The first {@link ReadRequest} names the range: a UFS "block"
 * ({@code block_id = -1}, {@code open_ufs_block_options{ufs_path, offset_in_file, block_size,
 * no_cache}}) and {@code offset}/{@code length} inside it; chunks of {@code chunk_size} bytes
 * (default {@link #DEFAULT_CHUNK}, at most {@link #MAX_CHUNK}) go out in order, and the stream is
 * completed right after the last byte. Later requests carry {@code offset_received}: the block
 * offset up to which the client has received (Alluxio's client sends request offset + bytes
 * received). No more than the window is ever in flight beyond it, and nothing is sent while
 * the transport is not ready, so a slow client costs a bounded amount of memory. A client that
 * half-closes early ends the stream (the rest is not sent).
 *
 * <p>Work runs on an executor, never on gRPC's callback thread, and is serialized per stream.
 * While chunks go out, the pages of the window ahead are loaded into the cache by one
 * background task per stream (with its own under-store handle), so under-store reads overlap
 * with sending; the sender then finds them cached or waits for that one load.
 */
final class ReadBlockStream implements StreamObserver<ReadRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ReadBlockStream.class);

  /** Chunk size when the request names none (Alluxio's default). */
  static final int DEFAULT_CHUNK = 1 << 20;
  /** Largest chunk sent: stays below gRPC's default 4 MiB inbound message limit of clients. */
  static final int MAX_CHUNK = 2 << 20;

  private final UfsFiles files;
  private final ServerCallStreamObserver<ReadResponse> out;
  private final Executor executor;
  private final long windowBytes;
  private final AtomicInteger wip = new AtomicInteger();
  /** A read-ahead task is running (at most one per stream). */
  private final java.util.concurrent.atomic.AtomicBoolean prefetching = new java.util.concurrent.atomic.AtomicBoolean();

  private volatile ReadRequest first;
  private volatile long received;
  /** The client acks bytes received rather than absolute offsets (gRPC callbacks only). */
  private boolean relativeAcks;
  private volatile boolean clientDone;
  private volatile boolean cancelled;

  // Touched only by the serialized drain.
  private boolean opened;
  private boolean finished;
  private UfsPath file;
  private FileVersion version;
  private UfsFiles.LazySource source;
  private long blockStart;
  private long pos;
  private long end;
  private int chunk;
  private boolean noCache;
  /** Block offset up to which read-ahead has been requested. */
  private long prefetchedTo;

  ReadBlockStream(UfsFiles files, StreamObserver<ReadResponse> responses, Executor executor, long windowBytes) {
    this.files = files;
    this.out = (ServerCallStreamObserver<ReadResponse>) responses;
    this.executor = executor;
    this.windowBytes = windowBytes;
    out.setOnReadyHandler(this::schedule);
    out.setOnCancelHandler(() -> {
      cancelled = true;
      schedule();
    });
  }

  @Override
  public void onNext(ReadRequest r) {
    if (first == null) {
      received = r.getOffset();
      first = r;
    } else if (r.hasOffsetReceived()) {
      long v = r.getOffsetReceived();
      long start = first.getOffset();
      // Alluxio's client acks absolute offsets (>= the request offset). A value below the
      // request offset can only be a count of bytes received: read this stream's acks that way
      // from then on, rather than stall it. (Counts seen before that point under-estimate
      // progress by at most the offset, which is then below one chunk: no stall either.)
      if (relativeAcks || v < start) {
        relativeAcks = true;
        v = start + v;
      }
      if (v > received) {
        received = v;
      }
    }
    schedule();
  }

  @Override
  public void onError(Throwable t) {
    cancelled = true;
    schedule();
  }

  @Override
  public void onCompleted() {
    clientDone = true;
    schedule();
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException e) {
        // Executor shut down: the server is stopping.
        wip.set(0);
        cancelled = true;
        finish(Status.UNAVAILABLE.withDescription("worker is shutting down").asRuntimeException());
      }
    }
  }

  private void drain() {
    do {
      try {
        step();
      } catch (Throwable t) {
        finish(t);
      }
    } while (wip.decrementAndGet() != 0);
  }

  private void step() throws Exception {
    if (finished) {
      return;
    }
    if (cancelled) {
      finish(null);
      return;
    }
    ReadRequest r = first;
    if (r == null) {
      if (clientDone) {
        finish(null);
      }
      return;
    }
    if (!opened) {
      open(r);
      opened = true;
    }
    while (pos < end && !cancelled && !clientDone) {
      prefetch();
      if (pos - received >= Math.max(windowBytes, chunk) || !out.isReady()) {
        return; // an ack or the ready handler schedules the next step
      }
      int n = (int) Math.min(chunk, end - pos);
      ByteString data = files.cache.read(file.cacheKey(), version, blockStart + pos, n, source, noCache);
      if (data.isEmpty()) {
        end = pos;
        break;
      }
      out.onNext(ReadResponse.newBuilder().setChunk(Chunk.newBuilder().setData(data)).build());
      pos += data.size();
    }
    if (pos >= end || clientDone || cancelled) {
      finish(null);
    }
  }

  /** Starts loading the pages of {@code [pos + chunk, pos + window)} unless already asked for. */
  private void prefetch() {
    if (noCache) {
      return;
    }
    long from = Math.max(prefetchedTo, pos + chunk);
    long to = Math.min(end, pos + Math.max(windowBytes, chunk));
    if (from >= to || !prefetching.compareAndSet(false, true)) {
      return;
    }
    prefetchedTo = to;
    UfsPath f = file;
    FileVersion v = version;
    long start = blockStart;
    try {
      executor.execute(() -> {
        try (UfsFiles.LazySource src = files.source(f)) {
          files.cache.load(f.cacheKey(), v, start + from, to - from, src);
        } catch (Throwable t) {
          // Read-ahead only: the sender loads (and reports) what is missing itself.
          LOG.debug("read-ahead of {} failed: {}", f.ufsPath(), t.toString());
        } finally {
          prefetching.set(false);
        }
      });
    } catch (RuntimeException e) {
      prefetching.set(false);
    }
  }

  private void open(ReadRequest r) throws Exception {
    if (!r.hasOpenUfsBlockOptions() || r.getOpenUfsBlockOptions().getUfsPath().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription(
          "ReadRequest needs open_ufs_block_options.ufs_path (block ids are not served)").asRuntimeException();
    }
    OpenUfsBlockOptions o = r.getOpenUfsBlockOptions();
    file = files.mapper.map(o.getUfsPath());
    FileStatus st = files.readableStatus(file);
    version = FileVersion.of(st);
    blockStart = Math.max(0, o.getOffsetInFile());
    long blockSize = o.hasBlockSize() && o.getBlockSize() >= 0 ? o.getBlockSize() : st.length() - blockStart;
    long available = Math.max(0, Math.min(blockSize, st.length() - blockStart));
    long offset = r.getOffset();
    if (offset < 0 || (offset > available && offset > 0)) {
      throw Status.OUT_OF_RANGE.withDescription("offset " + offset + " is beyond the " + available
          + " bytes of " + file.ufsPath()).asRuntimeException();
    }
    long length = r.hasLength() && r.getLength() >= 0 ? r.getLength() : available - offset;
    pos = offset;
    end = Math.min(available, offset + length);
    long c = r.getChunkSize() > 0 ? r.getChunkSize() : DEFAULT_CHUNK;
    chunk = (int) Math.min(c, MAX_CHUNK);
    noCache = o.getNoCache();
    source = files.source(file);
  }

  private void finish(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    if (source != null) {
      source.close();
    }
    if (cancelled) {
      return;
    }
    try {
      if (error == null) {
        out.onCompleted();
      } else {
        if (!(error instanceof io.grpc.StatusRuntimeException)) {
          LOG.debug("ReadBlock of {} failed", file == null ? "?" : file.ufsPath(), error);
        }
        out.onError(GrpcErrors.toStatusException(error));
      }
    } catch (RuntimeException e) {
      // The call was cancelled under us.
    }
  }
}
