package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alluxio.grpc.AsyncCacheRequest;
import alluxio.grpc.Bits;
import alluxio.grpc.Chunk;
import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CopyRequest;
import alluxio.grpc.CreateDirectoryPOptions;
import alluxio.grpc.CreateDirectoryPRequest;
import alluxio.grpc.CreateFilePOptions;
import alluxio.grpc.CreateFilePRequest;
import alluxio.grpc.CreateFilePResponse;
import alluxio.grpc.DeletePOptions;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.FileInfo;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.ListStatusPOptions;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.ListStatusPResponse;
import alluxio.grpc.LoadDataSubTask;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.LoadFileResponse;
import alluxio.grpc.LoadSubTask;
import alluxio.grpc.PMode;
import alluxio.grpc.RenamePOptions;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.SetAttributePOptions;
import alluxio.grpc.SetAttributePRequest;
import alluxio.grpc.TaskStatus;
import alluxio.grpc.UfsReadOptions;
import alluxio.grpc.WriteOptions;
import alluxio.grpc.WriteRequest;
import alluxio.grpc.WriteRequestCommand;
import alluxio.grpc.WriteResponse;
import alluxio.proto.dataserver.Protocol.CreateUfsFileOptions;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every served BlockWorker RPC, over real gRPC on loopback, against the local under-store. */
class BlockWorkerRpcTest {
  @TempDir Path tmp;
  Path ufs;
  String root;
  AlluxioWorker worker;
  WorkerClient client;

