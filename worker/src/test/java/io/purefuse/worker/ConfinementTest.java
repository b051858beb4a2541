package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;

import alluxio.grpc.CreateDirectoryPRequest;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.RenamePRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests can never reach outside the worker's UFS root. */
class ConfinementTest {
  @TempDir Path tmp;
  Path ufs;
  Path outside;
  String root;
  AlluxioWorker worker;
  WorkerClient client;

  @BeforeEach
  void start() throws Exception {
    ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    outside = Files.createDirectories(tmp.resolve("secret")).toRealPath();
    Files.writeString(outside.resolve("key"), "top secret");
    root = ufs.toString();
    worker = TestWorker.start(ufs, tmp.resolve("cache"));
    client = WorkerClient.loggedIn(worker.port(), "mallory");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    worker.close();
  }

  static void assertRefused(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED);
      return;
    }
    throw new AssertionError("call was served");
  }

  void refusedEverywhere(String path) {
    assertRefused(() -> client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(path).build()));
    assertRefused(() -> client.blocking().exists(ExistsPRequest.newBuilder().setPath(path).build()));
    assertRefused(() -> client.blocking().listStatus(ListStatusPRequest.newBuilder().setPath(path).build()).hasNext());
    assertRefused(() -> client.blocking().remove(DeletePRequest.newBuilder().setPath(path).build()));
    assertRefused(() -> client.blocking().createDirectory(CreateDirectoryPRequest.newBuilder().setPath(path + "-new").build()));
    assertRefused(() -> {
      try {
        Reads.read(client, path, 10, 0, 10, 4096);
      } catch (StatusRuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void dotDotTricks() {
    refusedEverywhere(root + "/../secret/key");
    refusedEverywhere(root + "/./../secret/key");
    refusedEverywhere(root + "/a/../../secret/key");
    refusedEverywhere("file://" + root + "/../secret/key");
    assertThat(outside.resolve("key")).exists();
  }

  @Test
  void absolutePathsElsewhere() {
    refusedEverywhere(outside + "/key");
    refusedEverywhere("/etc/passwd");
    refusedEverywhere(root + "x/key");  // a sibling whose name starts like the root
    refusedEverywhere("s3://bucket/key");
    refusedEverywhere("relative/path");
    assertRefused(() -> client.blocking().rename(RenamePRequest.newBuilder()
        .setPath(outside + "/key").setDstPath(root + "/stolen").build()));
    assertRefused(() -> client.blocking().rename(RenamePRequest.newBuilder()
        .setPath(root).setDstPath(outside + "/x").build()));
    assertThat(outside.resolve("key")).exists();
  }

  @Test
  void symlinksInsideTheRootLeadingOut() throws Exception {
    Files.createSymbolicLink(ufs.resolve("dirlink"), outside);
    Files.createSymbolicLink(ufs.resolve("filelink"), outside.resolve("key"));
    refusedEverywhere(root + "/dirlink/key");
    // The link itself may be stat'ed (it is an entry of the root), but never read through.
    assertRefused(() -> {
      try {
        Reads.read(client, root + "/filelink", 10, 0, 10, 4096);
      } catch (StatusRuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + "/filelink").build())
        .getFileInfo().getLength()).isEqualTo(outside.resolve("key").toString().length());
    assertThat(outside.resolve("key")).exists();
  }
}
