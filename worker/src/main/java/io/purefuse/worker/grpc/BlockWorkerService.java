package io.purefuse.worker.grpc;

import alluxio.grpc.BlockWorkerGrpc;
import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CompleteFilePResponse;
import alluxio.grpc.CreateDirectoryPOptions;
import alluxio.grpc.CreateDirectoryPRequest;
import alluxio.grpc.CreateDirectoryPResponse;
import alluxio.grpc.CreateFilePOptions;
import alluxio.grpc.CreateFilePRequest;
import alluxio.grpc.CreateFilePResponse;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.DeletePResponse;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.ExistsPResponse;
import alluxio.grpc.FileInfo;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.GetStatusPResponse;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.ListStatusPResponse;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.LoadFileResponse;
import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.RenamePResponse;
import alluxio.grpc.SetAttributePOptions;
import alluxio.grpc.SetAttributePRequest;
import alluxio.grpc.SetAttributePResponse;
import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.worker.ufs.UfsPath;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alluxio 3.x's {@code BlockWorker} gRPC service over the worker's under-store. Every request
 * names a full UFS path, mapped (and confined) by {@link io.purefuse.worker.ufs.UfsPathMapper}.
 * Served: GetStatus, ListStatus, ReadBlock, WriteBlock, CreateFile, CompleteFile, Remove, Rename,
 * CreateDirectory, Exists, SetAttribute, LoadFile; every other method answers UNIMPLEMENTED.
 * Changes through this worker drop the affected cached pages.
 */
