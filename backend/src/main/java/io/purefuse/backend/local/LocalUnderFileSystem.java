package io.purefuse.backend.local;

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
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI over a local directory (Alluxio's {@code alluxio.dora.client.ufs.root} when it is a
 * local path).
 *
 * <h2>Resolution</h2>
 * The backend never builds an absolute path: it holds a descriptor of the root directory and
 * resolves a namespace path by opening each parent component relative to the previous one
 * ({@code openat(O_PATH|O_DIRECTORY|O_NOFOLLOW)}), then applies the operation to the last name
 * relative to its parent's descriptor ({@code statx}, {@code mkdirat}, {@code unlinkat},
 * {@code renameat2}, {@code fchmodat}, {@code fchownat}, {@code utimensat}, {@code symlinkat},
 * {@code readlinkat}, {@code openat(O_NOFOLLOW)}). So any tree the kernel accepts works, however
 * close to or beyond {@code PATH_MAX} its full path is, and a symlink as a parent component fails
 * with {@link NotDirectoryException} in the same system call that would have followed it: a link
 * planted inside the root (even concurrently) cannot lead an operation outside it.
 * {@link AlluxioPath} already excludes {@code ..}, {@code .}, empty components and absolute
 * names. Operations never follow a symlink in the last component either. With
 * {@code checkParentSymlinks = false} parent components are opened without {@code O_NOFOLLOW}
 * (links inside the root are followed, for roots no one else writes to).
 *
 * <p>The JDK cannot wrap a descriptor into a {@link FileChannel}, so an open file is opened by
 * descriptor first and then reopened through {@code /proc/self/fd/N} (the same inode, whatever
 * its path): the local UFS needs {@code /proc}.
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
 * Names are encoded with {@code sun.jnu.encoding}, as the JDK does. Non-ASCII names round-trip
 * exactly only when that is UTF-8 (run with {@code -Dsun.jnu.encoding=UTF-8
 * -Dfile.encoding=UTF-8} and {@code LC_ALL=C.UTF-8}). On-disk names that are not valid in that
 * encoding cannot be addressed and are skipped by listings.
 *
 * <h2>Native help</h2>
 * All of it goes through {@link LocalNative} (jnr-ffi). Without {@code renameat2(2)} no-replace
 * uses {@code linkat}+{@code unlinkat} for non-directories and a check-then-rename for
 * directories, and exchange is unsupported.
 */
