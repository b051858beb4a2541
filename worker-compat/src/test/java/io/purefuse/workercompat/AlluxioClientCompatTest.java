package io.purefuse.workercompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import alluxio.grpc.Chunk;
import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CreateFilePOptions;
import alluxio.grpc.CreateFilePRequest;
import alluxio.grpc.CreateFilePResponse;
import alluxio.grpc.DeletePOptions;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.FileInfo;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.ListStatusPResponse;
import alluxio.grpc.LoadDataSubTask;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.LoadFileResponse;
import alluxio.grpc.LoadSubTask;
import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.grpc.RenamePOptions;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.RequestType;
import alluxio.grpc.TaskStatus;
import alluxio.grpc.UfsReadOptions;
import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteRequestCommand;
import alluxio.grpc.WriteResponse;
import alluxio.proto.dataserver.Protocol.CreateUfsFileOptions;
import alluxio.proto.dataserver.Protocol.OpenUfsBlockOptions;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our worker, as a separate process, driven with Alluxio's own published generated classes
 * (alluxio-core-transport:313, protobuf-java 3.19.6, grpc 1.54.1), the way Alluxio's client
 * calls a stock worker; every result is checked against the under-store directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlluxioClientCompatTest {
  static final int MIB = 1 << 20;
  static final Object DONE = new Object();

  @TempDir static Path tmp;
  Path ufs;
  String root;
  WorkerProcess worker;
  AlluxioLogin client;

  @BeforeAll
  void start() throws Exception {
    ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    root = ufs.toString();
    worker = WorkerProcess.start(tmp.resolve("worker.stderr"), "--ufs", root, "--port", "0",
        "--cache-dir", tmp.resolve("cache").toString(), "--cache-size", "64MB");
    client = AlluxioLogin.simple(worker.host, worker.port, "compat-user");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (worker != null) {
        int rc = worker.stop();
        assertThat(rc).as("worker exit code after SIGTERM").isZero();
      }
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void classpathHoldsAlluxiosClassesNotOurs() {
    assertThat(catchThrowable(() -> Class.forName("io.purefuse.backend.FileSystemBackend")))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(catchThrowable(() -> Class.forName("io.purefuse.worker.AlluxioWorker")))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(alluxio.grpc.BlockWorkerGrpc.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .contains("alluxio-core-transport-313");
    assertThat(com.google.protobuf.GeneratedMessageV3.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .contains("protobuf-java-3.");
  }

  /** What Alluxio's AbstractClient asks right after connecting, before login. */
  @Test
  void serviceVersionCheck() throws Exception {
    try (AlluxioLogin anon = AlluxioLogin.anonymous(worker.host, worker.port)) {
      alluxio.grpc.ServiceVersionClientServiceGrpc.ServiceVersionClientServiceBlockingStub v =
          alluxio.grpc.ServiceVersionClientServiceGrpc.newBlockingStub(anon.channel);
      assertThat(v.getServiceVersion(alluxio.grpc.GetServiceVersionPRequest.newBuilder()
          .setServiceType(alluxio.grpc.ServiceType.BLOCK_WORKER_CLIENT_SERVICE).build()).getVersion()).isEqualTo(1);
      Throwable t = catchThrowable(() -> v.getServiceVersion(alluxio.grpc.GetServiceVersionPRequest.newBuilder()
          .setServiceType(alluxio.grpc.ServiceType.FILE_SYSTEM_MASTER_CLIENT_SERVICE).build()));
      assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }

  @Test
  void callsWithoutLoginAreUnauthenticated() throws Exception {
    try (AlluxioLogin anon = AlluxioLogin.anonymous(worker.host, worker.port)) {
      Throwable t = catchThrowable(() -> anon.blocking().exists(ExistsPRequest.newBuilder().setPath(root).build()));
      assertThat(t).isInstanceOf(StatusRuntimeException.class);
      assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void getStatusAndListStatus() throws Exception {
    Path d = Files.createDirectories(ufs.resolve("list"));
    Map<String, Integer> sizes = new HashMap<>();
    for (int i = 0; i < 130; i++) {
      Files.write(d.resolve("f" + i), random(i * 7, i));
      sizes.put("f" + i, i * 7);
    }
    FileInfo f = client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/list/f9").build()).getFileInfo();
    assertThat(f.getUfsPath()).isEqualTo(root + "/list/f9");
    assertThat(f.getName()).isEqualTo("f9");
    assertThat(f.getLength()).isEqualTo(63);
    assertThat(f.getFolder()).isFalse();
    assertThat(f.getCompleted()).isTrue();
    assertThat(f.getLastModificationTimeMs()).isEqualTo(Files.getLastModifiedTime(d.resolve("f9")).toMillis());
    assertThat(f.getOwner()).isEqualTo(Files.getOwner(d.resolve("f9")).getName());

    Map<String, Long> listed = new HashMap<>();
    Iterator<ListStatusPResponse> it = client.blocking().listStatus(
        ListStatusPRequest.newBuilder().setPath(root + "/list/").build());
    int messages = 0;
    while (it.hasNext()) {
      messages++;
      for (FileInfo fi : it.next().getFileInfosList()) {
        assertThat(fi.getUfsPath()).isEqualTo(root + "/list/" + fi.getName());
        listed.put(fi.getName(), fi.getLength());
      }
    }
    assertThat(messages).isGreaterThan(1);
    assertThat(listed).hasSize(130);
    sizes.forEach((n, s) -> assertThat(listed.get(n)).isEqualTo((long) s));

    Throwable t = catchThrowable(() -> client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/list/zz").build()));
    assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  /** ReadBlock exactly as GrpcDataReader drives it: offset_received = offset + bytes received. */
  byte[] readBlock(String ufsPath, long fileLength, long offset, long length) throws Exception {
    ReadRequest req = ReadRequest.newBuilder()
        .setBlockId(-1)
        .setOffset(offset)
        .setLength(length)
        .setChunkSize(MIB)
        .setOpenUfsBlockOptions(OpenUfsBlockOptions.newBuilder()
            .setUfsPath(ufsPath).setOffsetInFile(0).setBlockSize(fileLength).setNoCache(false))
        .build();
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = client.async().readBlock(new StreamObserver<ReadResponse>() {
      @Override
      public void onNext(ReadResponse r) {
        q.add(r);
      }

      @Override
      public void onError(Throwable t) {
        q.add(t);
      }

      @Override
      public void onCompleted() {
        q.add(DONE);
      }
    });
    s.onNext(req);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long pos = offset;
    while (true) {
      Object o = q.poll(60, TimeUnit.SECONDS);
      assertThat(o).as("ReadBlock stalled at %d", pos).isNotNull();
      if (o == DONE) {
        break;
      }
      if (o instanceof Throwable) {
        throw (Exception) o;
      }
      ReadResponse r = (ReadResponse) o;
      assertThat(r.hasChunk() && r.getChunk().hasData()).isTrue();
      r.getChunk().getData().writeTo(out);
      pos += r.getChunk().getData().size();
      assertThat(pos - offset).isLessThanOrEqualTo(length);
      s.onNext(req.toBuilder().setOffsetReceived(pos).build());
    }
    s.onCompleted();
    return out.toByteArray();
  }

  @Test
  void readBlockWithAcks() throws Exception {
    byte[] data = random(9 * MIB + 4321, 42);
    Files.write(ufs.resolve("big"), data);
    assertThat(readBlock(root + "/big", data.length, 0, data.length)).isEqualTo(data);
    // Again (now from the page cache) and at an unaligned range.
    assertThat(readBlock(root + "/big", data.length, 0, data.length)).isEqualTo(data);
    byte[] part = readBlock(root + "/big", data.length, MIB - 17, 3 * MIB + 100);
    assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(data, MIB - 17, 4 * MIB + 83));
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/big").build())
        .getFileInfo().getInAlluxioPercentage()).isEqualTo(100);
  }

  @Test
  void createWriteCompleteRenameRemove() throws Exception {
    byte[] data = random(5 * MIB + 3, 7);
    CreateFilePResponse created = client.blocking().createFile(CreateFilePRequest.newBuilder()
        .setPath(root + "/w/out").setOptions(CreateFilePOptions.newBuilder().setRecursive(true)).build());
    assertThat(created.getUuid()).isNotEmpty();
    assertThat(created.getFileInfo().getUfsPath()).isEqualTo(root + "/w/out");

    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<WriteRequest> w = client.async().writeBlock(new StreamObserver<WriteResponse>() {
      @Override
      public void onNext(WriteResponse r) {
        q.add(r);
      }

      @Override
      public void onError(Throwable t) {
        q.add(t);
      }

      @Override
      public void onCompleted() {
        q.add(DONE);
      }
    });
    w.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder()
        .setType(RequestType.ALLUXIO_BLOCK).setOffset(0)
        .setCreateUfsFileOptions(CreateUfsFileOptions.newBuilder()
            .setUfsPath(root + "/w/out").setOwner("").setGroup("").setMode(0644))).build());
    for (int off = 0; off < data.length; off += MIB) {
      int n = Math.min(MIB, data.length - off);
      w.onNext(WriteRequest.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(data, off, n))).build());
    }
    w.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder()
        .setType(RequestType.ALLUXIO_BLOCK).setOffset(data.length).setFlush(true)).build());
    Object ack = q.poll(60, TimeUnit.SECONDS);
    if (ack instanceof Throwable) {
      throw (Exception) ack;
    }
    assertThat(((WriteResponse) ack).getOffset()).isEqualTo(data.length);
    w.onCompleted();
    assertThat(q.poll(60, TimeUnit.SECONDS)).isSameAs(DONE);
    client.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(root + "/w/out").setUuid(created.getUuid()).build());
    assertThat(Files.readAllBytes(ufs.resolve("w/out"))).isEqualTo(data);
    assertThat(readBlock(root + "/w/out", data.length, 0, data.length)).isEqualTo(data);

    client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/w/out").setDstPath(root + "/w/moved")
        .setOptions(RenamePOptions.newBuilder().setOverwrite(false)).build());
    assertThat(Files.exists(ufs.resolve("w/out"))).isFalse();
    assertThat(Files.readAllBytes(ufs.resolve("w/moved"))).isEqualTo(data);
    assertThat(readBlock(root + "/w/moved", data.length, 0, data.length)).isEqualTo(data);

    client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/w")
        .setOptions(DeletePOptions.newBuilder().setRecursive(true)).build());
    assertThat(Files.exists(ufs.resolve("w"))).isFalse();
    assertThat(client.blocking().exists(ExistsPRequest.newBuilder().setPath(root + "/w/moved").build()).getExists()).isFalse();
  }

  @Test
  void loadFileWarmsTheCache() throws Exception {
    byte[] data = random(3 * MIB + 5, 9);
    Files.write(ufs.resolve("load"), data);
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/load").build())
        .getFileInfo().getInAlluxioPercentage()).isZero();
    LoadFileResponse r = client.blocking().loadFile(LoadFileRequest.newBuilder()
        .addSubtasks(LoadSubTask.newBuilder().setLoadDataSubtask(LoadDataSubTask.newBuilder()
            .setUfsPath(root + "/load").setOffsetInFile(0).setLength(data.length)))
        .setOptions(UfsReadOptions.newBuilder().setTag("compat").setPositionShort(false))
        .build());
    assertThat(r.getStatus()).isEqualTo(TaskStatus.SUCCESS);
    assertThat(r.getFailuresCount()).isZero();
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/load").build())
        .getFileInfo().getInAlluxioPercentage()).isEqualTo(100);
    assertThat(readBlock(root + "/load", data.length, 0, data.length)).isEqualTo(data);
  }
}
