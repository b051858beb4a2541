package io.purefuse.worker.grpc;

import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteRequestCommand;
import alluxio.grpc.WriteResponse;
import alluxio.proto.dataserver.Protocol.CreateUfsFileOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileOutStream;
import io.purefuse.worker.ufs.UfsPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code WriteBlock} stream: a first command {@code {offset = 0,
 * create_ufs_file_options{ufs_path, owner, group, mode}}}, then chunks appended in order, and
 * commands {@code {offset = bytes written, flush = true}} each answered with
 * {@code WriteResponse{offset}} once the data is durable (synced to the under-store). A command
 * whose offset is not the number of bytes written so far fails the stream (INVALID_ARGUMENT).
 *
 * <p>The data goes to the file opened by CreateFile for that path (completed later by
 * CompleteFile). Without one, the stream creates (or truncates) the file itself and completes it
 * when the client half-closes, or removes it if the stream fails. Runs on gRPC's callback thread
 * (gRPC serializes the callbacks and its flow control holds the client back meanwhile).
 */
final class WriteBlockStream implements StreamObserver<WriteRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBlockStream.class);

  private final UfsFiles files;
  private final StreamObserver<WriteResponse> responses;

  private UfsPath file;
  private FileOutStream out;
  private Object lock;
  /** True when this stream created the file itself (no CreateFile): it completes it too. */
  private boolean own;
  private boolean done;

  WriteBlockStream(UfsFiles files, StreamObserver<WriteResponse> responses) {
    this.files = files;
    this.responses = responses;
  }

  @Override
  public void onNext(WriteRequest r) {
    if (done) {
      return;
    }
    try {
      if (r.hasCommand()) {
        command(r.getCommand());
      } else if (r.hasChunk()) {
        if (out == null) {
          throw Status.INVALID_ARGUMENT.withDescription("data before the first command").asRuntimeException();
        }
        synchronized (lock) {
          out.write(r.getChunk().getData().asReadOnlyByteBuffer());
        }
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void command(WriteRequestCommand c) throws BackendException {
    if (out == null) {
      open(c);
    }
    long written;
    synchronized (lock) {
      written = out.position();
      if (c.hasOffset() && c.getOffset() != written) {
        throw Status.INVALID_ARGUMENT.withDescription("command at offset " + c.getOffset() + " but "
            + written + " bytes of " + file.ufsPath() + " were written").asRuntimeException();
      }
      if (c.getFlush()) {
        out.sync();
      }
    }
    if (c.getFlush()) {
      files.cache.invalidate(file.cacheKey());
      responses.onNext(WriteResponse.newBuilder().setOffset(written).build());
    }
  }

  private void open(WriteRequestCommand c) throws BackendException {
    if (!c.hasCreateUfsFileOptions() || c.getCreateUfsFileOptions().getUfsPath().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription(
          "the first WriteRequest must be a command with create_ufs_file_options.ufs_path").asRuntimeException();
    }
    CreateUfsFileOptions o = c.getCreateUfsFileOptions();
    file = files.mapper.map(o.getUfsPath());
    files.cache.invalidate(file.cacheKey());
    OpenFiles.Handle h = files.openFiles.byPath(file.path());
    if (h != null) {
      out = h.out;
      lock = h;
      return;
    }
    CreateOptions.Builder b = CreateOptions.builder().overwrite(true);
    if (o.hasMode()) {
      b.mode(o.getMode());
    }
    if (!o.getOwner().isEmpty()) {
      b.owner(o.getOwner());
    }
    if (!o.getGroup().isEmpty()) {
      b.group(o.getGroup());
    }
    out = files.create(file.path(), b.build());
    lock = this;
    own = true;
  }

  private void fail(Throwable t) {
    done = true;
    if (!(t instanceof StatusRuntimeException)) {
      LOG.debug("WriteBlock of {} failed", file == null ? "?" : file.ufsPath(), t);
    }
    abandon();
    responses.onError(GrpcErrors.toStatusException(t));
  }

  private void abandon() {
    if (own && out != null) {
      try {
        out.cancel();
      } catch (BackendException e) {
        LOG.warn("removing the unfinished {}: {}", file.ufsPath(), e.getMessage());
      }
    }
    if (file != null) {
      files.cache.invalidate(file.cacheKey());
    }
  }

  @Override
  public void onError(Throwable t) {
    if (!done) {
      done = true;
      abandon();
    }
  }

  @Override
  public void onCompleted() {
    if (done) {
      return;
    }
    done = true;
    try {
      if (own && out != null) {
        out.close();
      }
      if (file != null) {
        files.cache.invalidate(file.cacheKey());
      }
      responses.onCompleted();
    } catch (Throwable t) {
      responses.onError(GrpcErrors.toStatusException(t));
    }
  }
}
