package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alluxio.grpc.Bits;
import alluxio.grpc.CreateDirectoryPRequest;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.LoadFileRequest;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.SaslMessageType;
import alluxio.grpc.SetAttributePRequest;
import io.grpc.Status;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.DirectoryNotEmptyException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.PermissionDeniedException;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.UnavailableException;
import io.purefuse.backend.UnsupportedException;
import io.purefuse.backend.membership.WorkerInfo;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata calls, login and error mapping against recording workers on loopback. */
class WorkerMetadataTest {
  @TempDir Path tmp;
  Path ufs;
  TestCluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    ufs = tmp.toRealPath();
    cluster = new TestCluster(ufs);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  private static AlluxioPath p(String s) throws BackendException {
    return AlluxioPath.of(s);
  }

  @Test
  void simpleLoginThenChannelIdOnEveryCall() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    Files.createDirectory(ufs.resolve("d"));
    Files.writeString(ufs.resolve("d/a"), "hello");

    FileStatus st = b.getStatus(p("/d/a"));
    assertThat(st.length()).isEqualTo(5);
    assertThat(st.isRegularFile()).isTrue();
    assertThat(st.ufsPath()).isEqualTo(ufs + "/d/a");
    assertThat(b.exists(p("/d/a"))).isTrue();
    assertThat(b.exists(p("/d/nope"))).isFalse();

    assertThat(w.logins).hasSize(1);
    SaslMessage login = w.logins.get(0);
    assertThat(login.getMessageType()).isEqualTo(SaslMessageType.CHALLENGE);
    assertThat(login.getAuthenticationScheme()).isEqualTo(ChannelAuthenticationScheme.SIMPLE);
    assertThat(login.getMessage().toByteArray()).isEqualTo("\0alice\0noPassword".getBytes(StandardCharsets.UTF_8));
    assertThat(UUID.fromString(login.getClientId()).toString()).isEqualTo(login.getClientId());
    assertThat(login.getChannelRef()).isNotEmpty();

