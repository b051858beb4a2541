package io.purefuse.backend.alluxio;

import alluxio.grpc.CompleteFilePRequest;
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
import alluxio.grpc.ListStatusPRequest;
import alluxio.grpc.RenamePOptions;
import alluxio.grpc.RenamePRequest;
import alluxio.grpc.SetAttributePOptions;
import alluxio.grpc.SetAttributePRequest;
import alluxio.grpc.WritePType;
import alluxio.proto.dataserver.Protocol;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.InvalidArgumentException;
import io.purefuse.backend.IsDirectoryException;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.AlreadyExistsException;
import io.purefuse.backend.NotDirectoryException;
import io.purefuse.backend.NotFoundException;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import io.purefuse.backend.UnsupportedException;
import io.purefuse.backend.cache.CacheIdentity;
import io.purefuse.backend.cache.ClientCache;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.backend.membership.Membership;
import io.purefuse.backend.membership.WorkerInfo;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage SPI over Alluxio 3.x workers: every namespace path becomes its full UFS path
 * ({@link AlluxioClientConfig#ufsPath}), which picks the owning worker on the consistent-hash
 * ring of the live membership; the call goes there over gRPC (see {@link WorkerRouting} for
 * fail-over, {@link WorkerFileInStream} and {@link WorkerFileOutStream} for data).
 *
 * <p>What the protocol cannot express is reported, not faked: no symlinks, no truncate (the VFS
 * truncates to zero by overwriting), no random writes, no rename flags, no time changes (a
 * {@code SetAttribute} carries mode and ownership only, so {@code utimens} changes are dropped,
 * as Alluxio's FUSE does), no capacity figures.
 *
 * <p>With a {@link ClientCache} (the {@code alluxio.user.client.cache.*} properties), files read
 * whole are kept on local disk: later opens of the same version read the local copy, through
 * FUSE passthrough ({@link #openBackingFd}, read-only) or {@link #openFile}; writes, renames and
 * removals through this client drop the copies of the paths they touch.
 *
 * <p>Also offered to the CLI: {@link #ownerOf}, {@link #load} ({@code LoadFile} on the owner)
 * and {@link #cachedPercentage}.
 */
public final class AlluxioWorkerBackend implements FileSystemBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AlluxioWorkerBackend.class);
  private final AlluxioClientConfig config;
  private final Membership membership;
  private final WorkerChannels channels;
  private final WorkerRouting routing;
  private final PosixAccounts accounts = new PosixAccounts();
  private final Path localRoot;
  private final Set<Capability> capabilities;
  /** The client-side data cache, or null when it is off. */
  private final ClientCache cache;
  /** Open backing descriptors of cache files -> the cache key of the version they hold. */
  private final Map<Integer, String> backingVersions = new ConcurrentHashMap<>();
  private final AtomicLong readBlockCalls = new AtomicLong();
  private final AtomicBoolean directWriteLogged = new AtomicBoolean();
  private volatile LocalUnderFileSystem localUfs;
  private volatile boolean closed;

  private AlluxioWorkerBackend(AlluxioClientConfig config, Membership membership, ClientCache cache) {
    this.config = config;
    this.membership = membership;
    this.cache = cache;
    this.capabilities = Collections.unmodifiableSet(cache == null ? EnumSet.of(Capability.OWNERSHIP)
        : EnumSet.of(Capability.OWNERSHIP, Capability.BACKING_FD));
    this.channels = new WorkerChannels(config);
    this.routing = new WorkerRouting(membership, channels, config.failoverWorkers());
    this.localRoot = localRoot(config.ufsRoot());
  }

  /**
   * A client of the workers {@code membership} lists (it watches it; the backend closes it on
   * {@link #close()}). Connections are opened on first use, so this does not fail when workers
   * are down.
   */
  public static AlluxioWorkerBackend open(AlluxioClientConfig config, Membership membership) {
    return open(config, membership, null);
  }

  /**
   * As {@link #open(AlluxioClientConfig, Membership)}, with a client-side data cache (owned and
   * closed by the backend from now on), or none if {@code cache} is null.
   */
  public static AlluxioWorkerBackend open(AlluxioClientConfig config, Membership membership, ClientCache cache) {
    AlluxioWorkerBackend b = new AlluxioWorkerBackend(config, membership, cache);
    LOG.info("Alluxio worker client: {} with {} live worker(s){}", config, membership.liveWorkers().size(),
        cache == null ? "" : ", " + cache);
    return b;
  }

  /** The UFS root as a local directory this host can reach, or null. */
  private static Path localRoot(String root) {
    Path p = null;
    if (root.startsWith("/")) {
      p = Paths.get(root);
    } else if (root.startsWith("file:")) {
      try {
        String path = new URI(root).getPath();
        p = path == null || path.isEmpty() ? null : Paths.get(path);
      } catch (Exception e) {
        p = null;
      }
    }
    return p != null && Files.isDirectory(p) ? p : null;
  }

  public AlluxioClientConfig config() {
    return config;
  }

  /** The client-side data cache, or null when it is off. */
  public ClientCache clientCache() {
    return cache;
  }

  /** {@code ReadBlock} calls this client has started (prefetch streams and one-shot reads). */
  public long readBlockCalls() {
    return readBlockCalls.get();
  }

  @Override
  public String describe() {
    return "alluxio:" + config.ufsRoot() + " (" + routing.ring().workers().size() + " live worker(s))";
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public String ufsPath(AlluxioPath path) {
    return config.ufsPath(path);
  }

  /**
   * The worker that owns {@code path} now (the ring's choice for its full UFS path).
   *
   * @throws io.purefuse.backend.UnavailableException no live worker
   */
  public WorkerInfo ownerOf(AlluxioPath path) throws BackendException {
    return routing.owner(ufsPath(path), path.toString());
  }

  /** Workers with an open channel now (for tests and diagnostics). */
  Set<io.purefuse.backend.membership.WorkerAddress> openChannels() {
    return channels.open();
  }

  /** The live workers the client routes over now. */
  public List<WorkerInfo> liveWorkers() {
    return routing.ring().workers();
  }

  // ------------------------------------------------------------------ metadata

  private void checkOpen(AlluxioPath path) throws BackendException {
    if (closed) {
      throw new BackendException(ErrorCode.IO_ERROR, path.toString(), "backend is closed");
    }
  }

  /** The worker's {@code FileInfo} of {@code path}. */
  FileInfo fileInfo(AlluxioPath path) throws BackendException {
    checkOpen(path);
    String ufs = ufsPath(path);
    return routing.invoke(ufs, path.toString(), true,
        ch -> ch.blocking().getStatus(GetStatusPRequest.newBuilder().setPath(ufs).build()).getFileInfo());
  }

  @Override
  public FileStatus getStatus(AlluxioPath path) throws BackendException {
    return FileInfos.toStatus(fileInfo(path), path, accounts);
  }

  /**
   * How much of the file the worker has cached, 0..100 ({@code in_alluxio_percentage} of its
   * status).
   */
  public int cachedPercentage(AlluxioPath path) throws BackendException {
    return fileInfo(path).getInAlluxioPercentage();
  }

  @Override
  public boolean exists(AlluxioPath path) throws BackendException {
    checkOpen(path);
    String ufs = ufsPath(path);
    try {
      return routing.invoke(ufs, path.toString(), true,
          ch -> ch.blocking().exists(ExistsPRequest.newBuilder().setPath(ufs).build()).getExists());
    } catch (NotFoundException | NotDirectoryException e) {
      return false;
    }
  }

  @Override
  public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
    checkOpen(dir);
    String ufsDir = config.ufsDirectory(dir);
    ListStatusPRequest request = ListStatusPRequest.newBuilder().setPath(ufsDir).build();
    WorkerListing.Opener opener = () -> routing.invoke(ufsDir, dir.toString(), true, ch -> {
      ListStatusStream s = ListStatusStream.start(ch, request, config.readTimeout());
      try {
        return new WorkerListing.Opened(s, s.next());
      } catch (StatusRuntimeException e) {
        s.close();
        throw e;
      }
    });
    WorkerListing.Opened first = opener.open();
    FileInfo f = first.first();
    // ListStatus of a file answers the file itself.
    if (f != null && !f.getFolder() && f.hasUfsPath() && f.getUfsPath().equals(ufsPath(dir))) {
      first.stream().close();
      throw new NotDirectoryException(dir.toString(), "not a directory");
    }
    return WorkerListing.open(dir, opener, first, accounts, options);
  }

  @Override
  public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
    checkOpen(path);
    if (path.isRoot()) {
      if (options.recursive()) {
        return getStatus(path);
      }
      throw new AlreadyExistsException(path.toString(), "the root exists");
    }
    String ufs = ufsPath(path);
    CreateDirectoryPRequest req = CreateDirectoryPRequest.newBuilder().setPath(ufs)
        .setOptions(CreateDirectoryPOptions.newBuilder()
            .setRecursive(options.recursive())
            .setAllowExists(options.recursive())
            .setMode(FileInfos.toPMode(options.directoryMode())))
        .build();
    try {
      routing.invoke(ufs, path.toString(), false, ch -> ch.blocking().createDirectory(req));
    } catch (AlreadyExistsException e) {
      // A stock worker answers ALREADY_EXISTS for an existing directory even when recursive.
      FileStatus st = options.recursive() ? getStatus(path) : null;
      if (st == null || !st.isDirectory()) {
        throw e;
      }
      return st;
    }
    return getStatus(path);
  }

  @Override
  public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
    checkOpen(path);
    if (path.isRoot()) {
      throw new IsDirectoryException(path.toString(), "the root is a directory");
    }
    String ufs = ufsPath(path);
    if (cache != null) {
      cache.invalidate(ufs);
    }
    CreateFilePRequest req = CreateFilePRequest.newBuilder().setPath(ufs)
        .setOptions(CreateFilePOptions.newBuilder()
            .setMode(FileInfos.toPMode(options.fileMode()))
            .setOverwrite(options.overwrite())
            .setRecursive(false)
            .setWriteType(WritePType.CACHE_THROUGH))
        .build();
    record Created(CreateFilePResponse response, WorkerChannel channel) {}
    Created created = routing.invoke(ufs, path.toString(), false,
        ch -> new Created(ch.blocking().createFile(req), ch));
    WorkerChannel owner = created.channel();
    FileInfo info = created.response().getFileInfo();
    FileStatus initial = info.getFolder() || !info.hasLength()
        ? FileStatus.builder(path, io.purefuse.backend.FileType.REGULAR).mode(options.fileMode())
            .lastModificationTimeMs(System.currentTimeMillis()).ufsPath(ufs).completed(false).build()
        : FileInfos.toStatus(info, path, accounts).toBuilder().completed(false).build();
    Protocol.CreateUfsFileOptions.Builder create = Protocol.CreateUfsFileOptions.newBuilder()
        .setMode(options.fileMode())
        .setOwner(ownerName(options.owner(), options.uid()))
        .setGroup(groupName(options.group(), options.gid()));
    String uuid = created.response().getUuid();
    WorkerFileOutStream.Completion completion = new WorkerFileOutStream.Completion() {
      @Override
      public void complete(String id) throws BackendException {
        // The open handle lives on the worker that created it: no fail-over.
        try {
          owner.blocking().completeFile(CompleteFilePRequest.newBuilder().setPath(ufs).setUuid(id).build());
        } catch (StatusRuntimeException e) {
          throw GrpcErrors.map(e, path.toString());
        } finally {
          if (cache != null) {
            cache.invalidate(ufs); // a fill that ran beside the write must not be kept
          }
        }
      }

      @Override
      public void remove() throws BackendException {
        delete(path, false);
      }
    };
    try {
      return WorkerFileOutStream.open(owner, path, ufs, uuid, initial, create.build(), config.writeTimeout(),
          p -> directWriter(p, options), completion);
    } catch (StatusRuntimeException e) {
      // No stream: do not leave the empty, incomplete file behind.
      try {
        delete(path, false);
      } catch (BackendException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw GrpcErrors.map(e, path.toString());
    }
  }

  /** The under-store writer for a worker without WriteBlock, or EOPNOTSUPP with one log line. */
  private FileOutStream directWriter(AlluxioPath path, CreateOptions options) throws BackendException {
    if (!config.writeToUfs() || localRoot == null) {
      String why = !config.writeToUfs()
          ? AlluxioClientConfig.WRITE_TO_UFS + " is false"
          : "the UFS root " + config.ufsRoot() + " is not a local directory of this host";
      LOG.warn("cannot write {}: the worker has no gRPC WriteBlock (UNIMPLEMENTED) and {}", path, why);
      throw new UnsupportedException(path.toString(), "worker has no gRPC WriteBlock and " + why);
    }
    if (directWriteLogged.compareAndSet(false, true)) {
      LOG.info("workers have no gRPC WriteBlock: writing files straight to the local UFS {} ({}=true)",
          localRoot, AlluxioClientConfig.WRITE_TO_UFS);
    }
    // A stock worker's CreateFile leaves the UFS file to the client (it creates nothing itself
    // when clients write to the UFS): create it with the requested mode and ownership, or
    // truncate what a worker did create.
    CreateOptions.Builder direct = CreateOptions.builder().overwrite(true).mode(options.fileMode())
        .uid(options.uid()).gid(options.gid());
    if (options.owner() != null) {
      direct.owner(options.owner());
    }
    if (options.group() != null) {
      direct.group(options.group());
    }
    return localUfs().createFile(path, direct.build());
  }

  private LocalUnderFileSystem localUfs() throws BackendException {
    LocalUnderFileSystem l = localUfs;
    if (l == null) {
      synchronized (this) {
        if (localUfs == null) {
          localUfs = LocalUnderFileSystem.open(localRoot);
        }
        l = localUfs;
      }
    }
    return l;
  }

  private String ownerName(String name, long uid) {
    if (name != null && !name.isEmpty()) {
      return name;
    }
    return uid >= 0 ? accounts.userName(uid) : config.user();
  }

  private String groupName(String name, long gid) {
    if (name != null && !name.isEmpty()) {
      return name;
    }
    return gid >= 0 ? accounts.groupName(gid) : "";
  }

  @Override
  public FileInStream openFile(AlluxioPath path) throws BackendException {
    FileInfo info = fileInfo(path);
    FileStatus st = FileInfos.toStatus(info, path, accounts);
    if (st.isDirectory()) {
      throw new IsDirectoryException(path.toString(), "is a directory");
    }
    String ufs = ufsPath(path);
    // A file still being written is never cached: its status will change.
    CacheIdentity id = cache != null && st.isCompleted() ? identity(info, ufs) : null;
    if (id != null) {
      FileInStream local = cache.openCached(id, path);
      if (local != null) {
        return local;
      }
    }
    long length = st.length();
    List<WorkerInfo> candidates = routing.candidates(ufs, path.toString());
    WorkerFileInStream.Streams streams = (worker, offset, len, window, maxWindow) -> {
      readBlockCalls.incrementAndGet();
      return ReadBlockStream.open(routing.channel(worker),
          ReadBlockStream.request(ufs, length, offset, len, config.noCache()), window, maxWindow);
    };
    FileInStream remote = new WorkerFileInStream(path, length, candidates, streams, config);
    return id == null ? remote : cache.wrap(id, remote, () -> identity(fileInfo(path), ufs));
  }

  /** The version of a file as the worker reports it, which cache entries are keyed by. */
  static CacheIdentity identity(FileInfo info, String ufs) {
    return new CacheIdentity(ufs, Math.max(0, info.getLength()), info.getLastModificationTimeMs(),
        info.hasFileId() ? info.getFileId() : 0, info.hasUfsFingerprint() ? info.getUfsFingerprint() : "",
        info.hasContentHash() ? info.getContentHash() : "");
  }

  /**
   * With the client cache, a read-only descriptor of the local copy of the file's current version
   * (for FUSE passthrough). Files not (yet) held whole, and every writable open, are refused with
   * {@link UnsupportedException}: the VFS then serves the open itself, which fills the cache.
   */
  @Override
  public int openBackingFd(AlluxioPath path, boolean writable) throws BackendException {
    if (cache == null || writable) {
      throw new UnsupportedException(path.toString(), cache == null ? "no client cache"
          : "the client cache holds read-only copies");
    }
    FileInfo info = fileInfo(path);
    if (info.getFolder()) {
      throw new IsDirectoryException(path.toString(), "is a directory");
    }
    if (info.hasCompleted() && !info.getCompleted()) {
      throw new UnsupportedException(path.toString(), "the file is still being written");
    }
    CacheIdentity id = identity(info, ufsPath(path));
    int fd = cache.openFd(id);
    if (fd < 0) {
      throw new UnsupportedException(path.toString(), "not in the client cache");
    }
    backingVersions.put(fd, id.key());
    return fd;
  }

  @Override
  public void closeBackingFd(int fd) {
    if (cache != null && fd >= 0) {
      backingVersions.remove(fd);
      cache.closeFd(fd);
    }
  }

  @Override
  public String backingVersion(int fd) {
    return backingVersions.get(fd);
  }

  @Override
  public boolean backingCurrent(AlluxioPath path, String version) throws BackendException {
    if (version == null) {
      return true;
    }
    FileInfo info;
    try {
      info = fileInfo(path);
    } catch (NotFoundException e) {
      return false;
    }
    return !info.getFolder() && identity(info, ufsPath(path)).key().equals(version);
  }

  @Override
  public RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException {
    throw new UnsupportedException(path.toString(), "Alluxio workers take writes only at rising offsets");
  }

  @Override
  public void delete(AlluxioPath path, boolean recursive) throws BackendException {
    checkOpen(path);
    if (path.isRoot()) {
      throw new BackendException(ErrorCode.BUSY, path.toString(), "cannot delete the root");
    }
    String ufs = ufsPath(path);
    DeletePRequest req = DeletePRequest.newBuilder().setPath(ufs)
        .setOptions(DeletePOptions.newBuilder().setRecursive(recursive)).build();
    if (cache != null) {
      cache.invalidateTree(ufs);
    }
    routing.invoke(ufs, path.toString(), false, ch -> ch.blocking().remove(req));
  }

  @Override
  public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
    checkOpen(src);
    if (options.exchange()) {
      throw new UnsupportedException(src.toString(), "Alluxio workers cannot exchange two entries");
    }
    if (src.isRoot() || dst.isRoot()) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, src.toString(), "cannot rename the root", null);
    }
    if (src.equals(dst)) {
      getStatus(src);
      return;
    }
    if (src.isSameOrAncestorOf(dst)) {
      throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, src.toString(), "target lies inside the source", null);
    }
    if (options.noReplace() && exists(dst)) {
      throw new AlreadyExistsException(dst.toString(), "target exists");
    }
    String ufsSrc = ufsPath(src);
    RenamePRequest req = RenamePRequest.newBuilder().setPath(ufsSrc).setDstPath(ufsPath(dst))
        .setOptions(RenamePOptions.newBuilder().setOverwrite(!options.noReplace())).build();
    if (cache != null) {
      cache.invalidateTree(ufsSrc);
      cache.invalidateTree(ufsPath(dst));
    }
    // The owner of the source path carries out the rename.
    routing.invoke(ufsSrc, src.toString(), false, ch -> ch.blocking().rename(req));
  }

  @Override
  public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
    checkOpen(path);
    SetAttributePOptions.Builder o = SetAttributePOptions.newBuilder();
    boolean any = false;
    if (options.mode() != null) {
      o.setMode(FileInfos.toPMode(options.mode()));
      any = true;
    }
    if (options.owner() != null || options.uid() != null) {
      o.setOwner(ownerName(options.owner(), options.uid() == null ? -1 : options.uid()));
      any = true;
    }
    if (options.group() != null || options.gid() != null) {
      o.setGroup(groupName(options.group(), options.gid() == null ? -1 : options.gid()));
      any = true;
    }
    if (options.changesTimes()) {
      LOG.debug("time change of {} dropped: SetAttribute carries no times", path);
    }
    if (any) {
      String ufs = ufsPath(path);
      SetAttributePRequest req = SetAttributePRequest.newBuilder().setPath(ufs).setOptions(o).build();
      routing.invoke(ufs, path.toString(), true, ch -> ch.blocking().setAttribute(req));
    }
    return getStatus(path);
  }

  @Override
  public FileStatus truncate(AlluxioPath path, long length) throws BackendException {
    throw new UnsupportedException(path.toString(), "Alluxio workers cannot truncate a file");
  }

  @Override
  public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
    throw new UnsupportedException(path.toString(), "Alluxio workers have no symbolic links");
  }

  @Override
  public String readSymlink(AlluxioPath path) throws BackendException {
    getStatus(path);
    throw new InvalidArgumentException(ErrorCode.INVALID_ARGUMENT, path.toString(), "not a symbolic link", null);
  }

  @Override
  public Optional<SpaceInfo> getSpace() {
    return Optional.empty();
  }

  // ------------------------------------------------------------------ load

  /**
   * Makes the owning worker cache the whole file ({@code LoadFile}, one call per
   * {@value WorkerLoad#PIECE}-byte piece, each with the load deadline), reporting progress after
   * each piece. Pieces already cached are skipped by the worker.
   *
   * @throws IsDirectoryException {@code path} is a directory (load its files one by one)
   * @throws BackendException the worker reported a failed piece (its code and message)
   */
  public LoadResult load(AlluxioPath path, LoadProgress progress) throws BackendException {
    FileInfo info = fileInfo(path);
    if (info.getFolder()) {
      throw new IsDirectoryException(path.toString(), "load takes files; list the directory and load each");
    }
    return WorkerLoad.load(routing, config, path, ufsPath(path), info, progress);
  }

  /** Closes every worker channel and the membership. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channels.close();
    membership.close();
    if (cache != null) {
      cache.close();
    }
    LocalUnderFileSystem l = localUfs;
    if (l != null) {
      l.close();
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
