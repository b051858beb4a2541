package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;

import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CreateFilePOptions;
import alluxio.grpc.CreateFilePRequest;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.GetStatusPRequest;
import alluxio.grpc.RenamePOptions;
import alluxio.grpc.RenamePRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache counters and invalidation as seen through ReadBlock / GetStatus. */
class CacheThroughWorkerTest {
  static final int MIB = 1 << 20;

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
    client = WorkerClient.loggedIn(worker.port(), "carol");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    worker.close();
  }

  int percent(String rel) {
    return client.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(root + rel).build())
        .getFileInfo().getInAlluxioPercentage();
  }

  byte[] read(String rel, long len) throws Exception {
    return Reads.read(client, root + rel, len, 0, len, MIB).data();
  }

  @Test
  void secondReadIsServedFromTheCache() throws Exception {
    byte[] data = BlockWorkerRpcTest.random(3 * MIB + 77, 1);
    Files.write(ufs.resolve("f"), data);
    assertThat(percent("/f")).isZero();
    assertThat(read("/f", data.length)).isEqualTo(data);
    // Each page read once from the under-store (by the sender or its read-ahead).
    assertThat(worker.stats().misses()).isEqualTo(4);
    assertThat(worker.stats().ufsBytesRead()).isEqualTo(data.length);
    assertThat(percent("/f")).isEqualTo(100);
    long hits = worker.stats().hits();
    assertThat(read("/f", data.length)).isEqualTo(data);
    assertThat(worker.stats().misses()).isEqualTo(4);
    assertThat(worker.stats().hits()).isGreaterThanOrEqualTo(hits + 4);
    assertThat(worker.stats().ufsBytesRead()).isEqualTo(data.length);
  }

  @Test
  void changedFilesAreNeverServedStale() throws Exception {
    Path f = ufs.resolve("f");
    byte[] v1 = BlockWorkerRpcTest.random(MIB + 10, 2);
    Files.write(f, v1);
    assertThat(read("/f", v1.length)).isEqualTo(v1);
    // Same length, new content, new mtime (changed behind the worker's back).
    byte[] v2 = BlockWorkerRpcTest.random(MIB + 10, 3);
    Files.write(f, v2);
    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
    assertThat(percent("/f")).isZero();
    // GetStatus saw the change: the stale pages are gone already.
    assertThat(worker.stats().invalidations()).isEqualTo(2);
    assertThat(worker.stats().cachedBytes()).isZero();
    assertThat(read("/f", v2.length)).isEqualTo(v2);
    long invalidated = worker.stats().invalidations();
    assertThat(invalidated).isEqualTo(2);
    // New length.
    byte[] v3 = BlockWorkerRpcTest.random(100, 4);
    Files.write(f, v3);
    assertThat(read("/f", v3.length)).isEqualTo(v3);
    assertThat(worker.stats().invalidations()).isEqualTo(invalidated + 2);
    assertThat(worker.stats().cachedBytes()).isEqualTo(100);
  }

  @Test
  void removeRenameAndWritesThroughTheWorkerDropPages() throws Exception {
    byte[] data = BlockWorkerRpcTest.random(2 * MIB, 5);
    Files.write(ufs.resolve("a"), data);
    read("/a", data.length);
    assertThat(worker.stats().cachedBytes()).isEqualTo(data.length);
    client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/a").setDstPath(root + "/b").build());
    assertThat(worker.stats().cachedBytes()).isZero();
    read("/b", data.length);
    client.blocking().remove(DeletePRequest.newBuilder().setPath(root + "/b").build());
    assertThat(worker.stats().cachedBytes()).isZero();

    Files.write(ufs.resolve("c"), data);
    read("/c", data.length);
    assertThat(worker.stats().cachedBytes()).isEqualTo(data.length);
    String uuid = client.blocking().createFile(CreateFilePRequest.newBuilder().setPath(root + "/c")
        .setOptions(CreateFilePOptions.newBuilder().setOverwrite(true)).build()).getUuid();
    assertThat(worker.stats().cachedBytes()).isZero();
    BlockWorkerRpcTest.write(client, root + "/c", "new".getBytes(), 3, 3);
    client.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(root + "/c").setUuid(uuid).build());
    assertThat(read("/c", 3)).isEqualTo("new".getBytes());

    // Overwrite by rename: the destination's pages go too.
    Files.write(ufs.resolve("d"), data);
    read("/d", data.length);
    Files.write(ufs.resolve("e"), "eee".getBytes());
    client.blocking().rename(RenamePRequest.newBuilder().setPath(root + "/e").setDstPath(root + "/d")
        .setOptions(RenamePOptions.newBuilder().setOverwrite(true)).build());
    assertThat(read("/d", 3)).isEqualTo("eee".getBytes());
  }
}
