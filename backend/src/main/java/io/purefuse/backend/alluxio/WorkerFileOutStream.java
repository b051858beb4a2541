package io.purefuse.backend.alluxio;

import alluxio.grpc.Chunk;
import alluxio.grpc.RequestType;
import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteRequestCommand;
import alluxio.grpc.WriteResponse;
import alluxio.proto.dataserver.Protocol;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.UnsupportedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sequential writer of a file created with {@code CreateFile} on its owning worker.
 *
 * <p>Data goes over one {@code WriteBlock} stream: a command naming the UFS file
 * ({@code type ALLUXIO_BLOCK}, {@code offset 0}, {@code create_ufs_file_options}), chunks at
 * rising offsets (respecting gRPC's outbound flow control), and a flush command
 * ({@code offset = bytes written}, {@code flush}) that the worker acknowledges with
 * {@code WriteResponse{offset}} once the data is durable; {@link #flush()} waits for that
 * acknowledgement. {@link #close()} flushes, half-closes, waits for the worker to end the call and
 * sends {@code CompleteFile{path, uuid}}; {@link #cancel()} cancels the stream and removes the
 * file.
 *
 * <p>A stock Alluxio 3.x worker answers {@code WriteBlock} with UNIMPLEMENTED. Until the worker
 * has acknowledged anything the stream keeps what it sent (at most {@link #REPLAY_LIMIT} bytes:
 * beyond that it flushes to find out), so on UNIMPLEMENTED it can hand everything to the
 * under-store directly ({@link DirectUfs}: a local UFS root with
 * {@code alluxio.client.write.to.ufs.enabled}), as Alluxio's own client writes; otherwise the
 * write fails with EOPNOTSUPP.
 */
final class WorkerFileOutStream implements FileOutStream {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFileOutStream.class);
  /** Bytes kept for a fall-back replay before the worker proved it takes WriteBlock. */
  static final int REPLAY_LIMIT = 4 << 20;

  /** Where data goes when the worker has no WriteBlock. */
  interface DirectUfs {
    /**
     * A writer of {@code path} straight into the under-store (overwriting what the worker's
     * CreateFile left there).
     *
     * @throws UnsupportedException the under-store is not reachable from this host
     */
    FileOutStream create(AlluxioPath path) throws BackendException;
  }

  /** The worker calls that finish or abandon the file. */
  interface Completion {
    void complete(String uuid) throws BackendException;

    void remove() throws BackendException;
  }

  private final AlluxioPath path;
  private final String uuid;
  private final FileStatus initial;
  private final Duration timeout;
  private final DirectUfs directUfs;
  private final Completion completion;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private ClientCallStreamObserver<WriteRequest> out;
  private volatile long position;
  private long acked = -1;
  private Status failure;
  private boolean serverDone;
  private boolean halfClosed;
  private List<ByteString> replay = new ArrayList<>();
  private long replayBytes;
  private FileOutStream direct;
  private boolean closed;
  private boolean cancelled;

  private WorkerFileOutStream(AlluxioPath path, String uuid, FileStatus initial, Duration timeout, DirectUfs directUfs,
      Completion completion) {
    this.path = path;
    this.uuid = uuid;
    this.initial = initial;
    this.timeout = timeout;
    this.directUfs = directUfs;
    this.completion = completion;
  }

  /**
   * Opens the WriteBlock stream on {@code channel} and sends the create command.
   *
   * @throws StatusRuntimeException the channel could not log in
   */
  static WorkerFileOutStream open(WorkerChannel channel, AlluxioPath path, String ufsPath, String uuid,
      FileStatus initial, Protocol.CreateUfsFileOptions create, Duration timeout, DirectUfs directUfs,
      Completion completion) {
    WorkerFileOutStream s = new WorkerFileOutStream(path, uuid, initial, timeout, directUfs, completion);
    channel.async().writeBlock(new ClientResponseObserver<WriteRequest, WriteResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WriteRequest> requestStream) {
        s.out = requestStream;
        requestStream.setOnReadyHandler(s::signal);
      }

      @Override
      public void onNext(WriteResponse r) {
        s.acknowledged(r.getOffset());
      }

      @Override
      public void onError(Throwable t) {
        s.ended(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        s.ended(null);
      }
    });
    s.lock.lock();
    try {
      s.out.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder()
          .setType(RequestType.ALLUXIO_BLOCK)
          .setOffset(0)
          .setCreateUfsFileOptions(create.toBuilder().setUfsPath(ufsPath))
          .build()).build());
    } finally {
      s.lock.unlock();
    }
    return s;
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void acknowledged(long offset) {
    lock.lock();
    try {
      acked = Math.max(acked, offset);
      replay = null; // the worker takes WriteBlock: no fall-back will be needed
      replayBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ended(Status error) {
    lock.lock();
    try {
      serverDone = true;
      if (error != null && failure == null) {
        failure = error;
      } else if (error == null && !halfClosed && failure == null) {
        failure = Status.UNAVAILABLE.withDescription("worker ended the write stream early");
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public FileStatus initialStatus() {
    return initial;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void write(ByteBuffer src) throws BackendException {
    lock.lock();
    try {
      checkOpen();
      if (direct == null && failure != null) {
        fallBackOrThrow();
      }
      if (direct != null) {
        direct.write(src);
        position = direct.position();
        return;
      }
      while (src.hasRemaining()) {
        int n = Math.min(src.remaining(), AlluxioClientConfig.CHUNK_SIZE);
        ByteBuffer slice = src.slice();
        slice.limit(n);
        ByteString data = ByteString.copyFrom(slice);
        awaitReady();
        if (failure != null) {
          // UNIMPLEMENTED arrived: what was sent is in the replay, this chunk is not yet.
          fallBackOrThrow();
          direct.write(data.asReadOnlyByteBuffer());
        } else {
          out.onNext(WriteRequest.newBuilder().setChunk(Chunk.newBuilder().setData(data)).build());
          if (replay != null) {
            replay.add(data);
            replayBytes += n;
          }
        }
        src.position(src.position() + n);
        position += n;
        if (direct != null) {
          direct.write(src);
          position = direct.position();
          return;
        }
        if (replay != null && replayBytes > REPLAY_LIMIT) {
          flushLocked();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void flush() throws BackendException {
    lock.lock();
    try {
      checkOpen();
      flushLocked();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void sync() throws BackendException {
    flush();
  }

  /** Sends a flush command and waits for the worker to acknowledge every byte. Lock held. */
  private void flushLocked() throws BackendException {
    if (direct == null && failure != null) {
      fallBackOrThrow();
    }
    if (direct != null) {
      direct.flush();
      return;
    }
    long target = position;
    awaitReady();
    if (failure == null) {
      out.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder()
          .setOffset(target).setFlush(true).build()).build());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (acked < target && failure == null) {
      awaitUntil(deadline, "acknowledgement of offset " + target);
    }
    if (acked < target) {
      fallBackOrThrow();
      direct.flush();
    }
  }

  /** Waits for gRPC to take another message (outbound flow control). Lock held. */
  private void awaitReady() throws BackendException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (failure == null && !out.isReady()) {
      awaitUntil(deadline, "the worker to take more data");
    }
  }

  private void awaitUntil(long deadline, String what) throws BackendException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      failure = Status.DEADLINE_EXCEEDED.withDescription("no " + what + " within " + timeout);
      out.cancel("write timed out", null);
      throw GrpcErrors.map(failure, path.toString());
    }
    try {
      changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException(ErrorCode.INTERRUPTED, path.toString(), "interrupted while writing");
    }
  }

  /**
   * The stream failed: switch to the under-store if the worker lacks WriteBlock and nothing was
   * lost, else throw the failure. Lock held.
   */
  private void fallBackOrThrow() throws BackendException {
    if (failure.getCode() != Status.Code.UNIMPLEMENTED) {
      throw GrpcErrors.map(failure, path.toString());
    }
    if (replay == null) {
      throw new BackendException(ErrorCode.IO_ERROR, path.toString(),
          "worker stopped taking WriteBlock after acknowledging data");
    }
    FileOutStream d = directUfs.create(path);
    try {
      for (ByteString b : replay) {
        d.write(b.asReadOnlyByteBuffer());
      }
    } catch (BackendException | RuntimeException e) {
      d.cancel();
      throw e;
    }
    direct = d;
    replay = null;
    replayBytes = 0;
  }

  @Override
  public void close() throws BackendException {
    lock.lock();
    try {
      if (closed || cancelled) {
        return;
      }
      if (direct == null) {
        flushLocked();
      }
      if (direct == null) {
        halfClosed = true;
        out.onCompleted();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!serverDone) {
          if (deadline - System.nanoTime() <= 0) {
            LOG.warn("worker did not end the write stream of {} within {}; completing anyway", path, timeout);
            out.cancel("write stream not ended by the worker", null);
            break;
          }
          awaitUntil(deadline, "end of the write stream");
        }
      } else {
        direct.close();
        if (!serverDone) {
          out.cancel("data written to the UFS directly", null);
        }
      }
      completion.complete(uuid);
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void cancel() throws BackendException {
    lock.lock();
    try {
      if (closed || cancelled) {
        return;
      }
      cancelled = true;
      if (!serverDone) {
        out.cancel("write cancelled", null);
      }
      if (direct != null) {
        try {
          direct.cancel();
        } catch (BackendException e) {
          LOG.debug("cancelling the direct UFS write of {}: {}", path, e.toString());
        }
      }
    } finally {
      lock.unlock();
    }
    try {
      completion.remove();
    } catch (io.purefuse.backend.NotFoundException e) {
      // already gone
    }
  }

  private void checkOpen() throws BackendException {
    if (closed || cancelled) {
      throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "stream is " + (closed ? "closed" : "cancelled"));
    }
  }

  /** Whether the data goes straight to the under-store (worker without WriteBlock). */
  boolean writesDirectly() {
    lock.lock();
    try {
      return direct != null;
    } finally {
      lock.unlock();
    }
  }
}