    assertThat(w.received).isNotEmpty();
    assertThat(w.received).allSatisfy(r -> assertThat(r.channelId()).isEqualTo(login.getClientId()));
    GetStatusPRequest get = w.<GetStatusPRequest>requests("GetStatus").get(0);
    assertThat(get.getPath()).isEqualTo(ufs + "/d/a");
    assertThat(w.<ExistsPRequest>requests("Exists")).extracting(ExistsPRequest::getPath)
        .containsExactly(ufs + "/d/a", ufs + "/d/nope");
  }

  @Test
  void aWorkerThatForgotTheChannelGetsANewLogin() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    b.getStatus(AlluxioPath.root());
    w.loggedIn.clear(); // as after a worker restart
    assertThat(b.getStatus(AlluxioPath.root()).isDirectory()).isTrue();
    assertThat(w.logins).hasSize(2);
    assertThat(w.calls("GetStatus!refused")).hasSize(1);
    assertThat(w.calls("GetStatus").get(1).channelId()).isEqualTo(w.logins.get(1).getClientId());
  }

  @Test
  void skippedLoginIsRefusedUnauthenticated() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().authType(AlluxioClientConfig.AuthType.NOSASL));
    assertThatThrownBy(() -> b.getStatus(AlluxioPath.root()))
        .isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> assertThat(((BackendException) e).errno()).isEqualTo(13));
    assertThat(w.logins).isEmpty();
    assertThat(w.calls("GetStatus!refused")).hasSize(1);
    assertThat(w.calls("GetStatus!refused").get(0).channelId()).isNull();
  }

  @Test
  void nosaslSendsNoLogin() throws Exception {
    RecordingWorker w = cluster.addWorker(false, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().authType(AlluxioClientConfig.AuthType.NOSASL));
    assertThat(b.getStatus(AlluxioPath.root()).isDirectory()).isTrue();
    assertThat(w.logins).isEmpty();
    assertThat(w.received).allSatisfy(r -> assertThat(r.channelId()).isNull());
    assertThat(w.<GetStatusPRequest>requests("GetStatus").get(0).getPath()).isEqualTo(ufs.toString());
  }

  @Test
  void workerStatusesMapToErrno() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    Object[][] cases = {
        {Status.NOT_FOUND, ErrorCode.NOT_FOUND, 2},
        {Status.ALREADY_EXISTS, ErrorCode.ALREADY_EXISTS, 17},
        {Status.PERMISSION_DENIED, ErrorCode.PERMISSION_DENIED, 13},
        {Status.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT, 22},
        {Status.UNIMPLEMENTED, ErrorCode.UNSUPPORTED, 95},
        {Status.RESOURCE_EXHAUSTED, ErrorCode.NO_SPACE, 28},
        {Status.FAILED_PRECONDITION.withDescription("Directory not empty"), ErrorCode.DIRECTORY_NOT_EMPTY, 39},
        {Status.INTERNAL, ErrorCode.IO_ERROR, 5},
        // A worker that answers UNAVAILABLE is failed over; with no candidate left: EIO.
        {Status.UNAVAILABLE, ErrorCode.UNAVAILABLE, 5},
        {Status.DEADLINE_EXCEEDED, ErrorCode.UNAVAILABLE, 5},
    };
    for (Object[] c : cases) {
      w.failGetStatus = (Status) c[0];
      assertThatThrownBy(() -> b.getStatus(p("/x")))
          .as("%s", c[0])
          .isInstanceOf(BackendException.class)
          .satisfies(e -> {
            assertThat(((BackendException) e).code()).isEqualTo(c[1]);
            assertThat(((BackendException) e).errno()).isEqualTo(c[2]);
          });
    }
    assertThat(GrpcErrors.code(Status.DEADLINE_EXCEEDED)).isEqualTo(ErrorCode.TIMED_OUT);
    assertThat(GrpcErrors.code(Status.UNAVAILABLE)).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(GrpcErrors.map(Status.NOT_FOUND, "/x")).isInstanceOf(NotFoundException.class);
    assertThat(GrpcErrors.map(Status.UNIMPLEMENTED, "/x")).isInstanceOf(UnsupportedException.class);
    assertThat(GrpcErrors.map(Status.DEADLINE_EXCEEDED, "/x")).isInstanceOf(UnavailableException.class);
    // Our worker names the code first (its GrpcErrors); a stock worker says it in words.
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription(
        "DIRECTORY_NOT_EMPTY: unlinkat failed: /d"))).isEqualTo(ErrorCode.DIRECTORY_NOT_EMPTY);
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription("NOT_DIRECTORY: x: /f")))
        .isEqualTo(ErrorCode.NOT_DIRECTORY);
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription("SYMLINK_LOOP: x")))
        .isEqualTo(ErrorCode.SYMLINK_LOOP);
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription("Directory not empty")))
        .isEqualTo(ErrorCode.DIRECTORY_NOT_EMPTY);
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription("NOT_FOUND: odd")))
        .isEqualTo(ErrorCode.IO_ERROR);
    assertThat(GrpcErrors.code(Status.FAILED_PRECONDITION.withDescription("Note: something else")))
        .isEqualTo(ErrorCode.IO_ERROR);
  }

  @Test
  void unaryCallThatIsNeverAnsweredFailsWithinItsDeadline() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().rpcTimeout(Duration.ofMillis(500)));
    b.getStatus(AlluxioPath.root()); // logged in
    w.stallUnary = true;
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> b.getStatus(p("/x"))).isInstanceOf(UnavailableException.class)
        .satisfies(e -> assertThat(((BackendException) e).errno()).isEqualTo(5));
    // No hang: one deadline per candidate (one worker here), far below a minute.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void directoryOperationsSendFullUfsPaths() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());

    FileStatus d = b.createDirectory(p("/d"), CreateOptions.builder().mode(0750).build());
    assertThat(d.isDirectory()).isTrue();
    assertThat(Files.isDirectory(ufs.resolve("d"))).isTrue();
    CreateDirectoryPRequest mk = w.<CreateDirectoryPRequest>requests("CreateDirectory").get(0);
    assertThat(mk.getPath()).isEqualTo(ufs + "/d");
    assertThat(mk.getOptions().getMode().getOwnerBits()).isEqualTo(Bits.ALL);
    assertThat(mk.getOptions().getMode().getGroupBits()).isEqualTo(Bits.READ_EXECUTE);
    assertThat(mk.getOptions().getMode().getOtherBits()).isEqualTo(Bits.NONE);
    assertThatThrownBy(() -> b.createDirectory(p("/d"), CreateOptions.defaults()))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(b.createDirectory(p("/d"), CreateOptions.builder().recursive(true).build()).isDirectory()).isTrue();
    assertThat(b.createDirectory(p("/d/e/f"), CreateOptions.builder().recursive(true).build()).isDirectory()).isTrue();
    Files.delete(ufs.resolve("d/e/f"));
    Files.delete(ufs.resolve("d/e"));

    Files.writeString(ufs.resolve("d/f"), "x");
    try (DirectoryListing l = b.listStatus(p("/d"))) {
      FileStatus f = l.next();
      assertThat(f.path()).isEqualTo(p("/d/f"));
      assertThat(l.next()).isNull();
    }
    assertThat(w.<ListStatusPRequest>requests("ListStatus").get(0).getPath()).isEqualTo(ufs + "/d/");
    try (DirectoryListing l = b.listStatus(AlluxioPath.root())) {
      assertThat(l.next().path()).isEqualTo(p("/d"));
    }
    assertThat(w.<ListStatusPRequest>requests("ListStatus").get(1).getPath()).isEqualTo(ufs + "/");
    assertThatThrownBy(() -> b.listStatus(p("/d/f"))).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> b.listStatus(p("/nope"))).isInstanceOf(NotFoundException.class);

    FileStatus after = b.setAttributes(p("/d/f"), SetAttributeOptions.builder().mode(0600).owner("bob").build());
    assertThat(after.mode()).isEqualTo(0600);
    SetAttributePRequest set = w.<SetAttributePRequest>requests("SetAttribute").get(0);
    assertThat(set.getPath()).isEqualTo(ufs + "/d/f");
    assertThat(set.getOptions().getOwner()).isEqualTo("bob");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ufs.resolve("d/f")))).isEqualTo("rw-------");

    b.rename(p("/d/f"), p("/d/g"), RenameOptions.defaults());
    RenamePRequest mv = w.<RenamePRequest>requests("Rename").get(0);
    assertThat(mv.getPath()).isEqualTo(ufs + "/d/f");
    assertThat(mv.getDstPath()).isEqualTo(ufs + "/d/g");
    assertThat(Files.readString(ufs.resolve("d/g"))).isEqualTo("x");
    assertThatThrownBy(() -> b.rename(p("/d/g"), p("/d/h"), RenameOptions.exchangeOption()))
        .isInstanceOf(UnsupportedException.class);

    assertThatThrownBy(() -> b.delete(p("/d"), false)).isInstanceOf(DirectoryNotEmptyException.class);
    b.delete(p("/d"), true);
    DeletePRequest rm = w.<DeletePRequest>requests("Remove").get(1);
    assertThat(rm.getPath()).isEqualTo(ufs + "/d");
    assertThat(rm.getOptions().getRecursive()).isTrue();
    assertThat(Files.exists(ufs.resolve("d"))).isFalse();
    assertThatThrownBy(() -> b.delete(p("/d"), true)).isInstanceOf(NotFoundException.class);

    assertThat(b.capabilities()).doesNotContain(Capability.SYMLINKS, Capability.TRUNCATE, Capability.RANDOM_WRITE);
    assertThatThrownBy(() -> b.createSymlink(p("/l"), "t", CreateOptions.defaults()))
        .isInstanceOf(UnsupportedException.class);
    assertThatThrownBy(() -> b.truncate(p("/l"), 3)).isInstanceOf(UnsupportedException.class);
  }

  @Test
  void renameGoesToTheOwnerOfTheSource() throws Exception {
    RecordingWorker a = cluster.addWorker(true, true, 100);
    RecordingWorker c = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    // A source owned by a and a target owned by c.
    String src = null;
    String dst = null;
    for (int i = 0; src == null || dst == null; i++) {
      WorkerInfo o = b.ownerOf(p("/n" + i));
      if (src == null && o.equals(a.info())) {
        src = "/n" + i;
      } else if (dst == null && o.equals(c.info())) {
        dst = "/n" + i;
      }
    }
    Files.writeString(ufs.resolve(src.substring(1)), "v");
    b.rename(p(src), p(dst), RenameOptions.defaults());
    assertThat(a.calls("Rename")).hasSize(1);
    assertThat(c.calls("Rename")).isEmpty();
    assertThat(Files.readString(ufs.resolve(dst.substring(1)))).isEqualTo("v");
    assertThat(b.ufsPath(p(src))).isEqualTo(ufs + src);
  }

  @Test
  void unavailableOwnerFailsOverToTheNextCandidate() throws Exception {
    RecordingWorker a = cluster.addWorker(true, true, 100);
    RecordingWorker c = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    String name = null;
    for (int i = 0; name == null; i++) {
      if (b.ownerOf(p("/f" + i)).equals(a.info())) {
        name = "/f" + i;
      }
    }
    Files.writeString(ufs.resolve(name.substring(1)), "abc");
    a.kill();
    assertThat(b.getStatus(p(name)).length()).isEqualTo(3);
    assertThat(c.<GetStatusPRequest>requests("GetStatus")).extracting(GetStatusPRequest::getPath)
        .containsExactly(ufs + name);
  }

  @Test
  void membershipChangeRebuildsTheRingAndClosesDepartedChannels() throws Exception {
    RecordingWorker a = cluster.addWorker(true, true, 100);
    RecordingWorker c = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    for (int i = 0; i < 20; i++) {
      b.exists(p("/m" + i));
    }
    assertThat(b.openChannels()).containsExactlyInAnyOrder(a.info().address(), c.info().address());
    cluster.membership.set(List.of(c.info()));
    assertThat(b.openChannels()).containsExactly(c.info().address());
    assertThat(b.liveWorkers()).containsExactly(c.info());
    int before = a.received.size();
    for (int i = 0; i < 20; i++) {
      assertThat(b.ownerOf(p("/m" + i))).isEqualTo(c.info());
      b.exists(p("/m" + i));
    }
    assertThat(a.received.size()).isEqualTo(before);
  }

  @Test
  void loadCallsLoadFileOnTheOwnerAndReportsProgress() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    long len = 130L << 20;
    try (RandomAccessFile f = new RandomAccessFile(ufs.resolve("big").toFile(), "rw")) {
      f.setLength(len); // sparse
    }
    assertThat(b.cachedPercentage(p("/big"))).isEqualTo(0);
    List<Long> progress = new ArrayList<>();
    LoadResult r = b.load(p("/big"), (done, total) -> {
      assertThat(total).isEqualTo(len);
      progress.add(done);
    });
    assertThat(progress).containsExactly(64L << 20, 128L << 20, len);
    assertThat(r).isEqualTo(new LoadResult(len, 0, len));
    List<LoadFileRequest> loads = w.requests("LoadFile");
    assertThat(loads).hasSize(3);
    assertThat(loads.get(0).getSubtasks(0).hasLoadMetadataSubtask()).isTrue();
    assertThat(loads.get(0).getSubtasks(1).getLoadDataSubtask().getUfsPath()).isEqualTo(ufs + "/big");
    assertThat(loads.get(2).getSubtasks(0).getLoadDataSubtask().getOffsetInFile()).isEqualTo(128L << 20);
    assertThat(loads.get(2).getSubtasks(0).getLoadDataSubtask().getLength()).isEqualTo(2L << 20);
    assertThat(b.cachedPercentage(p("/big"))).isEqualTo(100);
    assertThat(b.load(p("/big"), LoadProgress.NONE)).isEqualTo(new LoadResult(0, len, len));
    assertThatThrownBy(() -> b.load(p("/nope"), LoadProgress.NONE)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.load(AlluxioPath.root(), LoadProgress.NONE))
        .isInstanceOf(io.purefuse.backend.IsDirectoryException.class);
    assertThat(b.ownerOf(p("/big"))).isEqualTo(w.info());
  }
}