  @BeforeEach
  void start() throws Exception {
    ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    root = ufs.toString();
    worker = TestWorker.start(ufs, tmp.resolve("cache"));
    client = WorkerClient.loggedIn(worker.port(), "alice");
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Status.Code code(Runnable r) {
    try {
      r.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("call succeeded");
  }

  static PMode pmode(int mode) {
    return PMode.newBuilder()
        .setOwnerBits(Bits.forNumber(((mode >> 6) & 7) + 1))
        .setGroupBits(Bits.forNumber(((mode >> 3) & 7) + 1))
        .setOtherBits(Bits.forNumber((mode & 7) + 1))
        .build();
  }

  @Test
  void getStatusFillsFileInfo() throws Exception {
    Files.createDirectories(ufs.resolve("d"));
    Files.write(ufs.resolve("d/a"), random(5000, 1));
    Files.setPosixFilePermissions(ufs.resolve("d/a"), PosixFilePermissions.fromString("rw-r-----"));
    FileInfo fi = client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/d/a").build()).getFileInfo();
    assertThat(fi.getUfsPath()).isEqualTo(root + "/d/a");
    assertThat(fi.getPath()).isEqualTo("/d/a");
    assertThat(fi.getName()).isEqualTo("a");
    assertThat(fi.getLength()).isEqualTo(5000);
    assertThat(fi.getFolder()).isFalse();
    assertThat(fi.getCompleted()).isTrue();
    assertThat(fi.getMode()).isEqualTo(0640);
    assertThat(fi.getOwner()).isEqualTo(Files.getOwner(ufs.resolve("d/a")).getName());
    assertThat(fi.getGroup()).isNotEmpty();
    assertThat(fi.getLastModificationTimeMs()).isEqualTo(Files.getLastModifiedTime(ufs.resolve("d/a")).toMillis());
    assertThat(fi.getInAlluxioPercentage()).isZero();

    FileInfo dir = client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/d/").build()).getFileInfo();
    assertThat(dir.getFolder()).isTrue();
    assertThat(dir.getUfsPath()).isEqualTo(root + "/d");
    // The root itself and the file:// spelling
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root).build()).getFileInfo().getFolder()).isTrue();
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath("file://" + root + "/d/a").build())
        .getFileInfo().getUfsPath()).isEqualTo("file://" + root + "/d/a");

    assertThat(code(() -> client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void listStatusStreamsBatchesOfAHundred() throws Exception {
    Path d = Files.createDirectories(ufs.resolve("big"));
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 250; i++) {
      Files.writeString(d.resolve("f" + i), "x".repeat(i));
      names.add("f" + i);
    }
    Files.createDirectories(d.resolve("sub"));
    Files.writeString(d.resolve("sub/inner"), "in");
    names.add("sub");
    Iterator<ListStatusPResponse> it = client.blocking().listStatus(
        ListStatusPRequest.newBuilder().setPath(root + "/big/").build());
    List<Integer> batches = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (it.hasNext()) {
      ListStatusPResponse r = it.next();
      batches.add(r.getFileInfosCount());
      for (FileInfo fi : r.getFileInfosList()) {
        seen.add(fi.getName());
        assertThat(fi.getUfsPath()).isEqualTo(root + "/big/" + fi.getName());
        assertThat(fi.getPath()).isEqualTo("/big/" + fi.getName());
        if (fi.getName().startsWith("f")) {
          assertThat(fi.getLength()).isEqualTo(Integer.parseInt(fi.getName().substring(1)));
        } else {
          assertThat(fi.getFolder()).isTrue();
        }
      }
    }
    assertThat(seen).isEqualTo(names);
    assertThat(batches).containsExactly(100, 100, 51);

    // Recursive listing reaches the sub directory's entries.
    Set<String> all = new HashSet<>();
    client.blocking().listStatus(ListStatusPRequest.newBuilder().setPath(root + "/big")
        .setOptions(ListStatusPOptions.newBuilder().setRecursive(true)).build())
        .forEachRemaining(r -> r.getFileInfosList().forEach(fi -> all.add(fi.getPath())));
    assertThat(all).contains("/big/sub/inner", "/big/f0").hasSize(252);

    // A file lists as itself; a missing directory is NOT_FOUND.
    Iterator<ListStatusPResponse> one = client.blocking().listStatus(
        ListStatusPRequest.newBuilder().setPath(root + "/big/f7").build());
    assertThat(one.next().getFileInfosList()).extracting(FileInfo::getName).containsExactly("f7");
    assertThat(code(() -> client.blocking().listStatus(
        ListStatusPRequest.newBuilder().setPath(root + "/nope/").build()).hasNext())).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void existsCreateDirectorySetAttribute() throws Exception {
    assertThat(client.blocking().exists(ExistsPRequest.newBuilder().setPath(root + "/x").build()).getExists()).isFalse();
    client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(root + "/x")
        .setOptions(CreateDirectoryPOptions.newBuilder().setMode(pmode(0750))).build());
    assertThat(Files.isDirectory(ufs.resolve("x"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ufs.resolve("x")))).isEqualTo("rwxr-x---");
    assertThat(client.blocking().exists(ExistsPRequest.newBuilder().setPath(root + "/x").build()).getExists()).isTrue();
    assertThat(code(() -> client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(root + "/x").build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(root + "/x")
        .setOptions(CreateDirectoryPOptions.newBuilder().setAllowExists(true)).build());
    assertThat(code(() -> client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(root + "/p/q").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(root + "/p/q")
        .setOptions(CreateDirectoryPOptions.newBuilder().setRecursive(true)).build());
    assertThat(Files.isDirectory(ufs.resolve("p/q"))).isTrue();

    Files.writeString(ufs.resolve("x/f"), "data");
    client.blocking().setAttribute(SetAttributePRequest.newBuilder().setPath(root + "/x/f")
        .setOptions(SetAttributePOptions.newBuilder().setMode(pmode(0604))).build());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ufs.resolve("x/f")))).isEqualTo("rw----r--");
    assertThat(code(() -> client.blocking().setAttribute(SetAttributePRequest.newBuilder().setPath(root + "/x/nope")
        .setOptions(SetAttributePOptions.newBuilder().setMode(pmode(0600))).build()))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void removeAndRename() throws Exception {
    Files.createDirectories(ufs.resolve("d/e"));
    Files.writeString(ufs.resolve("d/e/f"), "f");
    Files.writeString(ufs.resolve("a"), "A");
    Files.writeString(ufs.resolve("b"), "B");

    assertThat(code(() -> client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/a").setDstPath(root + "/b").build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/a").setDstPath(root + "/b")
        .setOptions(RenamePOptions.newBuilder().setOverwrite(true)).build());
    assertThat(Files.exists(ufs.resolve("a"))).isFalse();
    assertThat(Files.readString(ufs.resolve("b"))).isEqualTo("A");
    client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/d").setDstPath(root + "/d2").build());
    assertThat(Files.readString(ufs.resolve("d2/e/f"))).isEqualTo("f");
    assertThat(code(() -> client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/zz").setDstPath(root + "/yy").build())))
        .isEqualTo(Status.Code.NOT_FOUND);

    StatusRuntimeException notEmpty = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(
        () -> client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/d2").build()));
    assertThat(notEmpty.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(notEmpty.getStatus().getDescription()).startsWith("DIRECTORY_NOT_EMPTY");
    client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/d2")
        .setOptions(DeletePOptions.newBuilder().setRecursive(true)).build());
    assertThat(Files.exists(ufs.resolve("d2"))).isFalse();
    client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/b").build());
    assertThat(Files.exists(ufs.resolve("b"))).isFalse();
    assertThat(code(() -> client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/b").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  /** Sends a whole write: first command, chunks, flush; returns the flush answer. */
  static List<WriteResponse> write(WorkerClient c, String ufsPath, byte[] data, int chunk, long flushOffset)
      throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<WriteRequest> s = c.async().writeBlock(new StreamObserver<WriteResponse>() {
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
        q.add(Reads.DONE);
      }
    });
    s.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder()
        .setOffset(0)
        .setCreateUfsFileOptions(CreateUfsFileOptions.newBuilder().setUfsPath(ufsPath).setMode(0644))).build());
    for (int off = 0; off < data.length; off += chunk) {
      int n = Math.min(chunk, data.length - off);
      s.onNext(WriteRequest.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(data, off, n))).build());
    }
    s.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder().setOffset(flushOffset).setFlush(true)).build());
    List<WriteResponse> out = new ArrayList<>();
    Object o = q.poll(30, TimeUnit.SECONDS);
    if (o instanceof Throwable) {
      throw (Exception) o;
    }
    out.add((WriteResponse) o);
    s.onCompleted();
    Object end = q.poll(30, TimeUnit.SECONDS);
    if (end instanceof Throwable) {
      throw (Exception) end;
    }
    assertThat(end).isSameAs(Reads.DONE);
    return out;
  }

  @Test
  void createWriteCompleteFile() throws Exception {
    byte[] data = random(3 * (1 << 20) + 12345, 7);
    CreateFilePResponse created = client.blocking().createFile(CreateFilePRequest.newBuilder().setPath(root + "/w/new")
        .setOptions(CreateFilePOptions.newBuilder().setRecursive(true).setMode(pmode(0600))).build());
    assertThat(created.getUuid()).isNotEmpty();
    assertThat(created.getFileInfo().getUfsPath()).isEqualTo(root + "/w/new");
    assertThat(created.getFileInfo().getCompleted()).isFalse();
    assertThat(Files.exists(ufs.resolve("w/new"))).isTrue();

    List<WriteResponse> acks = write(client, root + "/w/new", data, 1 << 20, data.length);
    assertThat(acks).extracting(WriteResponse::getOffset).containsExactly((long) data.length);
    // Durable and visible at the flush answer, before CompleteFile.
    assertThat(Files.readAllBytes(ufs.resolve("w/new"))).isEqualTo(data);
    client.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(root + "/w/new").setUuid(created.getUuid()).build());
    FileInfo fi = client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/w/new").build()).getFileInfo();
    assertThat(fi.getLength()).isEqualTo(data.length);
    assertThat(fi.getCompleted()).isTrue();
    assertThat(fi.getMode()).isEqualTo(0600);
    // Read back through the worker.
    assertThat(Reads.read(client, root + "/w/new", data.length, 0, data.length, 1 << 20).data()).isEqualTo(data);

    // Existing file without overwrite: ALREADY_EXISTS; with overwrite: replaced and rewritten.
    assertThat(code(() -> client.blocking().createFile(CreateFilePRequest.newBuilder().setPath(root + "/w/new").build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    CreateFilePResponse again = client.blocking().createFile(CreateFilePRequest.newBuilder().setPath(root + "/w/new")
        .setOptions(CreateFilePOptions.newBuilder().setOverwrite(true)).build());
    write(client, root + "/w/new", "short".getBytes(), 2, 5);
    client.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(root + "/w/new").setUuid(again.getUuid()).build());
    assertThat(Files.readString(ufs.resolve("w/new"))).isEqualTo("short");
    assertThat(Reads.read(client, root + "/w/new", 5, 0, 5, 1 << 20).data()).isEqualTo("short".getBytes());
  }

  /**
   * Two workers share the UFS. Worker A's client gives up on a write (A froze); the path is
   * written again through worker B; then A runs on and writes the rest of its old stream. B's file
   * must not change: an overwrite replaces the file (new inode, old mode) instead of truncating
   * it in place, so A's late chunks land in the unlinked old file.
   * (ClusterWriteFaultTest.aFrozenOwnerFailsTheWriterWithinTheDeadline, with real processes.)
   */
  @Test
  void anOverwriteIsNotChangedByAStreamStillWritingTheOldFile() throws Exception {
    AlluxioWorker other = TestWorker.start(ufs, tmp.resolve("cache-b"));
    try (WorkerClient b = WorkerClient.loggedIn(other.port(), "bob")) {
      String path = root + "/shared";
      client.blocking().createFile(CreateFilePRequest.newBuilder().setPath(path)
          .setOptions(CreateFilePOptions.newBuilder().setMode(pmode(0600))).build());
      BlockingQueue<Object> acks = new LinkedBlockingQueue<>();
      StreamObserver<WriteRequest> stale = client.async().writeBlock(new StreamObserver<WriteResponse>() {
        @Override
        public void onNext(WriteResponse r) {
          acks.add(r);
        }

        @Override
        public void onError(Throwable t) {
          acks.add(t);
        }

        @Override
        public void onCompleted() {
          acks.add(Reads.DONE);
        }
      });
      stale.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder().setOffset(0)
          .setCreateUfsFileOptions(CreateUfsFileOptions.newBuilder().setUfsPath(path))).build());
      byte[] old = random(100_000, 3);
      stale.onNext(WriteRequest.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(old))).build());
      stale.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder().setOffset(old.length)
          .setFlush(true)).build());
      assertThat(acks.poll(30, TimeUnit.SECONDS)).isInstanceOf(WriteResponse.class);

      CreateFilePResponse again = b.blocking().createFile(CreateFilePRequest.newBuilder().setPath(path)
          .setOptions(CreateFilePOptions.newBuilder().setOverwrite(true).setMode(pmode(0644))).build());
      write(b, path, "new".getBytes(), 3, 3);
      b.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(path).setUuid(again.getUuid()).build());

      // Worker A goes on with its old stream.
      stale.onNext(WriteRequest.newBuilder().setChunk(Chunk.newBuilder().setData(ByteString.copyFrom(old))).build());
      stale.onNext(WriteRequest.newBuilder().setCommand(WriteRequestCommand.newBuilder().setOffset(2L * old.length)
          .setFlush(true)).build());
      assertThat(acks.poll(30, TimeUnit.SECONDS)).isInstanceOf(WriteResponse.class);

      assertThat(Files.readAllBytes(ufs.resolve("shared"))).as("the file written through B").isEqualTo("new".getBytes());
      // What truncation in place kept, the replacement keeps: the old file's mode.
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ufs.resolve("shared")))).isEqualTo("rw-------");
      stale.onCompleted();
    } finally {
      other.close();
    }
  }

  @Test
  void writeWithoutCreateFileAndBadOffsets() throws Exception {
    // A stock client writes with WriteBlock alone: the stream creates and completes the file.
    write(client, root + "/direct", "hello".getBytes(), 3, 5);
    assertThat(Files.readString(ufs.resolve("direct"))).isEqualTo("hello");
    // A flush at the wrong offset fails the stream with INVALID_ARGUMENT.
    assertThatThrownBy(() -> write(client, root + "/bad", "12345".getBytes(), 5, 4))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // A CompleteFile with an unknown uuid for a missing file: NOT_FOUND.
    assertThat(code(() -> client.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(root + "/ghost")
        .setUuid("00000000-0000-0000-0000-000000000000").build()))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void loadFileWarmsTheCache() throws Exception {
    byte[] data = random(2 * (1 << 20) + 100, 3);
    Files.write(ufs.resolve("big"), data);
    LoadFileRequest req = LoadFileRequest.newBuilder()
        .addSubtasks(LoadSubTask.newBuilder().setLoadDataSubtask(LoadDataSubTask.newBuilder()
            .setUfsPath(root + "/big").setOffsetInFile(0).setLength(data.length)))
        .setOptions(UfsReadOptions.newBuilder().setTag("t").setPositionShort(false))
        .build();
    LoadFileResponse r = client.blocking().loadFile(req);
    assertThat(r.getStatus()).isEqualTo(TaskStatus.SUCCESS);
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/big").build())
        .getFileInfo().getInAlluxioPercentage()).isEqualTo(100);
    long ufsReads = worker.stats().ufsReads();
    assertThat(Reads.read(client, root + "/big", data.length, 0, data.length, 1 << 20).data()).isEqualTo(data);
    assertThat(worker.stats().ufsReads()).isEqualTo(ufsReads);

    LoadFileResponse skipped = client.blocking().loadFile(req.toBuilder().setSkipIfExists(true).build());
    assertThat(skipped.getNumSkipped()).isEqualTo(1);
    assertThat(skipped.getBytesSkipped()).isEqualTo(data.length);

    LoadFileResponse partial = client.blocking().loadFile(req.toBuilder()
        .addSubtasks(LoadSubTask.newBuilder().setLoadDataSubtask(LoadDataSubTask.newBuilder()
            .setUfsPath(root + "/missing").setLength(10))).build());
    assertThat(partial.getStatus()).isEqualTo(TaskStatus.PARTIAL_FAILURE);
    assertThat(partial.getFailuresList()).hasSize(1);
    assertThat(partial.getFailures(0).getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
  }

  @Test
  void otherMethodsAreUnimplemented() {
    assertThat(code(() -> client.blocking().asyncCache(AsyncCacheRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(() -> client.blocking().copy(CopyRequest.newBuilder()
        .setWriteOptions(WriteOptions.getDefaultInstance()).build()))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }
}
