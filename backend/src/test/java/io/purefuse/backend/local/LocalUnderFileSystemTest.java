package io.purefuse.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.DirectoryNotEmptyException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileType;
import io.purefuse.backend.InvalidArgumentException;
import io.purefuse.backend.IsDirectoryException;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.backend.UnsupportedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalUnderFileSystemTest {
  @TempDir Path tmp;
  Path rootDir;
  Path outside;
  LocalUnderFileSystem fs;

  @BeforeEach
  void setUp() throws Exception {
    rootDir = Files.createDirectory(tmp.resolve("ufs"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "secret");
    fs = LocalUnderFileSystem.open(rootDir);
  }

  @AfterEach
  void tearDown() {
    fs.close();
  }

  static AlluxioPath p(String s) throws BackendException {
    return AlluxioPath.of(s);
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  void writeFile(String path, byte[] data) throws Exception {
    try (FileOutStream out = fs.createFile(p(path), CreateOptions.defaults())) {
      out.write(ByteBuffer.wrap(data));
    }
  }

  byte[] readAll(String path) throws Exception {
    try (FileInStream in = fs.openFile(p(path))) {
      ByteBuffer b = ByteBuffer.allocate((int) in.length());
      int n = in.read(0, b);
      assertThat(n).isEqualTo(b.capacity() == 0 ? -1 : b.capacity());
      return b.array();
    }
  }

  static ErrorCode code(Throwable t) {
    return ((BackendException) t).code();
  }

  // ------------------------------------------------------------------ status

  @Test
  void statusOfFileDirAndSymlink() throws Exception {
    Files.write(rootDir.resolve("f"), new byte[1234]);
    Files.createDirectory(rootDir.resolve("d"));
    Files.createSymbolicLink(rootDir.resolve("l"), Path.of("f"));
    Files.setAttribute(rootDir.resolve("f"), "unix:mode", 0640);

    FileStatus f = fs.getStatus(p("/f"));
    assertThat(f.type()).isEqualTo(FileType.REGULAR);
    assertThat(f.isRegularFile()).isTrue();
    assertThat(f.name()).isEqualTo("f");
    assertThat(f.path()).isEqualTo(p("/f"));
    assertThat(f.length()).isEqualTo(1234);
    assertThat(f.mode()).isEqualTo(0640);
    assertThat(f.stMode()).isEqualTo(0100640);
    assertThat(f.uid()).isEqualTo(((Integer) Files.getAttribute(rootDir.resolve("f"), "unix:uid")).longValue());
    assertThat(f.owner()).isEqualTo(Files.getOwner(rootDir.resolve("f")).getName());
    assertThat(f.group()).isNotNull();
    assertThat(f.nlink()).isEqualTo(1);
    assertThat(f.fileId()).isEqualTo(Files.getAttribute(rootDir.resolve("f"), "unix:ino"));
    assertThat(f.lastModificationTimeNs())
        .isEqualTo(Files.getLastModifiedTime(rootDir.resolve("f")).to(TimeUnit.NANOSECONDS));
    assertThat(f.lastModificationTimeMs()).isEqualTo(f.lastModificationTimeNs() / 1_000_000);
    assertThat(f.changeTimeNs()).isPositive();
    assertThat(f.ufsPath()).isEqualTo(rootDir.toRealPath().resolve("f").toString());
    assertThat(f.isCompleted()).isTrue();
    assertThat(f.symlinkTarget()).isNull();

    FileStatus d = fs.getStatus(p("/d"));
    assertThat(d.isDirectory()).isTrue();
    assertThat(d.nlink()).isEqualTo(2);

    FileStatus l = fs.getStatus(p("/l"));
    assertThat(l.isSymlink()).isTrue();
    assertThat(l.symlinkTarget()).isEqualTo("f");
    assertThat(l.length()).isEqualTo(1);

    FileStatus root = fs.getStatus(AlluxioPath.root());
    assertThat(root.isDirectory()).isTrue();
    assertThat(root.name()).isEmpty();

    assertThatThrownBy(() -> fs.getStatus(p("/missing"))).isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((BackendException) e).path()).isEqualTo("/missing"));
    assertThatThrownBy(() -> fs.getStatus(p("/missing/x"))).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.getStatus(p("/f/x"))).isInstanceOf(NotDirectoryException.class);

    assertThat(fs.exists(p("/f"))).isTrue();
    assertThat(fs.exists(p("/d"))).isTrue();
    assertThat(fs.exists(p("/l"))).isTrue();
    assertThat(fs.exists(p("/missing"))).isFalse();
    assertThat(fs.exists(p("/f/x"))).isFalse();
    Files.createSymbolicLink(rootDir.resolve("dangling"), Path.of("nowhere"));
    assertThat(fs.exists(p("/dangling"))).isTrue();
  }

  // ------------------------------------------------------------------ create / write / read

  @Test
  void createWriteCompleteReadBack() throws Exception {
    byte[] data = random(3 * 1024 * 1024 + 17, 1);
    FileOutStream out = fs.createFile(p("/new"), CreateOptions.builder().mode(0600).build());
    FileStatus initial = out.initialStatus();
    assertThat(initial.length()).isZero();
    assertThat(initial.mode()).isEqualTo(0600);
    assertThat(initial.isCompleted()).isFalse();
    assertThat(fs.getStatus(p("/new")).isCompleted()).isFalse();
    int off = 0;
    int[] chunks = {1, 4095, 4096, 131072, 1 << 20};
    for (int i = 0; off < data.length; i++) {
      int n = Math.min(chunks[i % chunks.length], data.length - off);
      ByteBuffer src = ByteBuffer.wrap(data, off, n);
      out.write(i % 2 == 0 ? src : ByteBuffer.allocateDirect(n).put(src).flip());
      off += n;
      assertThat(out.position()).isEqualTo(off);
    }
    out.flush();
    out.sync();
    // Renaming while writing keeps the incomplete mark (tracked by inode).
    fs.rename(p("/new"), p("/renamed"), RenameOptions.defaults());
    assertThat(fs.getStatus(p("/renamed")).isCompleted()).isFalse();
    assertThat(fs.getStatus(p("/renamed")).length()).isEqualTo(data.length);
    out.close();
    out.close(); // idempotent
    out.cancel(); // no-op after close
    assertThat(fs.getStatus(p("/renamed")).isCompleted()).isTrue();
    assertThat(readAll("/renamed")).isEqualTo(data);
    assertThatThrownBy(() -> out.write(ByteBuffer.allocate(1))).isInstanceOf(BackendException.class);

    // empty file
    fs.createFile(p("/empty"), CreateOptions.defaults()).close();
    assertThat(fs.getStatus(p("/empty")).length()).isZero();
    assertThat(fs.getStatus(p("/empty")).mode()).isEqualTo(0644);
    try (FileInStream in = fs.openFile(p("/empty"))) {
      assertThat(in.read(0, ByteBuffer.allocate(10))).isEqualTo(-1);
    }
  }

  @Test
  void createFileErrors() throws Exception {
    writeFile("/f", new byte[] {1, 2, 3});
    Files.createDirectory(rootDir.resolve("d"));
    Files.createSymbolicLink(rootDir.resolve("l"), Path.of("f"));
    assertThatThrownBy(() -> fs.createFile(p("/f"), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> fs.createFile(p("/d"), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> fs.createFile(p("/l"), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    CreateOptions ow = CreateOptions.builder().overwrite(true).build();
    assertThatThrownBy(() -> fs.createFile(p("/d"), ow)).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.createFile(p("/l"), ow)).matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);
    assertThatThrownBy(() -> fs.createFile(p("/nodir/x"), ow)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.createFile(p("/f/x"), ow)).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createFile(AlluxioPath.root(), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThat(Files.readAllBytes(rootDir.resolve("f"))).containsExactly(1, 2, 3);

    // overwrite truncates in place, keeps the inode and the mode
    long ino = fs.getStatus(p("/f")).fileId();
    try (FileOutStream out = fs.createFile(p("/f"), CreateOptions.builder().overwrite(true).mode(0600).build())) {
      assertThat(out.initialStatus().length()).isZero();
      out.write(ByteBuffer.wrap(new byte[] {9}));
    }
    assertThat(readAll("/f")).containsExactly(9);
    assertThat(fs.getStatus(p("/f")).fileId()).isEqualTo(ino);
    assertThat(fs.getStatus(p("/f")).mode()).isEqualTo(0644);
  }

  @Test
  void cancelRemovesTheFile() throws Exception {
    FileOutStream out = fs.createFile(p("/c"), CreateOptions.defaults());
    out.write(ByteBuffer.wrap(new byte[100]));
    out.cancel();
    out.cancel();
    out.close();
    assertThat(fs.exists(p("/c"))).isFalse();
    assertThatThrownBy(() -> out.write(ByteBuffer.allocate(1))).isInstanceOf(BackendException.class);
  }

  @Test
  void modesAreExactRegardlessOfUmask() throws Exception {
    fs.createFile(p("/f"), CreateOptions.builder().mode(0777).build()).close();
    assertThat(fs.getStatus(p("/f")).mode()).isEqualTo(0777);
    FileStatus d = fs.createDirectory(p("/d"), CreateOptions.builder().mode(02777).build());
    assertThat(d.mode()).isEqualTo(02777);
    assertThat(d.isDirectory()).isTrue();
    assertThat(fs.createDirectory(p("/d2"), CreateOptions.defaults()).mode()).isEqualTo(0755);
  }

  @Test
  void readsAtOffsets() throws Exception {
    byte[] data = random(100_000, 2);
    writeFile("/f", data);
    try (FileInStream in = fs.openFile(p("/f"))) {
      assertThat(in.length()).isEqualTo(data.length);
      ByteBuffer b = ByteBuffer.allocate(1000);
      assertThat(in.read(5000, b)).isEqualTo(1000);
      assertThat(b.array()).isEqualTo(Arrays.copyOfRange(data, 5000, 6000));
      b.clear();
      assertThat(in.read(data.length - 10, b)).isEqualTo(10);
      assertThat(Arrays.copyOf(b.array(), 10)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
      b.clear();
      assertThat(in.read(data.length, b)).isEqualTo(-1);
      assertThat(in.read(data.length + 100, b)).isEqualTo(-1);
      assertThat(in.read(0, ByteBuffer.allocate(0))).isZero();
      assertThatThrownBy(() -> in.read(-1, ByteBuffer.allocate(1))).isInstanceOf(InvalidArgumentException.class);
      ByteBuffer direct = ByteBuffer.allocateDirect(4096);
      assertThat(in.read(123, direct)).isEqualTo(4096);
      direct.flip();
      byte[] got = new byte[4096];
      direct.get(got);
      assertThat(got).isEqualTo(Arrays.copyOfRange(data, 123, 123 + 4096));
    }
    Files.createDirectory(rootDir.resolve("d"));
    Files.createSymbolicLink(rootDir.resolve("l"), Path.of("f"));
    assertThatThrownBy(() -> fs.openFile(p("/d"))).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.openFile(p("/l"))).matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);
    assertThatThrownBy(() -> fs.openFile(p("/missing"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void concurrentPositionalReads() throws Exception {
    byte[] data = random(8 << 20, 3);
    writeFile("/big", data);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (FileInStream in = fs.openFile(p("/big"))) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final long seed = t;
        results.add(pool.submit(() -> {
          Random r = new Random(seed);
          ByteBuffer b = ByteBuffer.allocateDirect(128 * 1024);
          byte[] got = new byte[b.capacity()];
          int checked = 0;
          for (int i = 0; i < 300; i++) {
            long off = r.nextInt(data.length);
            b.clear();
            int n = in.read(off, b);
            int expect = (int) Math.min(b.capacity(), data.length - off);
            assertThat(n).isEqualTo(expect);
            b.flip();
            b.get(got, 0, n);
            assertThat(Arrays.equals(got, 0, n, data, (int) off, (int) off + n)).isTrue();
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(300);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aReaderSurvivesAnotherThreadsInterrupt() throws Exception {
    writeFile("/f", random(10_000, 4));
    try (FileInStream in = fs.openFile(p("/f"))) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> in.read(0, ByteBuffer.allocate(10)))
            .matches(e -> code(e) == ErrorCode.INTERRUPTED);
      } finally {
        Thread.interrupted();
      }
      assertThat(in.read(0, ByteBuffer.allocate(10))).isEqualTo(10);
    }
  }

  // ------------------------------------------------------------------ random write / truncate

  @Test
  void randomWriteAndTruncate() throws Exception {
    writeFile("/f", "hello world".getBytes(StandardCharsets.US_ASCII));
    try (RandomAccessFileHandle h = fs.openForRandomWrite(p("/f"))) {
      h.write(6, ByteBuffer.wrap("WORLD".getBytes(StandardCharsets.US_ASCII)));
      h.write(0, ByteBuffer.wrap("J".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer b = ByteBuffer.allocate(64);
      assertThat(h.read(0, b)).isEqualTo(11);
      assertThat(new String(b.array(), 0, 11, StandardCharsets.US_ASCII)).isEqualTo("Jello WORLD");
      h.write(1 << 20, ByteBuffer.wrap(new byte[] {7}));
      assertThat(h.length()).isEqualTo((1 << 20) + 1);
      ByteBuffer hole = ByteBuffer.allocate(100);
      h.read(1000, hole);
      assertThat(hole.array()).containsOnly(0);
      h.truncate(5);
      assertThat(h.length()).isEqualTo(5);
      h.truncate(8);
      h.sync();
      assertThatThrownBy(() -> h.write(-1, ByteBuffer.allocate(1))).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> h.truncate(-1)).isInstanceOf(InvalidArgumentException.class);
    }
    assertThat(readAll("/f")).isEqualTo(new byte[] {'J', 'e', 'l', 'l', 'o', 0, 0, 0});

    FileStatus st = fs.truncate(p("/f"), 2);
    assertThat(st.length()).isEqualTo(2);
    assertThat(fs.truncate(p("/f"), 10_000).length()).isEqualTo(10_000);
    byte[] after = readAll("/f");
    assertThat(Arrays.copyOf(after, 2)).containsExactly('J', 'e');
    assertThat(Arrays.copyOfRange(after, 2, after.length)).containsOnly(0);
    assertThat(fs.truncate(p("/f"), 0).length()).isZero();

    Files.createDirectory(rootDir.resolve("d"));
    assertThatThrownBy(() -> fs.truncate(p("/d"), 0)).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.truncate(p("/missing"), 0)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.truncate(p("/f"), -1)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> fs.openForRandomWrite(p("/d"))).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.openForRandomWrite(p("/missing"))).isInstanceOf(NotFoundException.class);

    try (FileInStream ro = fs.openFile(p("/f"))) {
      assertThatThrownBy(() -> ((RandomAccessFileHandle) ro).write(0, ByteBuffer.allocate(1)))
          .isInstanceOf(UnsupportedException.class);
    }
  }

  // ------------------------------------------------------------------ directories / delete

  @Test
  void createDirectoryVariants() throws Exception {
    fs.createDirectory(p("/a"), CreateOptions.defaults());
    assertThatThrownBy(() -> fs.createDirectory(p("/a"), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> fs.createDirectory(p("/x/y"), CreateOptions.defaults())).isInstanceOf(NotFoundException.class);
    FileStatus deep = fs.createDirectory(p("/x/y/z"), CreateOptions.builder().recursive(true).mode(0700).build());
    assertThat(deep.isDirectory()).isTrue();
    assertThat(fs.getStatus(p("/x/y")).mode()).isEqualTo(0700);
    fs.createDirectory(p("/x/y/z"), CreateOptions.builder().recursive(true).build()); // exists: fine
    fs.createDirectory(AlluxioPath.root(), CreateOptions.builder().recursive(true).build());
    writeFile("/file", new byte[1]);
    assertThatThrownBy(() -> fs.createDirectory(p("/file"), CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> fs.createDirectory(p("/file"), CreateOptions.builder().recursive(true).build()))
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createDirectory(p("/file/sub"), CreateOptions.defaults())).isInstanceOf(NotDirectoryException.class);
  }

  @Test
  void deleteFilesDirsAndTrees() throws Exception {
    writeFile("/f", new byte[1]);
    fs.delete(p("/f"), false);
    assertThat(fs.exists(p("/f"))).isFalse();
    assertThatThrownBy(() -> fs.delete(p("/f"), false)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.delete(p("/f"), true)).isInstanceOf(NotFoundException.class);

    fs.createDirectory(p("/empty"), CreateOptions.defaults());
    fs.delete(p("/empty"), false);
    assertThat(fs.exists(p("/empty"))).isFalse();

    fs.createDirectory(p("/t/a/b"), CreateOptions.builder().recursive(true).build());
    writeFile("/t/a/b/f", new byte[10]);
    writeFile("/t/g", new byte[10]);
    Files.createSymbolicLink(rootDir.resolve("t/out"), outside);
    Files.createSymbolicLink(rootDir.resolve("t/a/outfile"), outside.resolve("secret"));
    assertThatThrownBy(() -> fs.delete(p("/t"), false)).isInstanceOf(DirectoryNotEmptyException.class);
    fs.delete(p("/t"), true);
    assertThat(Files.exists(rootDir.resolve("t"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("secret");

    Files.createSymbolicLink(rootDir.resolve("link"), outside);
    fs.delete(p("/link"), true); // removes the link, never the target
    assertThat(Files.exists(outside.resolve("secret"))).isTrue();

    assertThatThrownBy(() -> fs.delete(AlluxioPath.root(), true)).matches(e -> code(e) == ErrorCode.BUSY);
  }

  // ------------------------------------------------------------------ rename

  @Test
  void renameFilesAndDirectories() throws Exception {
    renameCases(fs);
  }

  @Test
  void renameWithoutNativeHelpers() throws Exception {
    LocalUnderFileSystem pure = LocalUnderFileSystem.open(rootDir, true, false);
    assertThat(pure.capabilities()).doesNotContain(Capability.RENAME_EXCHANGE);
    renameCases(pure);
    writeFile("/x", new byte[1]);
    writeFile("/y", new byte[2]);
    assertThatThrownBy(() -> pure.rename(p("/x"), p("/y"), RenameOptions.exchangeOption()))
        .isInstanceOf(UnsupportedException.class);
  }

  private void renameCases(LocalUnderFileSystem b) throws Exception {
    writeFile("/a", new byte[] {1});
    writeFile("/b", new byte[] {2});
    b.rename(p("/a"), p("/a2"), RenameOptions.defaults());
    assertThat(b.exists(p("/a"))).isFalse();
    assertThat(readAll("/a2")).containsExactly(1);

    assertThatThrownBy(() -> b.rename(p("/a2"), p("/b"), RenameOptions.noReplaceOption()))
        .isInstanceOf(AlreadyExistsException.class)
        .satisfies(e -> assertThat(((BackendException) e).path()).isEqualTo("/b"));
    assertThat(readAll("/a2")).containsExactly(1);
    assertThat(readAll("/b")).containsExactly(2);

    b.rename(p("/a2"), p("/b"), RenameOptions.defaults()); // replaces
    assertThat(readAll("/b")).containsExactly(1);
    assertThat(b.exists(p("/a2"))).isFalse();

    b.rename(p("/b"), p("/c"), RenameOptions.noReplaceOption());
    assertThat(readAll("/c")).containsExactly(1);
    assertThat(b.getStatus(p("/c")).nlink()).isEqualTo(1);

    // directory with subtree
    b.createDirectory(p("/d/e/f"), CreateOptions.builder().recursive(true).build());
    writeFile("/d/e/f/leaf", new byte[] {3});
    b.rename(p("/d"), p("/D"), RenameOptions.noReplaceOption());
    assertThat(readAll("/D/e/f/leaf")).containsExactly(3);
    b.createDirectory(p("/other"), CreateOptions.defaults());
    assertThatThrownBy(() -> b.rename(p("/D"), p("/other"), RenameOptions.noReplaceOption()))
        .isInstanceOf(AlreadyExistsException.class);
    b.rename(p("/D"), p("/other"), RenameOptions.defaults()); // over an empty dir
    assertThat(readAll("/other/e/f/leaf")).containsExactly(3);

    b.createDirectory(p("/full"), CreateOptions.defaults());
    writeFile("/full/x", new byte[1]);
    b.createDirectory(p("/dir2"), CreateOptions.defaults());
    assertThatThrownBy(() -> b.rename(p("/dir2"), p("/full"), RenameOptions.defaults()))
        .isInstanceOf(DirectoryNotEmptyException.class);
    assertThatThrownBy(() -> b.rename(p("/c"), p("/dir2"), RenameOptions.defaults()))
        .isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> b.rename(p("/dir2"), p("/c"), RenameOptions.defaults()))
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> b.rename(p("/other"), p("/other/e/inside"), RenameOptions.defaults()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> b.rename(p("/missing"), p("/z"), RenameOptions.defaults()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.rename(p("/missing"), p("/z"), RenameOptions.noReplaceOption()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.rename(p("/c"), p("/nodir/z"), RenameOptions.defaults()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.rename(AlluxioPath.root(), p("/z"), RenameOptions.defaults()))
        .matches(e -> code(e) == ErrorCode.BUSY);

    // symlinks move as themselves
    Files.createSymbolicLink(rootDir.resolve("sl"), Path.of("c"));
    b.rename(p("/sl"), p("/sl2"), RenameOptions.noReplaceOption());
    assertThat(b.readSymlink(p("/sl2"))).isEqualTo("c");

    // clean up for a second run of the cases
    for (String n : new String[] {"/c", "/other", "/full", "/dir2", "/sl2"}) {
      b.delete(p(n), true);
    }
  }

  @Test
  void renameExchange() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(fs.capabilities().contains(Capability.RENAME_EXCHANGE));
    writeFile("/x", new byte[] {1});
    fs.createDirectory(p("/y"), CreateOptions.defaults());
    fs.rename(p("/x"), p("/y"), RenameOptions.exchangeOption());
    assertThat(fs.getStatus(p("/x")).isDirectory()).isTrue();
    assertThat(readAll("/y")).containsExactly(1);
    assertThatThrownBy(() -> fs.rename(p("/y"), p("/nope"), RenameOptions.exchangeOption()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void renameFlags() throws Exception {
    assertThat(RenameOptions.fromFlags(0).noReplace()).isFalse();
    assertThat(RenameOptions.fromFlags(1).noReplace()).isTrue();
    assertThat(RenameOptions.fromFlags(2).exchange()).isTrue();
    assertThatThrownBy(() -> RenameOptions.fromFlags(3)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> RenameOptions.fromFlags(4)).isInstanceOf(InvalidArgumentException.class);
  }

  // ------------------------------------------------------------------ attributes

  @Test
  void setModeTimesAndOwner() throws Exception {
    writeFile("/f", new byte[1]);
    FileStatus st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().mode(04751).build());
    assertThat(st.mode()).isEqualTo(04751);

    long mtime = 1_600_000_000_123_456_789L;
    long atime = 1_500_000_000_987_654_321L;
    st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().mtimeNs(mtime).atimeNs(atime).build());
    assertThat(st.lastModificationTimeNs()).isEqualTo(mtime);
    assertThat(st.lastAccessTimeNs()).isEqualTo(atime);
    st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().mtimeNs(mtime + 1000).build());
    assertThat(st.lastModificationTimeNs()).isEqualTo(mtime + 1000);
    assertThat(st.lastAccessTimeNs()).isEqualTo(atime);

    fs.createDirectory(p("/d"), CreateOptions.defaults());
    assertThat(fs.setAttributes(p("/d"), SetAttributeOptions.builder().mode(01777).build()).mode()).isEqualTo(01777);

    Files.createSymbolicLink(rootDir.resolve("l"), Path.of("f"));
    assertThatThrownBy(() -> fs.setAttributes(p("/l"), SetAttributeOptions.builder().mode(0600).build()))
        .isInstanceOf(UnsupportedException.class);
    assertThat(fs.getStatus(p("/f")).mode()).isEqualTo(04751); // target untouched

    assertThatThrownBy(() -> fs.setAttributes(p("/missing"), SetAttributeOptions.builder().mode(0600).build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.setAttributes(p("/f"), SetAttributeOptions.builder().owner("no-such-user-xyz").build()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void chownAsRoot() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")));
    writeFile("/f", new byte[1]);
    FileStatus st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().uid(12345).gid(23456).build());
    assertThat(st.uid()).isEqualTo(12345);
    assertThat(st.gid()).isEqualTo(23456);
    assertThat(st.owner()).isEqualTo("12345"); // no passwd entry: the number
    st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().owner("root").group("root").build());
    assertThat(st.uid()).isZero();
    assertThat(st.gid()).isZero();
    assertThat(st.owner()).isEqualTo("root");
    // ...and that number is accepted back as a name (a worker's client sends it so)
    st = fs.setAttributes(p("/f"), SetAttributeOptions.builder().owner("12345").group("23456").build());
    assertThat(st.uid()).isEqualTo(12345);
    assertThat(st.gid()).isEqualTo(23456);
    try (FileOutStream out = fs.createFile(p("/byname"), CreateOptions.builder().owner("4321").group("4322").build())) {
      assertThat(out.initialStatus().uid()).isEqualTo(4321);
      assertThat(out.initialStatus().gid()).isEqualTo(4322);
    }
    assertThatThrownBy(() -> fs.setAttributes(p("/f"), SetAttributeOptions.builder().owner("99999999999").build()))
        .isInstanceOf(InvalidArgumentException.class);
    fs.setAttributes(p("/f"), SetAttributeOptions.builder().uid(0).gid(0).build());

    // chown on a symlink changes the link, not its target
    Files.createSymbolicLink(rootDir.resolve("l"), Path.of("f"));
    st = fs.setAttributes(p("/l"), SetAttributeOptions.builder().uid(4242).build());
    assertThat(st.uid()).isEqualTo(4242);
    assertThat(fs.getStatus(p("/f")).uid()).isZero();

    // ownership on create
    try (FileOutStream out = fs.createFile(p("/owned"), CreateOptions.builder().uid(1001).gid(1002).mode(0640).build())) {
      assertThat(out.initialStatus().uid()).isEqualTo(1001);
      assertThat(out.initialStatus().gid()).isEqualTo(1002);
    }
    assertThat(fs.createDirectory(p("/od"), CreateOptions.builder().uid(7).gid(8).build()).uid()).isEqualTo(7);
    assertThat(fs.createSymlink(p("/ol"), "owned", CreateOptions.builder().uid(9).build()).uid()).isEqualTo(9);
  }

  // ------------------------------------------------------------------ symlinks

  @Test
  void symlinks() throws Exception {
    FileStatus st = fs.createSymlink(p("/l"), "a//b/../c/", CreateOptions.defaults());
    assertThat(st.isSymlink()).isTrue();
    assertThat(fs.readSymlink(p("/l"))).isEqualTo("a//b/../c/"); // verbatim (native symlink)
    assertThat(st.symlinkTarget()).isEqualTo("a//b/../c/");
    fs.createSymlink(p("/abs"), "/no/such/absolute/target", CreateOptions.defaults());
    assertThat(fs.readSymlink(p("/abs"))).isEqualTo("/no/such/absolute/target");
    assertThatThrownBy(() -> fs.createSymlink(p("/l"), "x", CreateOptions.defaults())).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> fs.createSymlink(p("/e"), "", CreateOptions.defaults())).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> fs.createSymlink(p("/nodir/e"), "x", CreateOptions.defaults())).isInstanceOf(NotFoundException.class);
    writeFile("/f", new byte[1]);
    assertThatThrownBy(() -> fs.readSymlink(p("/f"))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> fs.readSymlink(p("/missing"))).isInstanceOf(NotFoundException.class);

    LocalUnderFileSystem pure = LocalUnderFileSystem.open(rootDir, true, false);
    pure.createSymlink(p("/pl"), "f", CreateOptions.defaults());
    assertThat(pure.readSymlink(p("/pl"))).isEqualTo("f");
  }

  // ------------------------------------------------------------------ names and containment

  @Test
  void oddNamesRoundTrip() throws Exception {
    String[] names = {"with space", "question?", "back\\slash", "x".repeat(255), "日本語 ü é 🎉",
        "日".repeat(85), "*glob[1]", "tab\tand\nnewline", ".dot", "-dash", "'quote\""};
    for (int i = 0; i < names.length; i++) {
      String n = names[i];
      byte[] data = n.getBytes(StandardCharsets.UTF_8);
      writeFile("/" + n, data);
      fs.createDirectory(p("/dir" + i).child(n), CreateOptions.builder().recursive(true).build());
      assertThat(fs.getStatus(p("/dir" + i).child(n)).isDirectory()).isTrue();
      assertThat(Files.exists(rootDir.resolve(n))).isTrue();
      assertThat(readAll("/" + n)).isEqualTo(data);
      assertThat(fs.getStatus(p("/" + n)).name()).isEqualTo(n);
    }
    List<String> listed = new ArrayList<>();
    try (DirectoryListing l = fs.listStatus(AlluxioPath.root())) {
      for (FileStatus s; (s = l.next()) != null; ) {
        listed.add(s.name());
      }
    }
    assertThat(listed).contains(names);
    assertThatThrownBy(() -> fs.getStatus(AlluxioPath.root().child("x".repeat(256))))
        .matches(e -> code(e) == ErrorCode.NAME_TOO_LONG);
  }

  @Test
  void cannotEscapeTheRoot() throws Exception {
    Files.createSymbolicLink(rootDir.resolve("out"), outside);
    Files.createSymbolicLink(rootDir.resolve("outfile"), outside.resolve("secret"));
    Files.createDirectory(rootDir.resolve("d"));
    Files.createSymbolicLink(rootDir.resolve("d/up"), Path.of("../.."));

    assertThatThrownBy(() -> AlluxioPath.of("/../outside/secret")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> AlluxioPath.of(outside.resolve("secret").toString() + "/..")).isInstanceOf(InvalidArgumentException.class);

    // The link itself is visible, never followed.
    assertThat(fs.getStatus(p("/out")).isSymlink()).isTrue();
    assertThat(fs.getStatus(p("/outfile")).length()).isNotEqualTo(6);
    assertThatThrownBy(() -> fs.openFile(p("/outfile"))).matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);
    assertThatThrownBy(() -> fs.openForRandomWrite(p("/outfile"))).matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);
    assertThatThrownBy(() -> fs.truncate(p("/outfile"), 0)).matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);
    assertThatThrownBy(() -> fs.listStatus(p("/out"))).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createFile(p("/outfile"), CreateOptions.builder().overwrite(true).build()))
        .matches(e -> code(e) == ErrorCode.SYMLINK_LOOP);

    // Symlinks as parent components are refused.
    for (String path : new String[] {"/out/secret", "/d/up/outside/secret"}) {
      assertThatThrownBy(() -> fs.getStatus(p(path))).as(path).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> fs.openFile(p(path))).as(path).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> fs.delete(p(path), true)).as(path).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> fs.truncate(p(path), 0)).as(path).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> fs.setAttributes(p(path), SetAttributeOptions.builder().mode(0777).build()))
          .as(path).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> fs.rename(p(path), p("/stolen"), RenameOptions.defaults()))
          .as(path).isInstanceOf(NotDirectoryException.class);
      assertThat(fs.exists(p(path))).isFalse();
    }
    assertThatThrownBy(() -> fs.createFile(p("/out/new"), CreateOptions.defaults())).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createDirectory(p("/out/newdir"), CreateOptions.defaults())).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.createSymlink(p("/out/newlink"), "x", CreateOptions.defaults())).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.rename(p("/d"), p("/out/d"), RenameOptions.defaults())).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.listStatus(p("/d/up"))).isInstanceOf(NotDirectoryException.class);

    // Nothing outside changed.
    try (var s = Files.list(outside)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactly("secret");
    }
    assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("secret");
    assertThat(Files.getAttribute(outside.resolve("secret"), "unix:mode")).isNotEqualTo(0100777);
  }

  @Test
  void rootReachedThroughASymlinkIsFine() throws Exception {
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), rootDir);
    LocalUnderFileSystem viaAlias = LocalUnderFileSystem.open(alias);
    assertThat(viaAlias.root()).isEqualTo(rootDir.toRealPath());
    writeFile("/f", new byte[] {5});
    try (FileInStream in = viaAlias.openFile(p("/f"))) {
      assertThat(in.length()).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ misc

  @Test
  void spaceAndCapabilities() throws Exception {
    SpaceInfo s = fs.getSpace().orElseThrow();
    assertThat(s.capacityBytes()).isPositive();
    assertThat(s.availableBytes()).isBetween(0L, s.capacityBytes());
    assertThat(s.usedBytes()).isBetween(0L, s.capacityBytes());
    assertThat(fs.capabilities()).contains(Capability.RANDOM_WRITE, Capability.SYMLINKS, Capability.TRUNCATE,
        Capability.STABLE_FILE_IDS, Capability.RENAME_NOREPLACE);
    assertThat(fs.ufsPath(p("/a/b"))).isEqualTo(rootDir.toRealPath().resolve("a/b").toString());
    assertThat(fs.ufsPath(AlluxioPath.root())).isEqualTo(rootDir.toRealPath().toString());
  }

  @Test
  void closedBackendRefusesWork() throws Exception {
    fs.close();
    assertThatThrownBy(() -> fs.getStatus(AlluxioPath.root())).isInstanceOf(BackendException.class);
  }

  // ------------------------------------------------------------------ backing fds (FUSE passthrough)

  @Test
  void backingFdIsAnOwnedDescriptorOfTheFileWithTheAskedMode() throws Exception {
    assertThat(fs.capabilities()).contains(Capability.BACKING_FD);
    writeFile("/f", "abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path real = rootDir.toRealPath().resolve("f");
    for (boolean writable : new boolean[] {false, true}) {
      int fd = fs.openBackingFd(p("/f"), writable);
      try {
        Path link = Path.of("/proc/self/fd/" + fd);
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
        String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
        int flags = Integer.parseInt(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst()
            .orElseThrow().substring(6).trim(), 8);
        assertThat(flags & 3).isEqualTo(writable ? 2 : 0);
        assertThat(flags & 02000000).as("O_CLOEXEC").isNotZero();
      } finally {
        fs.closeBackingFd(fd);
      }
      assertThat(Files.exists(Path.of("/proc/self/fd/" + fd))
          && real.equals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)))).as("closed").isFalse();
    }
  }

  @Test
  void backingFdRefusesWhatIsNotARegularFile() throws Exception {
    fs.createDirectory(p("/d"), CreateOptions.defaults());
    Files.createSymbolicLink(rootDir.resolve("l"), outside.resolve("secret"));
    assertThatThrownBy(() -> fs.openBackingFd(p("/missing"), false)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> fs.openBackingFd(p("/d"), false)).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.openBackingFd(p("/l"), false)).isInstanceOf(BackendException.class)
        .extracting(e -> ((BackendException) e).code()).isEqualTo(ErrorCode.SYMLINK_LOOP);
    // The descriptor walk needs the native binding, so every local UFS can hand out descriptors.
    assertThat(fs.capabilities()).contains(Capability.BACKING_FD);
  }
}
