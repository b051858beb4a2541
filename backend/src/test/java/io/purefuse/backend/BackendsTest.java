package io.purefuse.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.local.LocalUnderFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {
  @TempDir Path dir;

  @Test
  void localFromPathOrFileUri() throws Exception {
    try (FileSystemBackend b = Backends.fromProperties(Map.of(Backends.UFS_ROOT, dir.toString()))) {
      assertThat(b).isInstanceOf(LocalUnderFileSystem.class);
      assertThat(b.describe()).isEqualTo("local:" + dir.toRealPath());
      assertThat(b.getStatus(AlluxioPath.root()).isDirectory()).isTrue();
    }
    Properties p = new Properties();
    p.setProperty(Backends.UFS_ROOT, dir.toUri().toString());
    try (FileSystemBackend b = Backends.fromProperties(p)) {
      assertThat(((LocalUnderFileSystem) b).root()).isEqualTo(dir.toRealPath());
    }
  }

  @Test
  void aClusterPropertyNeverFallsBackToTheLocalUfs() throws Exception {
    Map<String, String> props = Map.of(Backends.UFS_ROOT, dir.toString(), "purefuse.workers", "127.0.0.1:1");
    FileSystemBackend b;
    try {
      b = Backends.fromProperties(props);
    } catch (UnsupportedException e) {
      // A build whose membership cannot be read yet says so.
      assertThat(e.getMessage()).contains("purefuse.workers").contains("membership");
      return;
    }
    try (b) {
      assertThat(b).isInstanceOf(io.purefuse.backend.alluxio.AlluxioWorkerBackend.class);
      assertThat(b.ufsPath(AlluxioPath.of("/a"))).isEqualTo(dir + "/a");
    }
  }

  @Test
  void rejectsBadRoots() throws Exception {
    assertThatThrownBy(() -> Backends.fromProperties(Map.of())).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Backends.fromProperties(Map.of(Backends.UFS_ROOT, "relative/dir")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Backends.fromProperties(Map.of(Backends.UFS_ROOT, "s3://bucket/x")))
        .isInstanceOf(UnsupportedException.class);
    assertThatThrownBy(() -> Backends.fromProperties(Map.of(Backends.UFS_ROOT, dir.resolve("nope").toString())))
        .isInstanceOf(NotFoundException.class);
    Path f = Files.createFile(dir.resolve("f"));
    assertThatThrownBy(() -> Backends.fromProperties(Map.of(Backends.UFS_ROOT, f.toString())))
        .isInstanceOf(NotDirectoryException.class);
  }
}