public final class BlockWorkerService extends BlockWorkerGrpc.BlockWorkerImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(BlockWorkerService.class);

  /** FileInfos per ListStatus message (as a stock worker batches them). */
  static final int LIST_BATCH = 100;

  private final UfsFiles files;
  private final Executor readExecutor;
  private final long readWindowBytes;
  private final FileLoader loader;

  /**
   * @param readExecutor runs ReadBlock streams (their under-store reads block)
   * @param readWindowBytes bytes a ReadBlock stream may send beyond the client's offset_received
   */
  public BlockWorkerService(UfsFiles files, Executor readExecutor, long readWindowBytes) {
    this.files = files;
    this.readExecutor = readExecutor;
    this.readWindowBytes = readWindowBytes;
    this.loader = new FileLoader(files);
  }

  /** Completes the files still open for writing (shutdown). */
  public void closeOpenFiles() {
    files.openFiles.closeAll();
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> void unary(String what, StreamObserver<T> responses, Call<T> call) {
    T answer;
    try {
      answer = call.run();
    } catch (Throwable t) {
      Status s = GrpcErrors.toStatus(t);
      if (s.getCode() == Status.Code.INTERNAL) {
        LOG.warn("{} failed", what, t);
      }
      responses.onError(s.asRuntimeException());
      return;
    }
    responses.onNext(answer);
    responses.onCompleted();
  }

  private FileInfo info(UfsPath p, FileStatus st) {
    return FileInfos.of(st, p.ufsPath(), files.cachedPercentage(p, st), FileInfos.BLOCK_SIZE);
  }

  @Override
  public void getStatus(GetStatusPRequest r, StreamObserver<GetStatusPResponse> responses) {
    unary("GetStatus", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      FileStatus st = files.ufs.getStatus(p.path());
      return GetStatusPResponse.newBuilder().setFileInfo(info(p, st)).build();
    });
  }

  @Override
  public void exists(ExistsPRequest r, StreamObserver<ExistsPResponse> responses) {
    unary("Exists", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      return ExistsPResponse.newBuilder().setExists(files.ufs.exists(p.path())).build();
    });
  }

  @Override
  public void listStatus(ListStatusPRequest r, StreamObserver<ListStatusPResponse> responses) {
    ServerCallStreamObserver<ListStatusPResponse> out = (ServerCallStreamObserver<ListStatusPResponse>) responses;
    ReadyGate gate = new ReadyGate(out);
    try {
      UfsPath dir = files.mapper.map(r.getPath());
      FileStatus st = files.ufs.getStatus(dir.path());
      if (!st.isDirectory()) {
        out.onNext(ListStatusPResponse.newBuilder().addFileInfos(info(dir, st)).build());
        out.onCompleted();
        return;
      }
      boolean recursive = r.getOptions().getRecursive();
      ListStatusPResponse.Builder batch = ListStatusPResponse.newBuilder();
      Deque<UfsPath> pending = new ArrayDeque<>();
      pending.push(dir);
      while (!pending.isEmpty()) {
        UfsPath d = pending.pop();
        try (DirectoryListing l = files.ufs.listStatus(d.path())) {
          for (FileStatus child = l.next(); child != null; child = l.next()) {
            UfsPath cp = new UfsPath(d.childUfsPath(child.name()), child.path());
            batch.addFileInfos(info(cp, child));
            if (recursive && child.isDirectory()) {
              pending.push(cp);
            }
            if (batch.getFileInfosCount() >= LIST_BATCH) {
              gate.await();
              out.onNext(batch.build());
              batch = ListStatusPResponse.newBuilder();
            }
          }
        }
      }
      if (batch.getFileInfosCount() > 0) {
        out.onNext(batch.build());
      }
      out.onCompleted();
    } catch (Throwable t) {
      if (!gate.cancelled()) {
        out.onError(GrpcErrors.toStatusException(t));
      }
    }
  }

  @Override
  public StreamObserver<ReadRequest> readBlock(StreamObserver<ReadResponse> responses) {
    return new ReadBlockStream(files, responses, readExecutor, readWindowBytes);
  }

  @Override
  public StreamObserver<WriteRequest> writeBlock(StreamObserver<WriteResponse> responses) {
    return new WriteBlockStream(files, responses);
  }

  @Override
  public void createFile(CreateFilePRequest r, StreamObserver<CreateFilePResponse> responses) {
    unary("CreateFile", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      CreateFilePOptions o = r.getOptions();
      if (p.path().isRoot()) {
        throw Status.FAILED_PRECONDITION.withDescription("IS_DIRECTORY: the UFS root").asRuntimeException();
      }
      if (o.getRecursive()) {
        files.ufs.createDirectory(p.path().parent(), CreateOptions.builder().recursive(true).build());
      }
      CreateOptions.Builder b = CreateOptions.builder().overwrite(o.getOverwrite());
      if (o.hasMode()) {
        b.mode(FileInfos.mode(o.getMode()));
      }
      files.cache.invalidate(p.cacheKey());
      FileOutStream out = files.create(p.path(), b.build());
      OpenFiles.Handle h = files.openFiles.open(p.path(), out);
      return CreateFilePResponse.newBuilder().setFileInfo(info(p, out.initialStatus())).setUuid(h.uuid).build();
    });
  }

  @Override
  public void completeFile(CompleteFilePRequest r, StreamObserver<CompleteFilePResponse> responses) {
    unary("CompleteFile", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      OpenFiles.Handle h = r.getUuid().isEmpty() ? files.openFiles.byPath(p.path()) : files.openFiles.byUuid(r.getUuid());
      if (h == null) {
        // A retried CompleteFile finds nothing open: fine as long as the file is there.
        if (!files.ufs.exists(p.path())) {
          throw Status.NOT_FOUND.withDescription("no file " + p.ufsPath()).asRuntimeException();
        }
        return CompleteFilePResponse.getDefaultInstance();
      }
      if (!h.path.equals(p.path())) {
        throw Status.INVALID_ARGUMENT.withDescription("uuid " + r.getUuid() + " belongs to another file, not "
            + p.ufsPath()).asRuntimeException();
      }
      if (files.openFiles.remove(h)) {
        synchronized (h) {
          h.out.close();
        }
      }
      files.cache.invalidate(p.cacheKey());
      return CompleteFilePResponse.getDefaultInstance();
    });
  }

  @Override
  public void remove(DeletePRequest r, StreamObserver<DeletePResponse> responses) {
    unary("Remove", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      files.cache.invalidateTree(p.cacheKey());
      if (!r.getOptions().getAlluxioOnly()) {
        files.openFiles.dropTree(p.path());
        files.ufs.delete(p.path(), r.getOptions().getRecursive());
      }
      return DeletePResponse.getDefaultInstance();
    });
  }

  @Override
  public void rename(RenamePRequest r, StreamObserver<RenamePResponse> responses) {
    unary("Rename", responses, () -> {
      UfsPath src = files.mapper.map(r.getPath());
      UfsPath dst = files.mapper.map(r.getDstPath());
      files.cache.invalidateTree(src.cacheKey());
      files.cache.invalidateTree(dst.cacheKey());
      if (r.getOptions().getOverwrite()) {
        files.ufs.rename(src.path(), dst.path(), RenameOptions.defaults());
      } else if (files.ufs.capabilities().contains(Capability.RENAME_NOREPLACE)) {
        files.ufs.rename(src.path(), dst.path(), RenameOptions.noReplaceOption());
      } else {
        if (files.ufs.exists(dst.path())) {
          throw new AlreadyExistsException(dst.path().toString(), "destination exists and overwrite is not set", null);
        }
        files.ufs.rename(src.path(), dst.path(), RenameOptions.defaults());
      }
      return RenamePResponse.getDefaultInstance();
    });
  }

  @Override
  public void createDirectory(CreateDirectoryPRequest r, StreamObserver<CreateDirectoryPResponse> responses) {
    unary("CreateDirectory", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      CreateDirectoryPOptions o = r.getOptions();
      CreateOptions.Builder b = CreateOptions.builder().recursive(o.getRecursive());
      if (o.hasMode()) {
        b.mode(FileInfos.mode(o.getMode()));
      }
      if (files.ufs.exists(p.path())) {
        FileStatus st = files.ufs.getStatus(p.path());
        if (o.getAllowExists() && st.isDirectory()) {
          return CreateDirectoryPResponse.getDefaultInstance();
        }
        throw new AlreadyExistsException(p.path().toString(), p.ufsPath() + " already exists", null);
      }
      files.ufs.createDirectory(p.path(), b.build());
      return CreateDirectoryPResponse.getDefaultInstance();
    });
  }

  @Override
  public void setAttribute(SetAttributePRequest r, StreamObserver<SetAttributePResponse> responses) {
    unary("SetAttribute", responses, () -> {
      UfsPath p = files.mapper.map(r.getPath());
      SetAttributePOptions o = r.getOptions();
      SetAttributeOptions.Builder b = SetAttributeOptions.builder();
      if (o.hasMode()) {
        b.mode(FileInfos.mode(o.getMode()));
      }
      if (o.hasOwner() && !o.getOwner().isEmpty()) {
        b.owner(o.getOwner());
      }
      if (o.hasGroup() && !o.getGroup().isEmpty()) {
        b.group(o.getGroup());
      }
      SetAttributeOptions opts = b.build();
      if (!opts.isEmpty()) {
        apply(p.path(), opts, o.getRecursive());
      }
      return SetAttributePResponse.getDefaultInstance();
    });
  }

  private void apply(AlluxioPath path, SetAttributeOptions opts, boolean recursive) throws BackendException {
    FileStatus st = files.ufs.setAttributes(path, opts);
    if (recursive && st.isDirectory()) {
      try (DirectoryListing l = files.ufs.listStatus(path)) {
        for (FileStatus c = l.next(); c != null; c = l.next()) {
          if (!c.isSymlink()) {
            apply(c.path(), opts, true);
          }
        }
      }
    }
  }

  @Override
  public void loadFile(LoadFileRequest r, StreamObserver<LoadFileResponse> responses) {
    unary("LoadFile", responses, () -> loader.load(r));
  }

  /** Blocks a unary-streaming handler until the transport can take another message. */
  private static final class ReadyGate {
    private final ServerCallStreamObserver<?> out;
    private boolean cancelled;

    ReadyGate(ServerCallStreamObserver<?> out) {
      this.out = out;
      out.setOnReadyHandler(this::signal);
      out.setOnCancelHandler(() -> {
        synchronized (this) {
          cancelled = true;
          notifyAll();
        }
      });
    }

    private synchronized void signal() {
      notifyAll();
    }

    synchronized boolean cancelled() {
      return cancelled;
    }

    /**
     * Waits for the transport. gRPC delivers onReady through the same serialized executor that
     * runs this handler, so the handler cannot rely on it while blocked: it polls
     * {@code isReady()} (a live transport check) at a short interval instead.
     */
    synchronized void await() throws InterruptedException {
      while (!out.isReady()) {
        if (cancelled || out.isCancelled()) {
          cancelled = true;
          throw Status.CANCELLED.withDescription("client went away").asRuntimeException();
        }
        wait(5);
      }
    }
  }
}
