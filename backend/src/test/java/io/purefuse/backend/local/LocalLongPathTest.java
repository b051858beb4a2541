package io.purefuse.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trees whose full path (root + namespace path) is longer than PATH_MAX: every operation must work
 * because the backend resolves names relative to directory descriptors, never by absolute path.
 */
class LocalLongPathTest {
  /** 20 levels of 200-byte names: ~4 KB of namespace path, beyond 4096 with the root. */
  static final int DEPTH = 20;
  static final String SEG = "d".repeat(199);

  @TempDir Path tmp;
  Path rootDir;
  LocalUnderFileSystem fs;

  @BeforeEach
  void setUp() throws Exception {
    rootDir = Files.createDirectory(tmp.resolve("ufs-" + "u".repeat(100)));
    fs = LocalUnderFileSystem.open(rootDir);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (fs.exists(AlluxioPath.of("/t"))) {
        fs.delete(AlluxioPath.of("/t"), true); // JUnit's own clean-up cannot reach that deep
      }
    } finally {
      fs.close();
    }
  }

  static AlluxioPath deep(int levels) throws Exception {
    AlluxioPath p = AlluxioPath.of("/t");
    for (int i = 0; i < levels; i++) {
      p = p.child(SEG + (char) ('a' + i % 26));
    }
    return p;
  }

  @Test
  void createWriteStatListRenameRemoveBeyondPathMax() throws Exception {
    AlluxioPath dir = deep(DEPTH);
    int full = rootDir.toRealPath().toString().length() + dir.toString().length() + "/file".length();
    assertThat(full).as("full path length").isGreaterThan(4096);
    assertThat(dir.toString().length() + "/file".length()).isLessThan(4096);

    fs.createDirectory(dir, CreateOptions.builder().recursive(true).build());
    AlluxioPath file = dir.child("file");
    byte[] data = "deep data".getBytes(StandardCharsets.US_ASCII);
    try (FileOutStream out = fs.createFile(file, CreateOptions.defaults())) {
      out.write(ByteBuffer.wrap(data));
    }
    FileStatus st = fs.getStatus(file);
    assertThat(st.isRegularFile()).isTrue();
    assertThat(st.length()).isEqualTo(data.length);
    assertThat(fs.exists(file)).isTrue();

    try (FileInStream in = fs.openFile(file)) {
      ByteBuffer b = ByteBuffer.allocate(64);
      assertThat(in.read(0, b)).isEqualTo(data.length);
    }
    try (RandomAccessFileHandle h = fs.openForRandomWrite(file)) {
      h.write(0, ByteBuffer.wrap("D".getBytes(StandardCharsets.US_ASCII)));
    }
    fs.setAttributes(file, SetAttributeOptions.builder().mode(0600).mtimeNs(1_000_000_000L).build());
    st = fs.getStatus(file);
    assertThat(st.mode()).isEqualTo(0600);
    assertThat(st.lastModificationTimeNs()).isEqualTo(1_000_000_000L);
    fs.truncate(file, 4);
    fs.createSymlink(dir.child("link"), "file", CreateOptions.defaults());
    assertThat(fs.readSymlink(dir.child("link"))).isEqualTo("file");

    List<String> names = new ArrayList<>();
    try (DirectoryListing l = fs.listStatus(dir)) {
      for (FileStatus s; (s = l.next()) != null; ) {
        names.add(s.name());
      }
    }
    assertThat(names).containsExactlyInAnyOrder("file", "link");

    AlluxioPath renamed = dir.child("renamed");
    fs.rename(file, renamed, RenameOptions.defaults());
    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.getStatus(renamed).length()).isEqualTo(4);
    fs.rename(renamed, AlluxioPath.of("/top"), RenameOptions.noReplaceOption());
    assertThat(fs.getStatus(AlluxioPath.of("/top")).length()).isEqualTo(4);
    fs.rename(AlluxioPath.of("/top"), renamed, RenameOptions.defaults());

    fs.delete(renamed, false);
    assertThatThrownBy(() -> fs.getStatus(renamed)).isInstanceOf(NotFoundException.class);
    fs.delete(AlluxioPath.of("/t"), true);
    assertThat(fs.exists(AlluxioPath.of("/t"))).isFalse();
    try (var s = Files.list(rootDir)) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void aSymlinkDeepInTheTreeIsNeverFollowedAsAParent() throws Exception {
    AlluxioPath dir = deep(DEPTH);
    fs.createDirectory(dir, CreateOptions.builder().recursive(true).build());
    fs.createSymlink(dir.child("up"), "/", CreateOptions.defaults());
    assertThatThrownBy(() -> fs.getStatus(dir.child("up").child("etc")))
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createFile(dir.child("up").child("x"), CreateOptions.defaults()))
        .isInstanceOf(NotDirectoryException.class);
  }

  @Test
  void sparseFilesReportTheirRealAllocation() throws Exception {
    AlluxioPath f = AlluxioPath.of("/sparse");
    try (FileOutStream out = fs.createFile(f, CreateOptions.defaults())) {
      out.write(ByteBuffer.wrap(new byte[] {1}));
    }
    fs.truncate(f, 64L << 20);
    FileStatus st = fs.getStatus(f);
    assertThat(st.length()).isEqualTo(64L << 20);
    long realBlocks = (Long) Files.getAttribute(rootDir.resolve("sparse"), "unix:size") > 0
        ? blocksOf(rootDir.resolve("sparse")) : -1;
    assertThat(st.blocks()).isEqualTo(realBlocks).isLessThan((64L << 20) / 512);
  }

  /** st_blocks as stat(1) reports it. */
  static long blocksOf(Path p) throws Exception {
    Process pr = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertThat(pr.waitFor()).isZero();
    return Long.parseLong(out);
  }
}
