package io.purefuse.backend.local;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.FileType;
import io.purefuse.backend.InvalidArgumentException;
import io.purefuse.backend.InvalidPathException;
import io.purefuse.backend.IsDirectoryException;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.backend.UnsupportedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI over a local directory (Alluxio's {@code alluxio.dora.client.ufs.root} when it is a
 * local path), with java.nio and POSIX attributes.
 *
 * <h2>Containment</h2>
 * A namespace path is resolved lexically under the real path of the root; {@link AlluxioPath}
 * already excludes {@code ..}, {@code .}, empty components and absolute names, and the result is
 * checked to stay under the root. Operations never follow a symlink in the last component
 * ({@code NOFOLLOW_LINKS}, {@code lstat}, {@code lchown}, {@code O_NOFOLLOW}). With
 * {@code checkParentSymlinks} (the default) every parent component is {@code lstat}ed first and a
 * symlink there fails with {@link NotDirectoryException}, so a link planted inside the root
 * cannot lead an operation outside it. The check and the operation are separate system calls: a
 * concurrent local process that swaps a directory for a symlink in between can still win that
 * race; the root directory is meant to be owned by the FUSE server.
 *
 * <h2>Writes</h2>
 * {@link #createFile} writes in place: the file exists under its final name from the start,
 * {@link FileStatus#isCompleted()} is false while a stream of this instance writes it (tracked by
 * dev/ino, so a rename during the write is fine), {@code close()} simply closes the file (no
 * fsync; {@code sync()} does that) and {@code cancel()} deletes it (if the name still refers to
 * the same file). Overwrite truncates the existing file in place ({@code O_TRUNC}: same inode,
 * hard links see it), as {@code open(O_CREAT|O_TRUNC)} does.
 *
 * <h2>Names</h2>
 * Names are handed to the JDK as Java strings, which it encodes with {@code sun.jnu.encoding}.
 * Non-ASCII names round-trip exactly only when that is UTF-8 (run with
 * {@code -Dsun.jnu.encoding=UTF-8 -Dfile.encoding=UTF-8} and {@code LC_ALL=C.UTF-8}). On-disk
 * names that are not valid in that encoding cannot be addressed and are skipped by listings.
 *
 * <h2>Native help</h2>
 * {@code renameat2(2)} (through jnr-ffi) makes no-replace renames atomic and provides exchange;
 * without it, no-replace uses {@code link}+{@code unlink} for non-directories and a
 * check-then-rename for directories, and exchange is unsupported.
 */
public final class LocalUnderFileSystem implements FileSystemBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalUnderFileSystem.class);

  private static final String STAT_ATTRS =
      "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastModifiedTime,lastAccessTime,ctime";
  private static final Set<OpenOption> READ_OPTIONS =
      Set.of(StandardOpenOption.READ, NOFOLLOW_LINKS);
  private static final Set<OpenOption> RW_OPTIONS =
      Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW_LINKS);
  // Writers open read-write where they may (a new file always may), so that the stream can be
  // handed over as a random-access handle on the same open file (FileOutStream.sameFile).
  private static final Set<OpenOption> CREATE_NEW_OPTIONS = Set.of(StandardOpenOption.READ,
      StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, NOFOLLOW_LINKS);
  private static final Set<OpenOption> TRUNCATE_RW_OPTIONS = Set.of(StandardOpenOption.READ,
      StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, NOFOLLOW_LINKS);
  private static final Set<OpenOption> TRUNCATE_OPTIONS =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, NOFOLLOW_LINKS);
  private static final Set<OpenOption> WRITE_OPTIONS =
      Set.of(StandardOpenOption.WRITE, NOFOLLOW_LINKS);

  /** Identity of a local file. */
  record FileKey(long dev, long ino) {}

  private final Path root;
  private final boolean checkParentSymlinks;
  private final LocalNative nat;
  private final Set<Capability> capabilities;
  private final UserPrincipalLookupService lookup;
  private final Map<Integer, String> userNames = new ConcurrentHashMap<>();
  private final Map<Integer, String> groupNames = new ConcurrentHashMap<>();
  /** Files being written by a {@link FileOutStream} of this instance, with a count of writers. */
  private final Map<FileKey, Integer> writing = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LocalUnderFileSystem(Path root, boolean checkParentSymlinks, LocalNative nat) {
    this.root = root;
    this.checkParentSymlinks = checkParentSymlinks;
    this.nat = nat;
    this.lookup = root.getFileSystem().getUserPrincipalLookupService();
    EnumSet<Capability> caps = EnumSet.of(Capability.RANDOM_WRITE, Capability.TRUNCATE,
        Capability.SYMLINKS, Capability.OWNERSHIP, Capability.NUMERIC_IDS, Capability.ACCESS_TIME,
        Capability.NANOSECOND_TIMES, Capability.STABLE_FILE_IDS, Capability.SPACE_INFO);
    if (nat != null) {
      caps.add(Capability.BACKING_FD);
      // Probe: a libc/kernel with renameat2 answers ENOENT for paths that do not exist.
      Path probe = root.resolve(".purefuse-renameat2-probe-" + System.nanoTime());
      int rc = nat.renameat2(probe, probe.resolveSibling(probe.getFileName() + "-b"), LocalNative.RENAME_NOREPLACE);
      if (rc != LocalNative.ENOSYS) {
        caps.add(Capability.RENAME_NOREPLACE);
        caps.add(Capability.RENAME_EXCHANGE);
      }
    }
    this.capabilities = Collections.unmodifiableSet(caps);
  }

  /**
   * Opens a local UFS on {@code root}, which must be an existing directory (its real path is
   * used, so the root itself may be reached through a symlink), checking parent symlinks.
   *
   * @throws NotFoundException the root does not exist
   * @throws NotDirectoryException the root is not a directory
   */
  public static LocalUnderFileSystem open(Path root) throws BackendException {
    return open(root, true);
  }

  /**
   * Like {@link #open(Path)}; {@code checkParentSymlinks = false} skips the per-operation
   * {@code lstat} of parent components (faster, for roots no one else writes to).
   */
  public static LocalUnderFileSystem open(Path root, boolean checkParentSymlinks) throws BackendException {
    return open(root, checkParentSymlinks, true);
  }

  /** Package private for tests: {@code useNative = false} exercises the pure NIO fallbacks. */
  static LocalUnderFileSystem open(Path root, boolean checkParentSymlinks, boolean useNative)
      throws BackendException {
    Path real;
    try {
      real = root.toAbsolutePath().toRealPath();
    } catch (IOException e) {
      throw LocalErrors.map(e, root.toString());
    }
    if (!Files.isDirectory(real)) {
      throw new NotDirectoryException(root.toString(), "UFS root is not a directory");
    }
    return new LocalUnderFileSystem(real, checkParentSymlinks, useNative ? LocalNative.get() : null);
  }

  /** The real path of the root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "local:" + root;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public String ufsPath(AlluxioPath path) {
    return path.isRoot() ? root.toString() : root.resolve(path.relative()).toString();
  }

  // ---------------------------------------------------------------------------- paths

  private Path resolve(AlluxioPath path) throws BackendException {
    if (closed) {
      throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "backend is closed");
    }
    if (path.isRoot()) {
      return root;
    }
    Path p = root.resolve(path.relative());
    if (!p.startsWith(root) || p.getNameCount() != root.getNameCount() + path.depth()) {
      throw new InvalidPathException(path.toString(), "path escapes the UFS root");
    }
    if (checkParentSymlinks && path.depth() > 1) {
      Path cur = root;
      Iterator<String> it = path.components().iterator();
      for (int i = 0, n = path.depth() - 1; i < n; i++) {
        cur = cur.resolve(it.next());
        if (Files.isSymbolicLink(cur)) {
          throw new NotDirectoryException(path.toString(), "parent component " + cur.getFileName() + " is a symlink");
        }
      }
    }
    return p;
  }

  // ---------------------------------------------------------------------------- metadata

  private FileStatus stat(Path local, AlluxioPath path) throws IOException {
    Map<String, Object> a = Files.readAttributes(local, STAT_ATTRS, NOFOLLOW_LINKS);
    int stMode = (Integer) a.get("mode");
    FileType type = FileType.fromMode(stMode);
    if (type == null) {
      type = FileType.REGULAR;
    }
    long dev = (Long) a.get("dev");
    long ino = (Long) a.get("ino");
    int uid = (Integer) a.get("uid");
    int gid = (Integer) a.get("gid");
    FileStatus.Builder b = FileStatus.builder(path, type)
        .mode(stMode)
        .length((Long) a.get("size"))
        .uid(Integer.toUnsignedLong(uid))
        .gid(Integer.toUnsignedLong(gid))
        .owner(userName(uid, local))
        .group(groupName(gid, local))
        .lastModificationTimeNs(nanos((FileTime) a.get("lastModifiedTime")))
        .lastAccessTimeNs(nanos((FileTime) a.get("lastAccessTime")))
        .changeTimeNs(nanos((FileTime) a.get("ctime")))
        .nlink((Integer) a.get("nlink"))
        .fileId(ino)
        .ufsPath(local.toString());
    if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE) {
      b.rdev((Long) a.get("rdev"));
    }
    if (type == FileType.SYMLINK) {
      b.symlinkTarget(Files.readSymbolicLink(local).toString());
    }
    if (type == FileType.REGULAR && !writing.isEmpty() && writing.containsKey(new FileKey(dev, ino))) {
      b.completed(false);
    }
    return b.build();
  }

  private static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }

  private String userName(int uid, Path local) {
    String n = userNames.get(uid);
    if (n == null) {
      try {
        n = ((UserPrincipal) Files.getAttribute(local, "posix:owner", NOFOLLOW_LINKS)).getName();
        userNames.put(uid, n);
      } catch (IOException | RuntimeException e) {
        return Integer.toUnsignedString(uid);
      }
    }
    return n;
  }

  private String groupName(int gid, Path local) {
    String n = groupNames.get(gid);
    if (n == null) {
      try {
        n = ((GroupPrincipal) Files.getAttribute(local, "posix:group", NOFOLLOW_LINKS)).getName();
        groupNames.put(gid, n);
      } catch (IOException | RuntimeException e) {
        return Integer.toUnsignedString(gid);
      }
    }
    return n;
  }

  private FileType typeOf(Path local) throws IOException {
    int stMode = (Integer) Files.getAttribute(local, "unix:mode", NOFOLLOW_LINKS);
    FileType t = FileType.fromMode(stMode);
    return t == null ? FileType.REGULAR : t;
  }

  private FileKey keyOf(Path local) throws IOException {
    Map<String, Object> a = Files.readAttributes(local, "unix:dev,ino", NOFOLLOW_LINKS);
    return new FileKey((Long) a.get("dev"), (Long) a.get("ino"));
  }

  @Override
  public FileStatus getStatus(AlluxioPath path) throws BackendException {
    Path local = resolve(path);
    try {
      return stat(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  @Override
  public boolean exists(AlluxioPath path) throws BackendException {
    Path local;
    try {
      local = resolve(path);
    } catch (NotDirectoryException e) {
      return false;
    }
    try {
      Files.readAttributes(local, BasicFileAttributes.class, NOFOLLOW_LINKS);
      return true;
    } catch (IOException e) {
      ErrorCode c = LocalErrors.code(e);
      if (c == ErrorCode.NOT_FOUND || c == ErrorCode.NOT_DIRECTORY) {
        return false;
      }
      throw LocalErrors.map(e, path);
    }
  }

  // ---------------------------------------------------------------------------- listing

  @Override
  public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
    Path local = resolve(dir);
    try {
      FileType t = typeOf(local);
      if (t != FileType.DIRECTORY) {
        throw new NotDirectoryException(dir.toString(), "not a directory (" + t + ")");
      }
      LocalListing l = new LocalListing(local, dir);
      try {
        l.start(options);
      } catch (IOException | RuntimeException e) {
        l.close();
        throw e;
      }
      return l;
    } catch (IOException e) {
      throw LocalErrors.map(e, dir);
    }
  }

  /** Streams one directory with {@link DirectoryStream}: one readdir entry and lstat at a time. */
  private final class LocalListing implements DirectoryListing {
    private final Path dir;
    private final AlluxioPath dirPath;
    private DirectoryStream<Path> stream;
    private Iterator<Path> it;
    private long position;

    LocalListing(Path dir, AlluxioPath dirPath) {
      this.dir = dir;
      this.dirPath = dirPath;
    }

    void start(ListOptions o) throws IOException {
      reopen();
      long offset = o.offset();
      String after = o.startAfter();
      if (offset > 0) {
        String last = null;
        Path p;
        while (position < offset && (p = nextRaw()) != null) {
          last = p.getFileName().toString();
        }
        if (after == null || after.equals(last)) {
          return;
        }
        // The directory changed since the cookie was handed out: find the name again.
        reopen();
        if (scanTo(after)) {
          return;
        }
        reopen();
        while (position < offset && nextRaw() != null) {
          // skip
        }
        return;
      }
      if (after != null && !scanTo(after)) {
        reopen();
      }
    }

    private boolean scanTo(String name) throws IOException {
      Path p;
      while ((p = nextRaw()) != null) {
        if (p.getFileName().toString().equals(name)) {
          return true;
        }
      }
      return false;
    }

    private void reopen() throws IOException {
      if (stream != null) {
        stream.close();
      }
      stream = Files.newDirectoryStream(dir);
      it = stream.iterator();
      position = 0;
    }

    private Path nextRaw() throws IOException {
      try {
        if (!it.hasNext()) {
          return null;
        }
        Path p = it.next();
        position++;
        return p;
      } catch (DirectoryIteratorException e) {
        throw e.getCause();
      }
    }

    @Override
    public FileStatus next() throws BackendException {
      if (stream == null) {
        throw new BackendException(ErrorCode.IO_ERROR, dirPath.toString(), "listing is closed");
      }
      while (true) {
        Path p;
        try {
          p = nextRaw();
        } catch (IOException e) {
          throw LocalErrors.map(e, dirPath);
        }
        if (p == null) {
          return null;
        }
        String name = p.getFileName().toString();
        AlluxioPath child;
        try {
          child = dirPath.child(name);
        } catch (InvalidPathException e) {
          LOG.warn("skipping entry with an unusable name in {}: {}", dir, e.getMessage());
          continue;
        }
        if (name.indexOf('\uFFFD') >= 0 && !dir.resolve(name).equals(p)) {
          LOG.warn("skipping entry whose name is not valid in sun.jnu.encoding in {}: {}", dir, name);
          continue;
        }
        try {
          return stat(p, child);
        } catch (NoSuchFileException e) {
          continue; // removed since readdir
        } catch (IOException e) {
          throw LocalErrors.map(e, child);
        }
      }
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() {
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          LOG.debug("closing listing of {}", dir, e);
        }
        stream = null;
        it = null;
      }
    }
  }

  // ---------------------------------------------------------------------------- create

  @Override
  public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
    Path local = resolve(path);
    try {
      if (path.isRoot()) {
        if (options.recursive()) {
          return stat(local, path);
        }
        throw new AlreadyExistsException(path.toString(), "the root exists");
      }
      if (options.recursive()) {
        Path cur = root;
        AlluxioPath curPath = AlluxioPath.root();
        for (String c : path.parent().components()) {
          cur = cur.resolve(c);
          curPath = curPath.child(c);
          mkdir(cur, curPath, options, true);
        }
      }
      mkdir(local, path, options, options.recursive());
      return stat(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  private void mkdir(Path local, AlluxioPath path, CreateOptions options, boolean existingOk) throws IOException {
    try {
      Files.createDirectory(local);
    } catch (FileAlreadyExistsException e) {
      if (existingOk) {
        if (Files.isDirectory(local, NOFOLLOW_LINKS)) {
          return;
        }
        throw new NotDirectoryException(path.toString(), "exists and is not a directory");
      }
      throw new AlreadyExistsException(path.toString(), "already exists", e);
    }
    Files.setAttribute(local, "unix:mode", options.directoryMode()); // exact, no umask
    applyOwnership(local, path, options.uid(), options.gid(), options.owner(), options.group(), true);
  }

  @Override
  public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
    Path local = resolve(path);
    if (path.isRoot()) {
      throw options.overwrite()
          ? new IsDirectoryException(path.toString(), "is the root directory")
          : new AlreadyExistsException(path.toString(), "is the root directory");
    }
    try {
      FileChannel ch = null;
      boolean created = false;
      boolean readable = true;
      for (int attempt = 0; ch == null; attempt++) {
        try {
          ch = FileChannel.open(local, CREATE_NEW_OPTIONS);
          created = true;
        } catch (FileAlreadyExistsException e) {
          if (!options.overwrite()) {
            throw new AlreadyExistsException(path.toString(), "already exists", e);
          }
          try {
            try {
              ch = FileChannel.open(local, TRUNCATE_RW_OPTIONS);
            } catch (AccessDeniedException writeOnly) {
              ch = FileChannel.open(local, TRUNCATE_OPTIONS);
              readable = false;
            }
          } catch (NoSuchFileException gone) {
            if (attempt > 3) {
              throw gone;
            }
          }
        }
      }
      try {
        if (created) {
          Files.setAttribute(local, "unix:mode", options.fileMode());
          applyOwnership(local, path, options.uid(), options.gid(), options.owner(), options.group(), true);
        }
        FileStatus st = stat(local, path);
        FileKey key = new FileKey(
            (Long) Files.getAttribute(local, "unix:dev", NOFOLLOW_LINKS), st.fileId());
        writing.merge(key, 1, Integer::sum);
        ChannelHolder h = new ChannelHolder(ch, local, path.toString(), readable ? RW_OPTIONS : WRITE_OPTIONS, key);
        return new LocalOutStream(h, local, path, key, st.toBuilder().completed(false).build(), readable);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  private void unregisterWriter(FileKey key) {
    writing.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
  }

  @FunctionalInterface
  private interface ChannelOp<T> {
    T run(FileChannel c) throws IOException;
  }

  /** Runs {@code op}; if the channel was closed by another thread's interrupt, reopens and retries once. */
  private static <T> T withChannel(ChannelHolder h, AlluxioPath path, ChannelOp<T> op) throws BackendException {
    for (int attempt = 0; ; attempt++) {
      FileChannel c = h.channel();
      try {
        return op.run(c);
      } catch (ClosedByInterruptException e) {
        h.reopen(c);
        throw BackendException.of(ErrorCode.INTERRUPTED, path.toString(), "interrupted", e);
      } catch (ClosedChannelException e) {
        if (attempt == 0 && !h.isClosed() && h.reopen(c)) {
          continue;
        }
        throw LocalErrors.map(e, path);
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      }
    }
  }

  /** Sequential writer: positional writes at a rising offset, in place. */
  private final class LocalOutStream implements FileOutStream {
    private final ChannelHolder h;
    private final Path local;
    private final AlluxioPath path;
    private final FileKey key;
    private final FileStatus initial;
    private final boolean readable;
    private volatile long position;
    /** 0 open, 1 closed, 2 cancelled. */
    private int state;
    /** The open file was handed to a random-access handle ({@link #sameFile()}); close keeps it open. */
    private boolean handedOver;

    LocalOutStream(ChannelHolder h, Path local, AlluxioPath path, FileKey key, FileStatus initial, boolean readable) {
      this.h = h;
      this.local = local;
      this.path = path;
      this.key = key;
      this.initial = initial;
      this.readable = readable;
    }

    @Override
    public boolean hasSameFileAccess() {
      return readable;
    }

    @Override
    public FileInStream sameFileReader() throws BackendException {
      if (!readable) {
        throw new UnsupportedException(path.toString(), "the file was opened write-only");
      }
      LocalFileHandle view = new LocalFileHandle(h, path, false);
      return new FileInStream() {
        @Override
        public int read(long offset, ByteBuffer dst) throws BackendException {
          return view.read(offset, dst);
        }

        @Override
        public long length() throws BackendException {
          return view.length();
        }

        @Override
        public void close() {
          // a view: the stream (or the handle it is handed to) owns the open file
        }
      };
    }

    @Override
    public synchronized RandomAccessFileHandle sameFile() throws BackendException {
      checkOpen();
      if (!readable) {
        throw new UnsupportedException(path.toString(), "the file was opened write-only");
      }
      handedOver = true;
      return new LocalFileHandle(h, path, true);
    }

    @Override
    public FileStatus initialStatus() {
      return initial;
    }

    @Override
    public long position() {
      return position;
    }

    private void checkOpen() throws BackendException {
      if (state != 0) {
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), state == 1 ? "stream is closed" : "stream is cancelled");
      }
    }

    @Override
    public synchronized void write(ByteBuffer src) throws BackendException {
      checkOpen();
      withChannel(h, path, c -> {
        while (src.hasRemaining()) {
          position += c.write(src, position);
        }
        return null;
      });
    }

    @Override
    public synchronized void flush() throws BackendException {
      checkOpen(); // unbuffered: data is in the page cache already
    }

    @Override
    public synchronized void sync() throws BackendException {
      checkOpen();
      withChannel(h, path, c -> {
        c.force(true);
        return null;
      });
    }

    @Override
    public synchronized void close() throws BackendException {
      if (state != 0) {
        return;
      }
      state = 1;
      unregisterWriter(key);
      if (handedOver) {
        return; // the random-access handle owns the open file now
      }
      try {
        h.close();
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      }
    }

    @Override
    public synchronized void cancel() throws BackendException {
      if (state != 0) {
        return;
      }
      state = 2;
      unregisterWriter(key);
      try {
        h.close();
      } catch (IOException e) {
        LOG.debug("closing cancelled {}", local, e);
      }
      try {
        if (keyOf(local).equals(key)) {
          Files.deleteIfExists(local);
        }
      } catch (NoSuchFileException e) {
        // already gone
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      }
    }
  }

  // ---------------------------------------------------------------------------- open

  @Override
  public FileInStream openFile(AlluxioPath path) throws BackendException {
    return openHandle(path, false);
  }

  @Override
  public RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException {
    return openHandle(path, true);
  }

  private LocalFileHandle openHandle(AlluxioPath path, boolean writable) throws BackendException {
    Path local = resolve(path);
    try {
      checkRegular(local, path);
      Set<OpenOption> opts = writable ? RW_OPTIONS : READ_OPTIONS;
      FileChannel ch = FileChannel.open(local, opts);
      FileKey key;
      try {
        key = keyOf(local);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return new LocalFileHandle(new ChannelHolder(ch, local, path.toString(), opts, key), path, writable);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  @Override
  public int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
    if (nat == null) {
      return FileSystemBackend.super.openBackingFd(path, writable);
    }
    Path local = resolve(path);
    try {
      checkRegular(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
    int fd = nat.openFd(local, writable);
    if (fd < 0) {
      throw BackendException.of(LocalNative.code(-fd), path.toString(), "open for passthrough failed", null);
    }
    return fd;
  }

  @Override
  public void closeBackingFd(int fd) {
    if (nat != null && fd >= 0) {
      nat.close(fd);
    }
  }

  private void checkRegular(Path local, AlluxioPath path) throws IOException {
    FileType t = typeOf(local);
    switch (t) {
      case REGULAR:
        return;
      case DIRECTORY:
        throw new IsDirectoryException(path.toString(), "is a directory");
      case SYMLINK:
        throw BackendException.of(ErrorCode.SYMLINK_LOOP, path.toString(), "is a symbolic link", null);
      default:
        throw new UnsupportedException(path.toString(), "cannot open a " + t);
    }
  }

  private static void setLength(FileChannel c, long length) throws IOException {
    long size = c.size();
    if (length < size) {
      c.truncate(length);
    } else if (length > size) {
      ByteBuffer zero = ByteBuffer.allocate(1);
      while (zero.hasRemaining()) {
        c.write(zero, length - 1);
      }
    }
  }

  /** Positional reader / random-access writer over one FileChannel. */
  private static final class LocalFileHandle implements RandomAccessFileHandle {
    private final ChannelHolder h;
    private final AlluxioPath path;
    private final boolean writable;

    LocalFileHandle(ChannelHolder h, AlluxioPath path, boolean writable) {
      this.h = h;
      this.path = path;
      this.writable = writable;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws BackendException {
      if (offset < 0) {
        throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative offset " + offset, null);
      }
      if (!dst.hasRemaining()) {
        return 0;
      }
      int start = dst.position();
      withChannel(h, path, c -> {
        while (dst.hasRemaining()) {
          if (c.read(dst, offset + (dst.position() - start)) < 0) {
            break;
          }
        }
        return null;
      });
      int n = dst.position() - start;
      return n == 0 ? -1 : n;
    }

    @Override
    public long length() throws BackendException {
      return withChannel(h, path, FileChannel::size);
    }

    private void checkWritable() throws BackendException {
      if (!writable) {
        throw new UnsupportedException(path.toString(), "opened read only");
      }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws BackendException {
      checkWritable();
      if (offset < 0) {
        throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative offset " + offset, null);
      }
      int start = src.position();
      withChannel(h, path, c -> {
        while (src.hasRemaining()) {
          c.write(src, offset + (src.position() - start));
        }
        return null;
      });
    }

    @Override
    public void truncate(long length) throws BackendException {
      checkWritable();
      if (length < 0) {
        throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative length " + length, null);
      }
      withChannel(h, path, c -> {
        setLength(c, length);
        return null;
      });
    }

    @Override
    public void sync() throws BackendException {
      withChannel(h, path, c -> {
        c.force(true);
        return null;
      });
    }

    @Override
    public void close() throws BackendException {
      try {
        h.close();
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      }
    }
  }

  // ---------------------------------------------------------------------------- delete

  @Override
  public void delete(AlluxioPath path, boolean recursive) throws BackendException {
    if (path.isRoot()) {
      throw BackendException.of(ErrorCode.BUSY, "/", "cannot delete the root", null);
    }
    Path local = resolve(path);
    try {
      BasicFileAttributes a = Files.readAttributes(local, BasicFileAttributes.class, NOFOLLOW_LINKS);
      if (!recursive || !a.isDirectory()) {
        Files.delete(local);
        return;
      }
      Files.walkFileTree(local, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
          new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
              if (exc instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
              if (exc != null && !(exc instanceof NoSuchFileException)) {
                throw exc;
              }
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  // ---------------------------------------------------------------------------- rename

  @Override
  public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
    if (src.isRoot() || dst.isRoot()) {
      throw BackendException.of(ErrorCode.BUSY, "/", "cannot rename the root", null);
    }
    if (!src.equals(dst)
        && (src.isSameOrAncestorOf(dst) || (options.exchange() && dst.isSameOrAncestorOf(src)))) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, dst.toString(),
          "cannot move " + src + " inside itself", null);
    }
    Path s = resolve(src);
    Path d = resolve(dst);
    if (options.exchange()) {
      if (!capabilities.contains(Capability.RENAME_EXCHANGE)) {
        throw new UnsupportedException(src.toString(), "RENAME_EXCHANGE needs renameat2");
      }
      int rc = nat.renameat2(s, d, LocalNative.RENAME_EXCHANGE);
      if (rc == 0) {
        return;
      }
      if (rc == LocalNative.ENOSYS || rc == LocalNative.EINVAL) {
        throw new UnsupportedException(src.toString(), "RENAME_EXCHANGE not supported by the file system");
      }
      throw renameError(ErrorCode.fromErrno(rc), src, dst, null);
    }
    if (options.noReplace()) {
      if (nat != null) {
        int rc = nat.renameat2(s, d, LocalNative.RENAME_NOREPLACE);
        if (rc == 0) {
          return;
        }
        if (rc != LocalNative.ENOSYS && rc != LocalNative.EINVAL) {
          throw renameError(ErrorCode.fromErrno(rc), src, dst, null);
        }
      }
      renameNoReplaceFallback(s, d, src, dst);
      return;
    }
    try {
      Files.move(s, d, StandardCopyOption.ATOMIC_MOVE); // a plain rename(2)
    } catch (IOException e) {
      throw renameError(LocalErrors.code(e), src, dst, e);
    }
  }

  private void renameNoReplaceFallback(Path s, Path d, AlluxioPath src, AlluxioPath dst) throws BackendException {
    try {
      BasicFileAttributes a = Files.readAttributes(s, BasicFileAttributes.class, NOFOLLOW_LINKS);
      if (!a.isDirectory()) {
        boolean linked = false;
        try {
          Files.createLink(d, s); // link(2) fails atomically with EEXIST
          linked = true;
        } catch (FileAlreadyExistsException e) {
          throw renameError(ErrorCode.ALREADY_EXISTS, src, dst, e);
        } catch (IOException e) {
          ErrorCode c = LocalErrors.code(e);
          if (c != ErrorCode.OPERATION_NOT_PERMITTED && c != ErrorCode.UNSUPPORTED
              && c != ErrorCode.PERMISSION_DENIED) {
            throw renameError(c, src, dst, e);
          }
        }
        if (linked) {
          try {
            Files.delete(s);
          } catch (IOException e) {
            Files.deleteIfExists(d);
            throw e;
          }
          return;
        }
      }
      // Directories (or no hard links): check, then rename; not atomic against other writers.
      if (Files.exists(d, NOFOLLOW_LINKS)) {
        throw renameError(ErrorCode.ALREADY_EXISTS, src, dst, null);
      }
      Files.move(s, d, StandardCopyOption.ATOMIC_MOVE);
    } catch (BackendException e) {
      throw e;
    } catch (IOException e) {
      throw renameError(LocalErrors.code(e), src, dst, e);
    }
  }

  private static BackendException renameError(ErrorCode code, AlluxioPath src, AlluxioPath dst, Throwable cause) {
    boolean aboutTarget = code == ErrorCode.ALREADY_EXISTS || code == ErrorCode.DIRECTORY_NOT_EMPTY
        || code == ErrorCode.IS_DIRECTORY;
    return BackendException.of(code, (aboutTarget ? dst : src).toString(),
        "rename " + src + " -> " + dst + " failed", cause);
  }

  // ---------------------------------------------------------------------------- attributes

  @Override
  public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
    Path local = resolve(path);
    try {
      FileType t = typeOf(local);
      boolean link = t == FileType.SYMLINK;
      // chown first: it clears setuid/setgid, which an explicit mode then sets again.
      if (options.changesOwnership()) {
        applyOwnership(local, path,
            options.uid() == null ? CreateOptions.UNSET : options.uid(),
            options.gid() == null ? CreateOptions.UNSET : options.gid(),
            options.owner(), options.group(), false);
      }
      if (options.mode() != null) {
        if (link) {
          throw new UnsupportedException(path.toString(), "symlinks have no mode of their own");
        }
        // Following is safe (not a symlink); the NOFOLLOW variant needs read access in the JDK.
        Files.setAttribute(local, "unix:mode", options.mode());
      }
      if (options.changesTimes()) {
        BasicFileAttributeView v = link
            ? Files.getFileAttributeView(local, BasicFileAttributeView.class, NOFOLLOW_LINKS)
            : Files.getFileAttributeView(local, BasicFileAttributeView.class);
        v.setTimes(
            options.mtimeNs() == null ? null : FileTime.from(options.mtimeNs(), TimeUnit.NANOSECONDS),
            options.atimeNs() == null ? null : FileTime.from(options.atimeNs(), TimeUnit.NANOSECONDS),
            null);
      }
      return stat(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  /**
   * chown/lchown by numeric id (preferred) or by name. With {@code bestEffort} (on create) a
   * refusal is logged and ignored.
   */
  private void applyOwnership(Path local, AlluxioPath path, long uid, long gid, String owner, String group,
      boolean bestEffort) throws IOException {
    try {
      if (uid >= 0) {
        Files.setAttribute(local, "unix:uid", (int) uid, NOFOLLOW_LINKS);
      } else if (owner != null) {
        UserPrincipal u = lookup.lookupPrincipalByName(owner);
        Files.getFileAttributeView(local, PosixFileAttributeView.class, NOFOLLOW_LINKS).setOwner(u);
      }
      if (gid >= 0) {
        Files.setAttribute(local, "unix:gid", (int) gid, NOFOLLOW_LINKS);
      } else if (group != null) {
        GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(local, PosixFileAttributeView.class, NOFOLLOW_LINKS).setGroup(g);
      }
    } catch (IOException e) {
      if (!bestEffort) {
        throw e;
      }
      LOG.debug("could not set ownership of {}: {}", path, e.toString());
    }
  }

  @Override
  public FileStatus truncate(AlluxioPath path, long length) throws BackendException {
    if (length < 0) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "negative length " + length, null);
    }
    Path local = resolve(path);
    try {
      checkRegular(local, path);
      try (FileChannel c = FileChannel.open(local, WRITE_OPTIONS)) {
        setLength(c, length);
      }
      return stat(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  // ---------------------------------------------------------------------------- symlinks

  @Override
  public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "empty symlink target or NUL in it", null);
    }
    Path local = resolve(path);
    if (path.isRoot()) {
      throw new AlreadyExistsException("/", "is the root directory");
    }
    try {
      if (nat != null) {
        int rc = nat.symlink(target, local);
        if (rc != 0) {
          throw BackendException.of(ErrorCode.fromErrno(rc), path.toString(), "symlink failed", null);
        }
      } else {
        Files.createSymbolicLink(local, local.getFileSystem().getPath(target));
      }
      applyOwnership(local, path, options.uid(), options.gid(), options.owner(), options.group(), true);
      return stat(local, path);
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    } catch (java.nio.file.InvalidPathException e) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "bad symlink target", e);
    }
  }

  @Override
  public String readSymlink(AlluxioPath path) throws BackendException {
    Path local = resolve(path);
    try {
      return Files.readSymbolicLink(local).toString();
    } catch (IOException e) {
      throw LocalErrors.map(e, path);
    }
  }

  // ---------------------------------------------------------------------------- space

  @Override
  public Optional<SpaceInfo> getSpace() throws BackendException {
    try {
      FileStore fs = Files.getFileStore(root);
      long total = fs.getTotalSpace();
      long free = fs.getUnallocatedSpace();
      return Optional.of(new SpaceInfo(total, Math.max(0, total - free), fs.getUsableSpace()));
    } catch (IOException e) {
      throw LocalErrors.map(e, "/");
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return describe();
  }
}
