package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alluxio.grpc.Bits;
import alluxio.grpc.CompleteFilePRequest;
import alluxio.grpc.CreateFilePRequest;
import alluxio.grpc.DeletePRequest;
import alluxio.grpc.RequestType;
import alluxio.grpc.WriteRequest;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.UnsupportedException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CreateFile, WriteBlock, CompleteFile, cancel, and the direct-UFS fall-back. */
class WorkerWriteTest {
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

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /** Writes {@code data} in pieces of {@code piece} bytes, as the VFS hands over FUSE WRITEs. */
  private static void write(FileOutStream out, byte[] data, int piece) throws BackendException {
    for (int off = 0; off < data.length; off += piece) {
      ByteBuffer b = ByteBuffer.wrap(data, off, Math.min(piece, data.length - off));
      out.write(b);
      assertThat(b.hasRemaining()).isFalse();
    }
  }

  @Test
  void writeBlockSequenceThenCompleteFileWithTheUuid() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    byte[] data = random(300_000);
    FileOutStream out = b.createFile(AlluxioPath.of("/w"), CreateOptions.builder().mode(0640).build());
    assertThat(out.initialStatus().isCompleted()).isFalse();
    assertThat(out.initialStatus().path()).isEqualTo(AlluxioPath.of("/w"));
    write(out, data, 100_000);
    assertThat(out.position()).isEqualTo(data.length);
    out.flush();
    out.close();
    out.close(); // idempotent

    assertThat(Files.readAllBytes(ufs.resolve("w"))).isEqualTo(data);
    CreateFilePRequest create = w.<CreateFilePRequest>requests("CreateFile").get(0);
    assertThat(create.getPath()).isEqualTo(ufs + "/w");
    assertThat(create.getOptions().getMode().getOwnerBits()).isEqualTo(Bits.READ_WRITE);
    assertThat(create.getOptions().getMode().getGroupBits()).isEqualTo(Bits.READ);
    assertThat(create.getOptions().getMode().getOtherBits()).isEqualTo(Bits.NONE);

    List<WriteRequest> writes = w.requests("WriteBlock");
    assertThat(writes).hasSize(1 + 3 + 1 + 1);
    WriteRequest first = writes.get(0);
    assertThat(first.getCommand().getType()).isEqualTo(RequestType.ALLUXIO_BLOCK);
    assertThat(first.getCommand().getOffset()).isEqualTo(0);
    assertThat(first.getCommand().hasOffset()).isTrue();
    assertThat(first.getCommand().getCreateUfsFileOptions().getUfsPath()).isEqualTo(ufs + "/w");
    assertThat(first.getCommand().getCreateUfsFileOptions().getMode()).isEqualTo(0640);
    assertThat(first.getCommand().getCreateUfsFileOptions().getOwner()).isNotEmpty();
    for (int i = 1; i <= 3; i++) {
      assertThat(writes.get(i).hasChunk()).isTrue();
      assertThat(writes.get(i).getChunk().getData().size()).isEqualTo(100_000);
    }
    // flush() and close() each send a flush command at the total offset.
    for (int i = 4; i <= 5; i++) {
      assertThat(writes.get(i).getCommand().getFlush()).isTrue();
      assertThat(writes.get(i).getCommand().getOffset()).isEqualTo(data.length);
    }
    assertThat(w.calls("WriteBlock:half-close")).hasSize(1);
    CompleteFilePRequest complete = w.<CompleteFilePRequest>requests("CompleteFile").get(0);
    assertThat(complete.getPath()).isEqualTo(ufs + "/w");
    assertThat(complete.getUuid()).isNotEmpty();
    assertThat(w.openFiles).isEmpty(); // the uuid matched the CreateFile answer
    assertThat(b.getStatus(AlluxioPath.of("/w")).isCompleted()).isTrue();

    assertThatThrownBy(() -> b.createFile(AlluxioPath.of("/w"), CreateOptions.defaults()))
        .isInstanceOf(AlreadyExistsException.class);
    FileOutStream again = b.createFile(AlluxioPath.of("/w"), CreateOptions.builder().overwrite(true).build());
    again.close();
    assertThat(Files.size(ufs.resolve("w"))).isZero();
  }

  @Test
  void cancelRemovesTheFile() throws Exception {
    RecordingWorker w = cluster.addWorker(true, true, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    FileOutStream out = b.createFile(AlluxioPath.of("/c"), CreateOptions.defaults());
    write(out, random(5000), 5000);
    out.cancel();
    out.cancel();
    assertThat(Files.exists(ufs.resolve("c"))).isFalse();
    assertThat(w.<DeletePRequest>requests("Remove")).extracting(DeletePRequest::getPath).containsExactly(ufs + "/c");
    assertThat(w.calls("CompleteFile")).isEmpty();
    assertThatThrownBy(() -> out.write(ByteBuffer.allocate(1))).isInstanceOf(BackendException.class);
  }

  @Test
  void unimplementedWriteBlockFallsBackToTheLocalUfs() throws Exception {
    RecordingWorker w = cluster.addWorker(true, false, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config());
    // Small: everything is still in the replay when UNIMPLEMENTED is seen at close at the latest.
    byte[] small = random(70_000);
    FileOutStream out = b.createFile(AlluxioPath.of("/small"), CreateOptions.defaults());
    write(out, small, 32_768);
    out.close();
    assertThat(Files.readAllBytes(ufs.resolve("small"))).isEqualTo(small);
    // Large: beyond the replay limit the stream flushes to learn whether the worker takes data.
    byte[] large = random(WorkerFileOutStream.REPLAY_LIMIT * 3 + 12345);
    FileOutStream big = b.createFile(AlluxioPath.of("/large"), CreateOptions.defaults());
    write(big, large, 128 << 10);
    assertThat(((WorkerFileOutStream) big).writesDirectly()).isTrue();
    big.flush();
    big.close();
    assertThat(Files.readAllBytes(ufs.resolve("large"))).isEqualTo(large);
    assertThat(w.<CompleteFilePRequest>requests("CompleteFile")).extracting(CompleteFilePRequest::getPath)
        .containsExactly(ufs + "/small", ufs + "/large");
    assertThat(w.openFiles).isEmpty();
    // A stock worker creates nothing at CreateFile: the client creates the file with its mode.
    Files.delete(ufs.resolve("small"));
    FileOutStream fresh = b.createFile(AlluxioPath.of("/fresh"), CreateOptions.builder().mode(0604).build());
    Files.delete(ufs.resolve("fresh"));
    write(fresh, small, 65536);
    fresh.close();
    assertThat(Files.readAllBytes(ufs.resolve("fresh"))).isEqualTo(small);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(ufs.resolve("fresh"))))
        .isEqualTo("rw----r--");
  }

  @Test
  void unimplementedWriteBlockWithoutUfsAccessIsEopnotsupp() throws Exception {
    RecordingWorker w = cluster.addWorker(true, false, 100);
    AlluxioWorkerBackend b = cluster.open(cluster.config().writeToUfs(false));
    FileOutStream out = b.createFile(AlluxioPath.of("/x"), CreateOptions.defaults());
    assertThatThrownBy(() -> {
      write(out, random(1000), 1000);
      out.close();
    }).isInstanceOf(UnsupportedException.class)
        .satisfies(e -> assertThat(((BackendException) e).errno()).isEqualTo(95));
    out.cancel();
    assertThat(Files.exists(ufs.resolve("x"))).isFalse();
    assertThat(w.calls("CompleteFile")).isEmpty();
  }
}
