package io.purefuse.backend.alluxio;

import alluxio.grpc.BlockWorkerGrpc;
import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CompleteFilePResponse;
import alluxio.grpc.CreateDirectoryPRequest;
import alluxio.grpc.CreateDirectoryPResponse;
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
import alluxio.grpc.LoadSubTask;
import alluxio.grpc.PMode;
import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.RenamePResponse;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import alluxio.grpc.SetAttributePRequest;
import alluxio.grpc.SetAttributePResponse;
import alluxio.grpc.TaskStatus;
import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteResponse;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A minimal Alluxio 3.x worker for tests: the BlockWorker and SASL services over a local
 * directory on a loopback port, recording every request it receives (with the call's
 * {@code channel-id}) so tests can assert the exact bytes the client sends. Paths in requests are
 * full UFS paths and are used as local paths (they must lie under {@link #root()}).
 *
 * <p>Knobs: {@code requireLogin} (SIMPLE: refuse calls whose channel is not logged in),
 * {@code writeBlock} (false: WriteBlock is UNIMPLEMENTED, as on a stock worker),
 * {@code listBatch} entries per ListStatus response, {@link #stallReads} / {@link #stallUnary}
 * (never answer), {@link #failGetStatus} (answer GetStatus with a status).
 */
final class RecordingWorker implements AutoCloseable {
  static final Metadata.Key<String> CHANNEL_ID = Metadata.Key.of("channel-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALL_CHANNEL = Context.key("channel-id");

  /** One request message as received, with the call's channel id (null if none). */
  record Received(String method, Message request, String channelId) {}

  private final Path root;
  private final boolean requireLogin;
  private final boolean writeBlock;
  private final int listBatch;
  private final WorkerInfo info;
  private final Server server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<SaslMessage> logins = new CopyOnWriteArrayList<>();
  final Set<String> loggedIn = ConcurrentHashMap.newKeySet();
  final AtomicInteger readCalls = new AtomicInteger();
  final AtomicInteger listBatchesSent = new AtomicInteger();
  final AtomicInteger bytesSent = new AtomicInteger();
  final Map<String, String> openFiles = new ConcurrentHashMap<>();
  final Set<String> loaded = ConcurrentHashMap.newKeySet();
  volatile boolean stallReads;
  volatile boolean stallUnary;
  volatile Status failGetStatus;

  RecordingWorker(Path root, boolean requireLogin, boolean writeBlock, int listBatch) throws IOException {
    this(root, requireLogin, writeBlock, listBatch, UUID.randomUUID());
  }

  RecordingWorker(Path root, boolean requireLogin, boolean writeBlock, int listBatch, UUID id) throws IOException {
    this.root = root;
    this.requireLogin = requireLogin;
    this.writeBlock = writeBlock;
    this.listBatch = listBatch;
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new Worker(), new LoginCheck()))
        .addService(new Sasl())
        .build()
        .start();
    this.info = new WorkerInfo(WorkerIdentity.of(id), WorkerAddress.rpc("127.0.0.1", server.getPort()));
  }

  Path root() {
    return root;
  }

  WorkerInfo info() {
    return info;
  }

  int port() {
    return server.getPort();
  }

  /** Received requests of one method. */
  List<Received> calls(String method) {
    return received.stream().filter(r -> r.method.equals(method)).toList();
  }

  @SuppressWarnings("unchecked")
  <T extends Message> List<T> requests(String method) {
    return received.stream().filter(r -> r.method.equals(method)).map(r -> (T) r.request).toList();
  }

  /** Kills the server at once (in-flight calls fail UNAVAILABLE on the client). */
  void kill() {
    server.shutdownNow();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private void record(String method, Message m) {
    received.add(new Received(method, m, CALL_CHANNEL.get()));
  }

  private Path local(String ufsPath) {
    Path p = Paths.get(ufsPath.endsWith("/") && ufsPath.length() > 1 ? ufsPath.substring(0, ufsPath.length() - 1) : ufsPath);
    if (!p.normalize().startsWith(root)) {
      throw Status.INVALID_ARGUMENT.withDescription("outside the UFS: " + ufsPath).asRuntimeException();
    }
    return p;
  }

  private FileInfo fileInfo(Path p) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = 0;
    for (PosixFilePermission perm : a.permissions()) {
      mode |= 1 << (8 - perm.ordinal());
    }
    String ufs = p.toString();
    return FileInfo.newBuilder()
        .setName(p.getFileName() == null ? "" : p.getFileName().toString())
        .setPath(ufs)
        .setUfsPath(ufs)
        .setLength(a.isDirectory() ? 0 : a.size())
        .setFolder(a.isDirectory())
        .setCompleted(!openFiles.containsValue(ufs))
        .setMode(mode)
        .setOwner(a.owner().getName())
        .setGroup(a.group().getName())
        .setLastModificationTimeMs(a.lastModifiedTime().toMillis())
        .setLastAccessTimeMs(a.lastAccessTime().toMillis())
        .setCreationTimeMs(a.creationTime().toMillis())
        .setInAlluxioPercentage(loaded.contains(ufs) ? 100 : 0)
        .build();
  }

  private static Status status(IOException e) {
    if (e instanceof NoSuchFileException) {
      return Status.NOT_FOUND.withDescription(e.getMessage());
    }
    if (e instanceof FileAlreadyExistsException) {
      return Status.ALREADY_EXISTS.withDescription(e.getMessage());
    }
    if (e instanceof DirectoryNotEmptyException) {
      return Status.FAILED_PRECONDITION.withDescription("directory not empty: " + e.getMessage());
    }
    return Status.INTERNAL.withDescription(e.toString());
  }

  private interface Body<T> {
    T run() throws IOException;
  }

  private <T> void unary(String method, Message req, StreamObserver<T> out, Body<T> body) {
    record(method, req);
    if (stallUnary) {
      return; // never answers
    }
    try {
      out.onNext(body.run());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(status(e).asRuntimeException());
    } catch (UncheckedIOException e) {
      out.onError(status(e.getCause()).asRuntimeException());
    } catch (io.grpc.StatusRuntimeException e) {
      out.onError(e);
    }
  }

  /** SIMPLE: refuses calls whose channel-id names no logged-in channel. */
  private final class LoginCheck implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      String id = headers.get(CHANNEL_ID);
      if (requireLogin && (id == null || !loggedIn.contains(id))) {
        received.add(new Received(call.getMethodDescriptor().getBareMethodName() + "!refused", null, id));
        call.close(Status.UNAUTHENTICATED.withDescription("channel " + id + " is not authenticated"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(Context.current().withValue(CALL_CHANNEL, id), call, headers, next);
    }
  }

  private final class Sasl extends SaslAuthenticationServiceGrpc.SaslAuthenticationServiceImplBase {
    @Override
    public StreamObserver<SaslMessage> authenticate(StreamObserver<SaslMessage> out) {
      String[] client = new String[1];
      return new StreamObserver<>() {
        @Override
        public void onNext(SaslMessage m) {
          logins.add(m);
          byte[] b = m.getMessage().toByteArray();
          if (m.getAuthenticationScheme() != ChannelAuthenticationScheme.SIMPLE || b.length < 2 || b[0] != 0) {
            out.onError(Status.UNAUTHENTICATED.withDescription("bad login").asRuntimeException());
            return;
          }
          client[0] = m.getClientId();
          loggedIn.add(m.getClientId());
          out.onNext(SaslMessage.newBuilder().setMessageType(SaslMessageType.SUCCESS).build());
        }

        @Override
        public void onError(Throwable t) {
          if (client[0] != null) {
            loggedIn.remove(client[0]);
          }
        }

        @Override
        public void onCompleted() {
          if (client[0] != null) {
            loggedIn.remove(client[0]);
          }
          out.onCompleted();
        }
      };
    }
  }

  private final class Worker extends BlockWorkerGrpc.BlockWorkerImplBase {
    @Override
    public void getStatus(GetStatusPRequest req, StreamObserver<GetStatusPResponse> out) {
      unary("GetStatus", req, out, () -> {
        Status fail = failGetStatus;
        if (fail != null) {
          throw fail.asRuntimeException();
        }
        return GetStatusPResponse.newBuilder().setFileInfo(fileInfo(local(req.getPath()))).build();
      });
    }

    @Override
    public void exists(ExistsPRequest req, StreamObserver<ExistsPResponse> out) {
      unary("Exists", req, out, () -> ExistsPResponse.newBuilder()
          .setExists(Files.exists(local(req.getPath()), LinkOption.NOFOLLOW_LINKS)).build());
    }

    @Override
    public void listStatus(ListStatusPRequest req, StreamObserver<ListStatusPResponse> responses) {
      record("ListStatus", req);
      ServerCallStreamObserver<ListStatusPResponse> out = (ServerCallStreamObserver<ListStatusPResponse>) responses;
      Path dir = local(req.getPath());
      if (!Files.exists(dir)) {
        out.onError(Status.NOT_FOUND.withDescription(req.getPath()).asRuntimeException());
        return;
      }
      List<Path> entries;
      try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.of(dir)) {
        entries = s.sorted(Comparator.comparing(Path::toString)).toList();
      } catch (IOException e) {
        out.onError(status(e).asRuntimeException());
        return;
      }
      int[] next = {0};
      boolean[] done = {false};
      // Honest flow control: send a batch only while the transport takes more.
      Runnable pump = () -> {
        while (!done[0] && out.isReady() && !out.isCancelled()) {
          if (next[0] >= entries.size()) {
            done[0] = true;
            out.onCompleted();
            return;
          }
          ListStatusPResponse.Builder b = ListStatusPResponse.newBuilder();
          for (int i = 0; i < listBatch && next[0] < entries.size(); i++) {
            try {
              b.addFileInfos(fileInfo(entries.get(next[0]++)));
            } catch (IOException e) {
              // vanished: skip
            }
          }
          listBatchesSent.incrementAndGet();
          out.onNext(b.build());
        }
      };
      out.setOnReadyHandler(pump);
      pump.run();
    }

    @Override
    public StreamObserver<ReadRequest> readBlock(StreamObserver<ReadResponse> responses) {
      readCalls.incrementAndGet();
      ServerCallStreamObserver<ReadResponse> out = (ServerCallStreamObserver<ReadResponse>) responses;
      class Reader implements StreamObserver<ReadRequest> {
        FileChannel file;
        long pos;
        long end;
        int chunk;
        boolean done;
        boolean clientHalfClosed;
        boolean callEnded;

        @Override
        public synchronized void onNext(ReadRequest r) {
          record("ReadBlock", r);
          if (r.hasOffsetReceived()) {
            return;
          }
          try {
            file = FileChannel.open(local(r.getOpenUfsBlockOptions().getUfsPath()), StandardOpenOption.READ);
          } catch (IOException e) {
            out.onError(status(e).asRuntimeException());
            done = true;
            callEnded = true;
            return;
          }
          pos = r.getOffset();
          end = Math.min(r.getOffset() + r.getLength(), r.getOpenUfsBlockOptions().getBlockSize());
          chunk = (int) r.getChunkSize();
          pump();
        }

        private synchronized void pump() {
          if (stallReads || file == null) {
            return;
          }
          try {
            while (!done && out.isReady() && !out.isCancelled()) {
              if (pos >= end) {
                // All sent; the call ends when the client half-closes (so every acknowledgement
                // is recorded). A stock worker ends it here; the client copes with both.
                done = true;
                file.close();
                if (clientHalfClosed && !callEnded) {
                  callEnded = true;
                  out.onCompleted();
                }
                return;
              }
              ByteBuffer b = ByteBuffer.allocate((int) Math.min(chunk, end - pos));
              while (b.hasRemaining() && file.read(b, pos + b.position()) > 0) {
                // fill
              }
              b.flip();
              pos += b.remaining();
              bytesSent.addAndGet(b.remaining());
              out.onNext(ReadResponse.newBuilder()
                  .setChunk(alluxio.grpc.Chunk.newBuilder().setData(ByteString.copyFrom(b))).build());
            }
          } catch (IOException e) {
            done = true;
            callEnded = true;
            out.onError(status(e).asRuntimeException());
          }
        }

        @Override
        public void onError(Throwable t) {
          close();
        }

        @Override
        public synchronized void onCompleted() {
          record("ReadBlock:half-close", ReadRequest.getDefaultInstance());
          clientHalfClosed = true;
          if (done && !callEnded) {
            callEnded = true;
            out.onCompleted();
          }
        }

        private synchronized void close() {
          done = true;
          try {
            if (file != null) {
              file.close();
            }
          } catch (IOException e) {
            // ignore
          }
        }
      }
      Reader reader = new Reader();
      // Data flows as the client's flow control lets it (the handler must be set before returning).
      out.setOnReadyHandler(reader::pump);
      return reader;
    }

    @Override
    public StreamObserver<WriteRequest> writeBlock(StreamObserver<WriteResponse> out) {
      if (!writeBlock) {
        record("WriteBlock", WriteRequest.getDefaultInstance());
        return super.writeBlock(out); // UNIMPLEMENTED, as a stock 3.x worker
      }
      return new StreamObserver<>() {
        FileChannel file;
        long written;

        @Override
        public void onNext(WriteRequest r) {
          record("WriteBlock", r);
          try {
            if (r.hasCommand() && r.getCommand().hasCreateUfsFileOptions()) {
              file = FileChannel.open(local(r.getCommand().getCreateUfsFileOptions().getUfsPath()),
                  StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            } else if (r.hasChunk()) {
              ByteBuffer b = r.getChunk().getData().asReadOnlyByteBuffer();
              while (b.hasRemaining()) {
                written += file.write(b, written);
              }
            } else if (r.hasCommand() && r.getCommand().getFlush()) {
              file.force(false);
              out.onNext(WriteResponse.newBuilder().setOffset(written).build());
            }
          } catch (IOException e) {
            out.onError(status(e).asRuntimeException());
          }
        }

        @Override
        public void onError(Throwable t) {
          closeFile();
        }

        @Override
        public void onCompleted() {
          record("WriteBlock:half-close", WriteRequest.getDefaultInstance());
          closeFile();
          out.onCompleted();
        }

        private void closeFile() {
          try {
            if (file != null) {
              file.close();
            }
          } catch (IOException e) {
            // ignore
          }
        }
      };
    }

    @Override
    public void createFile(CreateFilePRequest req, StreamObserver<CreateFilePResponse> out) {
      unary("CreateFile", req, out, () -> {
        Path p = local(req.getPath());
        if (Files.isDirectory(p)) {
          throw Status.FAILED_PRECONDITION.withDescription("is a directory").asRuntimeException();
        }
        if (Files.exists(p) && !req.getOptions().getOverwrite()) {
          throw new FileAlreadyExistsException(req.getPath());
        }
        Files.write(p, new byte[0]);
        String uuid = UUID.randomUUID().toString();
        openFiles.put(uuid, p.toString());
        return CreateFilePResponse.newBuilder().setFileInfo(fileInfo(p)).setUuid(uuid).build();
      });
    }

    @Override
    public void completeFile(CompleteFilePRequest req, StreamObserver<CompleteFilePResponse> out) {
      unary("CompleteFile", req, out, () -> {
        String p = openFiles.get(req.getUuid());
        if (p == null || !p.equals(req.getPath())) {
          throw Status.NOT_FOUND.withDescription("no open file " + req.getUuid()).asRuntimeException();
        }
        openFiles.remove(req.getUuid());
        return CompleteFilePResponse.getDefaultInstance();
      });
    }

    @Override
    public void remove(DeletePRequest req, StreamObserver<DeletePResponse> out) {
      unary("Remove", req, out, () -> {
        Path p = local(req.getPath());
        if (req.getOptions().getRecursive() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(q);
            }
          }
        } else {
          Files.delete(p);
        }
        return DeletePResponse.getDefaultInstance();
      });
    }

    @Override
    public void rename(RenamePRequest req, StreamObserver<RenamePResponse> out) {
      unary("Rename", req, out, () -> {
        Path dst = local(req.getDstPath());
        if (req.getOptions().getOverwrite()) {
          Files.move(local(req.getPath()), dst, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.move(local(req.getPath()), dst);
        }
        return RenamePResponse.getDefaultInstance();
      });
    }

    @Override
    public void createDirectory(CreateDirectoryPRequest req, StreamObserver<CreateDirectoryPResponse> out) {
      unary("CreateDirectory", req, out, () -> {
        Path p = local(req.getPath());
        if (Files.isDirectory(p) && req.getOptions().getAllowExists()) {
          return CreateDirectoryPResponse.getDefaultInstance();
        }
        if (req.getOptions().getRecursive()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectory(p);
        }
        Files.setPosixFilePermissions(p, permissions(req.getOptions().getMode()));
        return CreateDirectoryPResponse.getDefaultInstance();
      });
    }

    @Override
    public void setAttribute(SetAttributePRequest req, StreamObserver<SetAttributePResponse> out) {
      unary("SetAttribute", req, out, () -> {
        Path p = local(req.getPath());
        if (!Files.exists(p)) {
          throw new NoSuchFileException(req.getPath());
        }
        if (req.getOptions().hasMode()) {
          Files.setPosixFilePermissions(p, permissions(req.getOptions().getMode()));
        }
        return SetAttributePResponse.getDefaultInstance();
      });
    }

    @Override
    public void loadFile(LoadFileRequest req, StreamObserver<LoadFileResponse> out) {
      unary("LoadFile", req, out, () -> {
        long skipped = 0;
        for (LoadSubTask t : req.getSubtasksList()) {
          if (t.hasLoadDataSubtask()) {
            String ufs = t.getLoadDataSubtask().getUfsPath();
            if (!Files.exists(local(ufs))) {
              throw new NoSuchFileException(ufs);
            }
            if (loaded.contains(ufs + "@" + t.getLoadDataSubtask().getOffsetInFile())) {
              skipped += t.getLoadDataSubtask().getLength();
            }
            loaded.add(ufs + "@" + t.getLoadDataSubtask().getOffsetInFile());
            loaded.add(ufs);
          }
        }
        return LoadFileResponse.newBuilder().setStatus(TaskStatus.SUCCESS).setBytesSkipped(skipped).build();
      });
    }
  }

  static Set<PosixFilePermission> permissions(PMode m) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    int[] bits = {m.getOwnerBits().getNumber() - 1, m.getGroupBits().getNumber() - 1, m.getOtherBits().getNumber() - 1};
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int who = 0; who < 3; who++) {
      for (int b = 0; b < 3; b++) {
        if ((bits[who] & (4 >> b)) != 0) {
          s.add(all[who * 3 + b]);
        }
      }
    }
    return s;
  }

  /** Waits up to 10 s for {@code condition} (the worker records asynchronously). */
  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
