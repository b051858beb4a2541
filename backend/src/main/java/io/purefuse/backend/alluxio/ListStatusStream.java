package io.purefuse.backend.alluxio;

import alluxio.grpc.FileInfo;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.ListStatusPResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ListStatus} server stream consumed lazily with gRPC's manual flow control: one
 * response batch is requested at a time, so at most the batch being consumed and the next one
 * sit in memory however large the directory is. A batch that does not come within the idle
 * timeout fails the stream (no hang).
 */
final class ListStatusStream implements AutoCloseable {
  private static final Object END = new Object();

  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final Duration idleTimeout;
  private volatile ClientCallStreamObserver<ListStatusPRequest> call;
  private Iterator<FileInfo> batch = List.<FileInfo>of().iterator();
  private boolean ended;
  private long batches;

  private ListStatusStream(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  /** Starts the call on {@code channel}; nothing is waited for yet. */
  static ListStatusStream start(WorkerChannel channel, ListStatusPRequest request, Duration idleTimeout) {
    ListStatusStream s = new ListStatusStream(idleTimeout);
    channel.async().listStatus(request, new ClientResponseObserver<ListStatusPRequest, ListStatusPResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<ListStatusPRequest> requestStream) {
        s.call = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
      }

      @Override
      public void onNext(ListStatusPResponse value) {
        s.events.add(value.getFileInfosList());
      }

      @Override
      public void onError(Throwable t) {
        s.events.add(t);
      }

      @Override
      public void onCompleted() {
        s.events.add(END);
      }
    });
    return s;
  }

  /**
   * The next entry, or null at the end.
   *
   * @throws StatusRuntimeException the worker failed the stream, or DEADLINE_EXCEEDED when no
   *     batch arrived within the idle timeout
   */
  FileInfo next() {
    while (!batch.hasNext()) {
      if (ended) {
        return null;
      }
      Object e;
      try {
        e = events.poll(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        close();
        throw Status.CANCELLED.withDescription("interrupted while listing").asRuntimeException();
      }
      if (e == null) {
        close();
        throw Status.DEADLINE_EXCEEDED.withDescription("no listing batch within " + idleTimeout).asRuntimeException();
      }
      if (e == END) {
        ended = true;
        return null;
      }
      if (e instanceof Throwable) {
        ended = true;
        throw Status.fromThrowable((Throwable) e).asRuntimeException();
      }
      @SuppressWarnings("unchecked")
      List<FileInfo> infos = (List<FileInfo>) e;
      batches++;
      batch = infos.iterator();
      // Ask for the next batch while this one is consumed: at most two batches are held.
      call.request(1);
    }
    return batch.next();
  }

  /** Batches received so far. */
  long batches() {
    return batches;
  }

  /** Cancels the call if it is still running. Idempotent. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      ClientCallStreamObserver<ListStatusPRequest> c = call;
      if (c != null) {
        c.cancel("listing closed", null);
      }
    }
  }
}