public final class LocalUnderFileSystem implements FileSystemBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalUnderFileSystem.class);

  private static final byte[] DOT = {'.', 0};
  private static final byte[] EMPTY = {0};
  private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ);
  private static final Set<OpenOption> RW_OPTIONS = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
  private static final Set<OpenOption> WRITE_OPTIONS = Set.of(StandardOpenOption.WRITE);

  /** Identity of a local file. */
  record FileKey(long dev, long ino) {}

  private final Path root;
  private final int rootFd;
  private final boolean checkParentSymlinks;
  private final LocalNative nat;
  private final boolean useRenameat2;
  private final Set<Capability> capabilities;
  private final Map<Integer, String> userNames = new ConcurrentHashMap<>();
  private final Map<Integer, String> groupNames = new ConcurrentHashMap<>();
  /** Files being written by a {@link FileOutStream} of this instance, with a count of writers. */
  private final Map<FileKey, Integer> writing = new ConcurrentHashMap<>();
  /** Read-held while the root descriptor is in use, so that close() never closes it under a caller. */
  private final ReentrantReadWriteLock rootLock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private LocalUnderFileSystem(Path root, int rootFd, boolean checkParentSymlinks, LocalNative nat,
      boolean useRenameat2) {
    this.root = root;
    this.rootFd = rootFd;
    this.checkParentSymlinks = checkParentSymlinks;
    this.nat = nat;
    this.useRenameat2 = useRenameat2;
    EnumSet<Capability> caps = EnumSet.of(Capability.RANDOM_WRITE, Capability.TRUNCATE,
        Capability.SYMLINKS, Capability.OWNERSHIP, Capability.NUMERIC_IDS, Capability.ACCESS_TIME,
        Capability.NANOSECOND_TIMES, Capability.STABLE_FILE_IDS, Capability.SPACE_INFO);
    caps.add(Capability.BACKING_FD);
    if (useRenameat2) {
      // Probe: a libc/kernel with renameat2 answers ENOENT for names that do not exist.
      byte[] probe = nat.cstring(".purefuse-renameat2-probe-" + System.nanoTime());
      byte[] probeB = nat.cstring(".purefuse-renameat2-probe-b-" + System.nanoTime());
      int rc = nat.renameat2(rootFd, probe, rootFd, probeB, LocalNative.RENAME_NOREPLACE);
      if (rc != -LocalNative.ENOSYS) {
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
   * Like {@link #open(Path)}; {@code checkParentSymlinks = false} follows symlinks met as parent
   * components (for roots no one else writes to).
   */
  public static LocalUnderFileSystem open(Path root, boolean checkParentSymlinks) throws BackendException {
    return open(root, checkParentSymlinks, true);
  }

  /** Package private for tests: {@code useRenameat2 = false} exercises the fallbacks without renameat2. */
  static LocalUnderFileSystem open(Path root, boolean checkParentSymlinks, boolean useRenameat2)
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
    LocalNative nat;
    try {
      nat = LocalNative.get();
    } catch (UnsatisfiedLinkError e) {
      throw new BackendException(ErrorCode.UNSUPPORTED, root.toString(), "the local UFS needs libc through jnr-ffi: " + e.getMessage());
    }
    int fd = nat.openat(LocalNative.AT_FDCWD, nat.cstring(real.toString()),
        LocalNative.O_PATH | LocalNative.O_DIRECTORY, 0);
    if (fd < 0) {
      throw BackendException.of(ErrorCode.fromErrno(-fd), root.toString(), "cannot open the UFS root", null);
    }
    return new LocalUnderFileSystem(real, fd, checkParentSymlinks, nat, useRenameat2);
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

  // ---------------------------------------------------------------------------- resolution

  /**
   * The last name of a path with a descriptor of its parent directory. Closing it releases the
   * parent descriptor (never the root's) and the hold on the root.
   */
  private final class At implements AutoCloseable {
    final int dirfd;
    final byte[] name;
    final AlluxioPath path;
    private boolean released;

    At(int dirfd, byte[] name, AlluxioPath path) {
      this.dirfd = dirfd;
      this.name = name;
      this.path = path;
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        if (dirfd != rootFd) {
          nat.close(dirfd);
        }
        rootLock.readLock().unlock();
      }
    }
  }

  /**
   * Resolves {@code path} to its parent's descriptor and last name, walking from the root one
   * component at a time. The root itself resolves to (root, ".").
   *
   * @throws NotDirectoryException a parent component is not a directory (or a symlink)
   * @throws NotFoundException a parent component does not exist
   */
  private At at(AlluxioPath path) throws BackendException {
    rootLock.readLock().lock();
    boolean ok = false;
    int fd = rootFd;
    try {
      if (closed) {
        throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "backend is closed");
      }
      if (path.isRoot()) {
        ok = true;
        return new At(rootFd, DOT, path);
      }
      int flags = LocalNative.O_PATH | LocalNative.O_DIRECTORY | (checkParentSymlinks ? LocalNative.O_NOFOLLOW : 0);
      Iterator<String> it = path.components().iterator();
      for (int i = 0, n = path.depth() - 1; i < n; i++) {
        String c = it.next();
        int next = nat.openat(fd, nat.cstring(c), flags, 0);
        if (next < 0) {
          int errno = -next;
          if (errno == LocalNative.ENOTDIR || errno == LocalNative.ELOOP) {
            throw new NotDirectoryException(path.toString(), "parent component " + c + " is not a directory");
          }
          throw BackendException.of(ErrorCode.fromErrno(errno), path.toString(), "cannot open parent component " + c, null);
        }
        if (fd != rootFd) {
          nat.close(fd);
        }
        fd = next;
      }
      At at = new At(fd, nat.cstring(it.next()), path);
      ok = true;
      return at;
    } finally {
      if (!ok) {
        if (fd != rootFd) {
          nat.close(fd);
        }
        rootLock.readLock().unlock();
      }
    }
  }

  private BackendException error(int errno, AlluxioPath path, String what) {
    return BackendException.of(ErrorCode.fromErrno(errno), path.toString(), what + " failed (errno " + errno + ")", null);
  }

  /** {@code /proc/self/fd/N}: reopens what descriptor N refers to (the same inode). */
  private static Path procPath(int fd) {
    return Path.of("/proc/self/fd/" + fd);
  }

  // ---------------------------------------------------------------------------- metadata

  /** statx of {@code name} relative to {@code dirfd} (the entry itself), or -errno in {@code err}. */
  private byte[] statx(int dirfd, byte[] name, int flags, int[] err) {
    byte[] buf = new byte[LocalNative.STATX_SIZE_BYTES];
    int rc = nat.statx(dirfd, name, flags, buf);
    if (rc < 0) {
      err[0] = -rc;
      return null;
    }
    return buf;
  }

  private byte[] statxOrThrow(int dirfd, byte[] name, int flags, AlluxioPath path) throws BackendException {
    int[] err = new int[1];
    byte[] b = statx(dirfd, name, flags, err);
    if (b == null) {
      throw error(err[0], path, "stat");
    }
    return b;
  }

  private static int stMode(byte[] stx) {
    return LocalNative.statxView(stx).getShort(28) & 0xffff;
  }

  private static FileType typeOf(byte[] stx) {
    FileType t = FileType.fromMode(stMode(stx));
    return t == null ? FileType.REGULAR : t;
  }

  private static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
  }

  private static FileKey keyOf(byte[] stx) {
    ByteBuffer b = LocalNative.statxView(stx);
    return new FileKey(makedev(b.getInt(136), b.getInt(140)), b.getLong(32));
  }

  private static long timeNs(ByteBuffer b, int off) {
    return b.getLong(off) * 1_000_000_000L + Integer.toUnsignedLong(b.getInt(off + 8));
  }

  /** A status from a statx result; {@code dirfd}/{@code name} read a symlink's target. */
  private FileStatus status(byte[] stx, int dirfd, byte[] name, AlluxioPath path) throws BackendException {
    ByteBuffer b = LocalNative.statxView(stx);
    int mode = b.getShort(28) & 0xffff;
    FileType type = FileType.fromMode(mode);
    if (type == null) {
      type = FileType.REGULAR;
    }
    int uid = b.getInt(20);
    int gid = b.getInt(24);
    FileStatus.Builder fb = FileStatus.builder(path, type)
        .mode(mode)
        .length(b.getLong(40))
        .blocks(b.getLong(48))
        .uid(Integer.toUnsignedLong(uid))
        .gid(Integer.toUnsignedLong(gid))
        .owner(userName(uid))
        .group(groupName(gid))
        .lastAccessTimeNs(timeNs(b, 64))
        .changeTimeNs(timeNs(b, 96))
        .lastModificationTimeNs(timeNs(b, 112))
        .nlink(Integer.toUnsignedLong(b.getInt(16)))
        .fileId(b.getLong(32))
        .ufsPath(ufsPath(path));
    if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE) {
      fb.rdev(makedev(b.getInt(128), b.getInt(132)));
    }
    if (type == FileType.SYMLINK) {
      int[] err = new int[1];
      String target = nat.readlinkat(dirfd, name, err);
      if (target == null) {
        throw error(err[0], path, "readlink");
      }
      fb.symlinkTarget(target);
    }
    if (type == FileType.REGULAR && !writing.isEmpty() && writing.containsKey(keyOf(stx))) {
      fb.completed(false);
    }
    return fb.build();
  }

  private FileStatus stat(At at) throws BackendException {
    return status(statxOrThrow(at.dirfd, at.name, 0, at.path), at.dirfd, at.name, at.path);
  }

  private String userName(int uid) {
    String n = userNames.get(uid);
    if (n == null) {
      n = nat.userName(uid);
      if (n == null) {
        return Integer.toUnsignedString(uid);
      }
      userNames.put(uid, n);
    }
    return n;
  }

  private String groupName(int gid) {
    String n = groupNames.get(gid);
    if (n == null) {
      n = nat.groupName(gid);
      if (n == null) {
        return Integer.toUnsignedString(gid);
      }
      groupNames.put(gid, n);
    }
    return n;
  }

  @Override
  public FileStatus getStatus(AlluxioPath path) throws BackendException {
    try (At at = at(path)) {
      return stat(at);
    }
  }

  @Override
  public boolean exists(AlluxioPath path) throws BackendException {
    At at;
    try {
      at = at(path);
    } catch (NotDirectoryException | NotFoundException e) {
      return false;
    }
    try (at) {
      int[] err = new int[1];
      if (statx(at.dirfd, at.name, 0, err) != null) {
        return true;
      }
      if (err[0] == LocalNative.ENOENT || err[0] == LocalNative.ENOTDIR) {
        return false;
      }
      throw error(err[0], path, "stat");
    }
  }

  // ---------------------------------------------------------------------------- listing

  /** Opens the directory {@code at} names for reading (never through a symlink). */
  private int openDirectory(At at) throws BackendException {
    int fd = nat.openat(at.dirfd, at.name, LocalNative.O_RDONLY | LocalNative.O_DIRECTORY | LocalNative.O_NOFOLLOW, 0);
    if (fd < 0) {
      int errno = -fd;
      if (errno == LocalNative.ENOTDIR || errno == LocalNative.ELOOP) {
        throw new NotDirectoryException(at.path.toString(), "not a directory");
      }
      throw error(errno, at.path, "opendir");
    }
    return fd;
  }

  @Override
  public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
    int fd;
    try (At at = at(dir)) {
      fd = openDirectory(at);
    }
    int[] err = new int[1];
    Pointer stream = nat.fdopendir(fd, err);
    if (stream == null) {
      nat.close(fd);
      throw error(err[0], dir, "fdopendir");
    }
    LocalListing l = new LocalListing(fd, stream, dir);
    try {
      l.start(options);
    } catch (BackendException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** Streams one directory by descriptor: one readdir entry and statx at a time. */
  private final class LocalListing implements DirectoryListing {
    private final int fd;
    private final AlluxioPath dirPath;
    private final int[] err = new int[1];
    private Pointer stream;
    private long position;

    LocalListing(int fd, Pointer stream, AlluxioPath dirPath) {
      this.fd = fd;
      this.stream = stream;
      this.dirPath = dirPath;
    }

    void start(ListOptions o) throws BackendException {
      long offset = o.offset();
      String after = o.startAfter();
      if (offset > 0) {
        String last = null;
        byte[] n;
        while (position < offset && (n = nextRaw()) != null) {
          last = decode(n);
        }
        if (after == null || after.equals(last)) {
          return;
        }
        // The directory changed since the cookie was handed out: find the name again.
        rewind();
        if (scanTo(after)) {
          return;
        }
        rewind();
        while (position < offset && nextRaw() != null) {
          // skip
        }
        return;
      }
      if (after != null && !scanTo(after)) {
        rewind();
      }
    }

    private boolean scanTo(String name) throws BackendException {
      byte[] n;
      while ((n = nextRaw()) != null) {
        if (name.equals(decode(n))) {
          return true;
        }
      }
      return false;
    }

    private void rewind() {
      nat.rewinddir(stream);
      position = 0;
    }

    private byte[] nextRaw() throws BackendException {
      err[0] = 0;
      byte[] n = nat.readdir(stream, err);
      if (n == null) {
        if (err[0] != 0) {
          throw error(err[0], dirPath, "readdir");
        }
        return null;
      }
      position++;
      return n;
    }

    /** The name as a string, or null if it does not round-trip through the name encoding. */
    private String decode(byte[] raw) {
      String s = new String(raw, nat.charset());
      return Arrays.equals(s.getBytes(nat.charset()), raw) ? s : null;
    }

    @Override
    public FileStatus next() throws BackendException {
      if (stream == null) {
        throw new BackendException(ErrorCode.IO_ERROR, dirPath.toString(), "listing is closed");
      }
      while (true) {
        byte[] raw = nextRaw();
        if (raw == null) {
          return null;
        }
        String name = decode(raw);
        if (name == null) {
          LOG.warn("skipping entry whose name is not valid in sun.jnu.encoding in {}: {}", dirPath,
              new String(raw, nat.charset()));
          continue;
        }
        AlluxioPath child;
        try {
          child = dirPath.child(name);
        } catch (InvalidPathException e) {
          LOG.warn("skipping entry with an unusable name in {}: {}", dirPath, e.getMessage());
          continue;
        }
        byte[] cname = Arrays.copyOf(raw, raw.length + 1);
        int[] e = new int[1];
        byte[] stx = statx(fd, cname, 0, e);
        if (stx == null) {
          if (e[0] == LocalNative.ENOENT) {
            continue; // removed since readdir
          }
          throw error(e[0], child, "stat");
        }
        try {
          return status(stx, fd, cname, child);
        } catch (NotFoundException gone) {
          continue;
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
        nat.closedir(stream); // closes fd too
        stream = null;
      }
    }
  }

  // ---------------------------------------------------------------------------- create

  @Override
  public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
    if (path.isRoot()) {
      try (At at = at(path)) {
        if (options.recursive()) {
          return stat(at);
        }
      }
      throw new AlreadyExistsException(path.toString(), "the root exists");
    }
    if (options.recursive()) {
      AlluxioPath cur = AlluxioPath.root();
      for (String c : path.parent().components()) {
        cur = cur.child(c);
        try (At at = at(cur)) {
          mkdir(at, options, true);
        }
      }
    }
    try (At at = at(path)) {
      mkdir(at, options, options.recursive());
      return stat(at);
    }
  }

  private void mkdir(At at, CreateOptions options, boolean existingOk) throws BackendException {
    int rc = nat.mkdirat(at.dirfd, at.name, 0700);
    if (rc == -LocalNative.EEXIST) {
      if (existingOk) {
        int[] err = new int[1];
        byte[] stx = statx(at.dirfd, at.name, 0, err);
        if (stx != null && typeOf(stx) == FileType.DIRECTORY) {
          return;
        }
        throw new NotDirectoryException(at.path.toString(), "exists and is not a directory");
      }
      throw new AlreadyExistsException(at.path.toString(), "already exists");
    }
    if (rc < 0) {
      throw error(-rc, at.path, "mkdir");
    }
    rc = nat.fchmodat(at.dirfd, at.name, options.directoryMode()); // exact, no umask
    if (rc < 0) {
      throw error(-rc, at.path, "chmod");
    }
    applyOwnership(at, options.uid(), options.gid(), options.owner(), options.group(), true);
  }

  @Override
  public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
    if (path.isRoot()) {
      throw options.overwrite()
          ? new IsDirectoryException(path.toString(), "is the root directory")
          : new AlreadyExistsException(path.toString(), "is the root directory");
    }
    try (At at = at(path)) {
      int fd = -1;
      boolean created = false;
      boolean readable = true;
      int base = LocalNative.O_NOFOLLOW | LocalNative.O_NOCTTY | LocalNative.O_NONBLOCK;
      for (int attempt = 0; fd < 0; attempt++) {
        fd = nat.openat(at.dirfd, at.name, base | LocalNative.O_RDWR | LocalNative.O_CREAT | LocalNative.O_EXCL, 0600);
        if (fd >= 0) {
          created = true;
          break;
        }
        if (fd != -LocalNative.EEXIST) {
          throw error(-fd, path, "create");
        }
        if (!options.overwrite()) {
          throw new AlreadyExistsException(path.toString(), "already exists");
        }
        fd = nat.openat(at.dirfd, at.name, base | LocalNative.O_RDWR | LocalNative.O_TRUNC, 0);
        if (fd == -LocalNative.EACCES) {
          fd = nat.openat(at.dirfd, at.name, base | LocalNative.O_WRONLY | LocalNative.O_TRUNC, 0);
          readable = false;
        }
        if (fd == -LocalNative.ELOOP) {
          throw BackendException.of(ErrorCode.SYMLINK_LOOP, path.toString(), "is a symbolic link", null);
        }
        if (fd == -LocalNative.ENOENT && attempt < 3) {
          readable = true;
          continue; // removed in between: create it
        }
        if (fd < 0) {
          throw error(-fd, path, "open for overwrite");
        }
      }
      try {
        byte[] stx = statxOrThrow(fd, EMPTY, LocalNative.AT_EMPTY_PATH, path);
        if (typeOf(stx) != FileType.REGULAR) {
          throw typeOf(stx) == FileType.DIRECTORY
              ? new IsDirectoryException(path.toString(), "is a directory")
              : new UnsupportedException(path.toString(), "cannot write a " + typeOf(stx));
        }
        Set<OpenOption> opts = readable ? RW_OPTIONS : WRITE_OPTIONS;
        FileChannel ch = FileChannel.open(procPath(fd), opts);
        try {
          if (created) {
            int rc = nat.fchmod(fd, options.fileMode()); // exact, no umask
            if (rc < 0) {
              throw error(-rc, path, "chmod");
            }
            applyOwnership(fd, path, options.uid(), options.gid(), options.owner(), options.group(), true);
            stx = statxOrThrow(fd, EMPTY, LocalNative.AT_EMPTY_PATH, path);
          }
          FileKey key = keyOf(stx);
          FileStatus st = status(stx, fd, EMPTY, path);
          writing.merge(key, 1, Integer::sum);
          ChannelHolder h = new ChannelHolder(ch, path.toString(), reopener(path, opts, key));
          return new LocalOutStream(h, path, key, st.toBuilder().completed(false).build(), readable);
        } catch (BackendException | RuntimeException e) {
          ch.close();
          throw e;
        }
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      } finally {
        nat.close(fd);
      }
    }
  }

  private void unregisterWriter(FileKey key) {
    writing.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
  }

  /** Reopens {@code path} if the name still refers to the file {@code key}. */
  private ChannelHolder.Reopener reopener(AlluxioPath path, Set<OpenOption> opts, FileKey key) {
    return () -> {
      try (At at = at(path)) {
        int fd = nat.openat(at.dirfd, at.name, LocalNative.O_PATH | LocalNative.O_NOFOLLOW, 0);
        if (fd < 0) {
          return null;
        }
        try {
          int[] err = new int[1];
          byte[] stx = statx(fd, EMPTY, LocalNative.AT_EMPTY_PATH, err);
          if (stx == null || !keyOf(stx).equals(key)) {
            return null;
          }
          return FileChannel.open(procPath(fd), opts);
        } finally {
          nat.close(fd);
        }
      } catch (BackendException e) {
        return null;
      }
    };
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
    private final AlluxioPath path;
    private final FileKey key;
    private final FileStatus initial;
    private final boolean readable;
    private volatile long position;
    /** 0 open, 1 closed, 2 cancelled. */
    private int state;
    /** The open file was handed to a random-access handle ({@link #sameFile()}); close keeps it open. */
    private boolean handedOver;

    LocalOutStream(ChannelHolder h, AlluxioPath path, FileKey key, FileStatus initial, boolean readable) {
      this.h = h;
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
        LOG.debug("closing cancelled {}", path, e);
      }
      removeIfSame(path, key);
    }
  }

  /** Unlinks {@code path} if it still names the file {@code key} (a cancelled write). */
  private void removeIfSame(AlluxioPath path, FileKey key) throws BackendException {
    At at;
    try {
      at = at(path);
    } catch (NotFoundException | NotDirectoryException e) {
      return;
    }
    try (at) {
      int[] err = new int[1];
      byte[] stx = statx(at.dirfd, at.name, 0, err);
      if (stx == null) {
        if (err[0] == LocalNative.ENOENT) {
          return;
        }
        throw error(err[0], path, "stat");
      }
      if (keyOf(stx).equals(key)) {
        int rc = nat.unlinkat(at.dirfd, at.name, 0);
        if (rc < 0 && rc != -LocalNative.ENOENT) {
          throw error(-rc, path, "unlink");
        }
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

  /**
   * Opens the regular file {@code at} names: an {@code O_PATH|O_NOFOLLOW} descriptor pins the
   * inode (never a FIFO opened by mistake, never a symlink followed), its type is checked, and
   * the channel is opened through that descriptor.
   *
   * @return the channel with the file's statx result in {@code stxOut[0]}
   */
  private FileChannel openRegular(At at, Set<OpenOption> opts, byte[][] stxOut) throws BackendException {
    int fd = nat.openat(at.dirfd, at.name, LocalNative.O_PATH | LocalNative.O_NOFOLLOW, 0);
    if (fd < 0) {
      throw error(-fd, at.path, "open");
    }
    try {
      byte[] stx = statxOrThrow(fd, EMPTY, LocalNative.AT_EMPTY_PATH, at.path);
      checkRegular(typeOf(stx), at.path);
      stxOut[0] = stx;
      return FileChannel.open(procPath(fd), opts);
    } catch (IOException e) {
      throw LocalErrors.map(e, at.path);
    } finally {
      nat.close(fd);
    }
  }

  /**
   * A native descriptor for FUSE passthrough, opened like {@link #openRegular}: the last name is
   * pinned with {@code O_PATH|O_NOFOLLOW}, checked to be a regular file, then reopened through
   * {@code /proc/self/fd} with the access mode asked for.
   */
  @Override
  public int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
    try (At at = at(path)) {
      int pin = nat.openat(at.dirfd, at.name, LocalNative.O_PATH | LocalNative.O_NOFOLLOW, 0);
      if (pin < 0) {
        throw error(-pin, path, "open for passthrough");
      }
      try {
        checkRegular(typeOf(statxOrThrow(pin, EMPTY, LocalNative.AT_EMPTY_PATH, path)), path);
        int fd = nat.openat(LocalNative.AT_FDCWD, nat.cstring(procPath(pin).toString()),
            writable ? LocalNative.O_RDWR : LocalNative.O_RDONLY, 0);
        if (fd < 0) {
          throw error(-fd, path, "open for passthrough");
        }
        return fd;
      } finally {
        nat.close(pin);
      }
    }
  }

  @Override
  public void closeBackingFd(int fd) {
    if (fd >= 0) {
      nat.close(fd);
    }
  }

  private LocalFileHandle openHandle(AlluxioPath path, boolean writable) throws BackendException {
    Set<OpenOption> opts = writable ? RW_OPTIONS : READ_OPTIONS;
    byte[][] stx = new byte[1][];
    FileChannel ch;
    try (At at = at(path)) {
      ch = openRegular(at, opts, stx);
    }
    FileKey key = keyOf(stx[0]);
    return new LocalFileHandle(new ChannelHolder(ch, path.toString(), reopener(path, opts, key)), path, writable);
  }

  private static void checkRegular(FileType t, AlluxioPath path) throws BackendException {
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
    try (At at = at(path)) {
      byte[] stx = statxOrThrow(at.dirfd, at.name, 0, path);
      boolean dir = typeOf(stx) == FileType.DIRECTORY;
      if (dir && recursive) {
        removeTree(at.dirfd, at.name, path);
        return;
      }
      int rc = nat.unlinkat(at.dirfd, at.name, dir ? LocalNative.AT_REMOVEDIR : 0);
      if (rc == -LocalNative.EISDIR || rc == -LocalNative.ENOTDIR) {
        rc = nat.unlinkat(at.dirfd, at.name, dir ? 0 : LocalNative.AT_REMOVEDIR); // changed type meanwhile
      }
      if (rc < 0) {
        throw error(-rc, path, "delete");
      }
    }
  }

  /**
   * Removes directory {@code name} under {@code dirfd} with its subtree, by descriptor at every
   * level (no path is ever built; symlinks inside are unlinked, never followed). Entries that
   * vanish meanwhile are fine; the listing is repeated while entries keep appearing.
   */
  private void removeTree(int dirfd, byte[] name, AlluxioPath path) throws BackendException {
    int fd = nat.openat(dirfd, name, LocalNative.O_RDONLY | LocalNative.O_DIRECTORY | LocalNative.O_NOFOLLOW, 0);
    if (fd == -LocalNative.ENOENT) {
      return;
    }
    if (fd < 0) {
      throw error(-fd, path, "opendir");
    }
    int[] err = new int[1];
    Pointer stream = nat.fdopendir(fd, err);
    if (stream == null) {
      nat.close(fd);
      throw error(err[0], path, "fdopendir");
    }
    try {
      for (int pass = 0; pass < 100; pass++) {
        boolean removedAny = false;
        nat.rewinddir(stream);
        byte[] raw;
        err[0] = 0;
        while ((raw = nat.readdir(stream, err)) != null) {
          byte[] child = Arrays.copyOf(raw, raw.length + 1);
          int rc = nat.unlinkat(fd, child, 0);
          if (rc == -LocalNative.EISDIR) {
            removeTree(fd, child, path);
          } else if (rc < 0 && rc != -LocalNative.ENOENT) {
            throw error(-rc, path, "unlink of " + new String(raw, nat.charset()));
          }
          removedAny = true;
          err[0] = 0;
        }
        if (err[0] != 0) {
          throw error(err[0], path, "readdir");
        }
        if (!removedAny) {
          break;
        }
      }
    } finally {
      nat.closedir(stream);
    }
    int rc = nat.unlinkat(dirfd, name, LocalNative.AT_REMOVEDIR);
    if (rc < 0 && rc != -LocalNative.ENOENT) {
      throw error(-rc, path, "rmdir");
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
    try (At s = at(src); At d = at(dst)) {
      if (options.exchange()) {
        if (!capabilities.contains(Capability.RENAME_EXCHANGE)) {
          throw new UnsupportedException(src.toString(), "RENAME_EXCHANGE needs renameat2");
        }
        int rc = nat.renameat2(s.dirfd, s.name, d.dirfd, d.name, LocalNative.RENAME_EXCHANGE);
        if (rc == 0) {
          return;
        }
        if (rc == -LocalNative.ENOSYS || rc == -LocalNative.EINVAL) {
          throw new UnsupportedException(src.toString(), "RENAME_EXCHANGE not supported by the file system");
        }
        throw renameError(ErrorCode.fromErrno(-rc), src, dst);
      }
      if (options.noReplace()) {
        if (useRenameat2) {
          int rc = nat.renameat2(s.dirfd, s.name, d.dirfd, d.name, LocalNative.RENAME_NOREPLACE);
          if (rc == 0) {
            return;
          }
          if (rc != -LocalNative.ENOSYS && rc != -LocalNative.EINVAL) {
            throw renameError(ErrorCode.fromErrno(-rc), src, dst);
          }
        }
        renameNoReplaceFallback(s, d);
        return;
      }
      int rc = nat.renameat(s.dirfd, s.name, d.dirfd, d.name);
      if (rc < 0) {
        throw renameError(ErrorCode.fromErrno(-rc), src, dst);
      }
    }
  }

  private void renameNoReplaceFallback(At s, At d) throws BackendException {
    byte[] stx = statxOrThrow(s.dirfd, s.name, 0, s.path);
    if (typeOf(stx) != FileType.DIRECTORY) {
      int rc = nat.linkat(s.dirfd, s.name, d.dirfd, d.name); // fails atomically with EEXIST
      if (rc == 0) {
        rc = nat.unlinkat(s.dirfd, s.name, 0);
        if (rc < 0) {
          nat.unlinkat(d.dirfd, d.name, 0);
          throw renameError(ErrorCode.fromErrno(-rc), s.path, d.path);
        }
        return;
      }
      ErrorCode c = ErrorCode.fromErrno(-rc);
      if (c != ErrorCode.OPERATION_NOT_PERMITTED && c != ErrorCode.UNSUPPORTED && c != ErrorCode.PERMISSION_DENIED) {
        throw renameError(c, s.path, d.path);
      }
    }
    // Directories (or no hard links): check, then rename; not atomic against other writers.
    int[] err = new int[1];
    if (statx(d.dirfd, d.name, 0, err) != null) {
      throw renameError(ErrorCode.ALREADY_EXISTS, s.path, d.path);
    }
    int rc = nat.renameat(s.dirfd, s.name, d.dirfd, d.name);
    if (rc < 0) {
      throw renameError(ErrorCode.fromErrno(-rc), s.path, d.path);
    }
  }

  private static BackendException renameError(ErrorCode code, AlluxioPath src, AlluxioPath dst) {
    boolean aboutTarget = code == ErrorCode.ALREADY_EXISTS || code == ErrorCode.DIRECTORY_NOT_EMPTY
        || code == ErrorCode.IS_DIRECTORY;
    return BackendException.of(code, (aboutTarget ? dst : src).toString(),
        "rename " + src + " -> " + dst + " failed", null);
  }

  // ---------------------------------------------------------------------------- attributes

  @Override
  public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
    try (At at = at(path)) {
      boolean link = typeOf(statxOrThrow(at.dirfd, at.name, 0, path)) == FileType.SYMLINK;
      // chown first: it clears setuid/setgid, which an explicit mode then sets again.
      if (options.changesOwnership()) {
        applyOwnership(at,
            options.uid() == null ? CreateOptions.UNSET : options.uid(),
            options.gid() == null ? CreateOptions.UNSET : options.gid(),
            options.owner(), options.group(), false);
      }
      if (options.mode() != null) {
        if (link) {
          throw new UnsupportedException(path.toString(), "symlinks have no mode of their own");
        }
        int rc = nat.fchmodat(at.dirfd, at.name, options.mode());
        if (rc < 0) {
          throw error(-rc, path, "chmod");
        }
      }
      if (options.changesTimes()) {
        int rc = nat.utimensat(at.dirfd, at.name, options.atimeNs(), options.mtimeNs());
        if (rc < 0) {
          throw error(-rc, path, "utimensat");
        }
      }
      return stat(at);
    }
  }

  /** A name that is a decimal id (1-10 digits, below 2^32 - 1), or -1. */
  static long decimalId(String name) {
    if (name.isEmpty() || name.length() > 10 || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long v = Long.parseLong(name);
    return v <= 0xFFFF_FFFEL ? v : -1;
  }

  /**
   * The numeric ids to set (-1 = keep) from ids (preferred) or names; a name no account has
   * may be the decimal id itself (how {@link #status} names an id without an account).
   */
  private int[] ids(AlluxioPath path, long uid, long gid, String owner, String group) throws BackendException {
    if (uid < 0 && owner != null) {
      uid = nat.uidOf(owner);
      if (uid < 0) {
        uid = decimalId(owner); // an id without a name, as status() reports it
      }
      if (uid < 0) {
        throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "unknown user " + owner, null);
      }
    }
    if (gid < 0 && group != null) {
      gid = nat.gidOf(group);
      if (gid < 0) {
        gid = decimalId(group);
      }
      if (gid < 0) {
        throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "unknown group " + group, null);
      }
    }
    return new int[] {uid < 0 ? -1 : (int) uid, gid < 0 ? -1 : (int) gid};
  }

  /**
   * lchown by numeric id (preferred) or by name. With {@code bestEffort} (on create) a refusal is
   * logged and ignored.
   */
  private void applyOwnership(At at, long uid, long gid, String owner, String group, boolean bestEffort)
      throws BackendException {
    try {
      int[] ids = ids(at.path, uid, gid, owner, group);
      if (ids[0] == -1 && ids[1] == -1) {
        return;
      }
      int rc = nat.fchownat(at.dirfd, at.name, ids[0], ids[1]);
      if (rc < 0) {
        throw error(-rc, at.path, "chown");
      }
    } catch (BackendException e) {
      if (!bestEffort) {
        throw e;
      }
      LOG.debug("could not set ownership of {}: {}", at.path, e.toString());
    }
  }

  private void applyOwnership(int fd, AlluxioPath path, long uid, long gid, String owner, String group,
      boolean bestEffort) throws BackendException {
    try {
      int[] ids = ids(path, uid, gid, owner, group);
      if (ids[0] == -1 && ids[1] == -1) {
        return;
      }
      int rc = nat.fchown(fd, ids[0], ids[1]);
      if (rc < 0) {
        throw error(-rc, path, "chown");
      }
    } catch (BackendException e) {
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
    try (At at = at(path)) {
      byte[][] stx = new byte[1][];
      try (FileChannel c = openRegular(at, WRITE_OPTIONS, stx)) {
        setLength(c, length);
      } catch (IOException e) {
        throw LocalErrors.map(e, path);
      }
      return stat(at);
    }
  }

  // ---------------------------------------------------------------------------- symlinks

  @Override
  public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "empty symlink target or NUL in it", null);
    }
    if (path.isRoot()) {
      throw new AlreadyExistsException("/", "is the root directory");
    }
    try (At at = at(path)) {
      int rc = nat.symlinkat(target, at.dirfd, at.name);
      if (rc < 0) {
        throw error(-rc, path, "symlink");
      }
      applyOwnership(at, options.uid(), options.gid(), options.owner(), options.group(), true);
      return stat(at);
    }
  }

  @Override
  public String readSymlink(AlluxioPath path) throws BackendException {
    try (At at = at(path)) {
      int[] err = new int[1];
      String t = nat.readlinkat(at.dirfd, at.name, err);
      if (t == null) {
        throw error(err[0], path, "readlink");
      }
      return t;
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

  /** Refuses further calls and releases the root descriptor once no call uses it. Idempotent. */
  @Override
  public void close() {
    rootLock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        nat.close(rootFd);
      }
    } finally {
      rootLock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
