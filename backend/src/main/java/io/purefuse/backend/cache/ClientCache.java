package io.purefuse.backend.cache;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileInStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-side data cache: whole files read from workers, kept as local files under the cache
 * directories, bounded per directory with LRU eviction.
 *
 * <h2>What is kept</h2>
 * Only whole files: a stream ({@link #wrap}) writes what it reads into a shared {@link CacheFill};
 * once the written ranges cover the file, the fill is checked (length, and the worker asked again
 * for the file's identity) and renamed to its final name. Files read in part are not kept (their
 * partial fill is deleted when the last reader closes). A complete entry is served to later opens
 * as a local file: by the VFS through FUSE passthrough ({@link #openFd}), or by
 * {@link #openCached} for opens served by purefuse.
 *
 * <h2>Never stale</h2>
 * An entry is found only by the {@link CacheIdentity} of a fresh status (path, length,
 * modification time, file id, fingerprint/hash), so a changed file misses and its old entry is
 * dropped. Writes, renames and removals through this client also drop the entries (and poison the
 * fills) of the paths they touch ({@link #invalidate}, {@link #invalidateTree}).
 *
 * <h2>Restart</h2>
 * Each cache file carries its identity in a user xattr ({@value #XATTR}); at start, files whose
 * xattr, name and length agree are kept (oldest access first in the LRU), everything else,
 * including every {@code .part-N} left by a crash, is deleted. Without user xattrs on the cache
 * file system the cache starts empty each time.
 *
 * <h2>One process per directory; supervised mounts</h2>
 * A cache directory belongs to one process at a time (a lock file). {@link #open} only checks
 * that the directories can be used (created, locked and let go at once) and the cache takes them
 * at its <em>first use</em> (a lookup or a fill), restoring their entries then: the standby server
 * of a supervised mount builds its client while its predecessor holds the directories, and must
 * not take them before it serves. So {@link #open} fails when another client holds a directory,
 * unless that holder is a sibling process (same parent: the supervisor), and the first use after
 * the predecessor let go takes it (at most one attempt a second after a failed one; until then
 * reads go to workers and nothing is kept).
 *
 * <p>Thread safe; the index is guarded by this object's lock, held only for bookkeeping (never
 * across worker calls or data I/O).
 */
public final class ClientCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCache.class);
  static final String XATTR = "purefuse.cache.identity";
  private static final String PART = ".part-";

  /** Asks the worker for the file's identity now (at commit). */
  public interface Revalidator {
    CacheIdentity current() throws BackendException;
  }

  private final ClientCacheConfig config;
  /** The directories, or empty while deferred (see the class comment). Guarded by this. */
  private List<CacheDir> dirs;
  private long lastAttemptNs;
  private boolean warnedHeld;
  /** Open passthrough descriptors -> the directory whose native binding closes them. */
  private final Map<Integer, CacheDir> fdDirs = new java.util.concurrent.ConcurrentHashMap<>();
  /** Complete entries by UFS path (at most one version per path). Guarded by this. */
  private final TreeMap<String, CachedFile> byPath = new TreeMap<>();
  /** Fills in progress by key. Guarded by this. */
  private final Map<String, CacheFill> fills = new HashMap<>();
  private long tempCounter;
  private boolean closed;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong fillsStarted = new AtomicLong();
  private final AtomicLong fillsCommitted = new AtomicLong();
  private final AtomicLong fillsDropped = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong invalidations = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();

  private ClientCache(ClientCacheConfig config, List<CacheDir> dirs) {
    this.config = config;
    this.dirs = dirs;
  }

  /**
   * Opens the cache directories of an enabled configuration, restoring their entries.
   *
   * @throws BackendException a directory cannot be used (not writable, held by another client)
   */
  public static ClientCache open(ClientCacheConfig config) throws BackendException {
    if (!config.enabled()) {
      throw new IllegalArgumentException("the client cache is disabled");
    }
    try {
      openDirs(config).forEach(CacheDir::close); // usable now; taken at first use
    } catch (BackendException e) {
      if (e.code() != io.purefuse.backend.ErrorCode.BUSY || !CacheDir.heldBySibling(config)) {
        throw e;
      }
      LOG.info("{} is held by the previous server of this mount: taken over at first use once it lets go", config);
    }
    return new ClientCache(config, List.of());
  }

  private static List<CacheDir> openDirs(ClientCacheConfig config) throws BackendException {
    List<CacheDir> dirs = new ArrayList<>();
    try {
      for (int i = 0; i < config.dirs().size(); i++) {
        dirs.add(CacheDir.open(config.dirs().get(i), config.sizes().get(i)));
      }
    } catch (BackendException | RuntimeException e) {
      dirs.forEach(CacheDir::close);
      throw e;
    }
    return List.copyOf(dirs);
  }

  /**
   * Whether the directories are this process's (taking them now if deferred and free). Cheap
   * when they are: one volatile-free check under the lock the callers take anyway.
   */
  private boolean ready() {
    synchronized (this) {
      if (!dirs.isEmpty() || closed) {
        return !dirs.isEmpty();
      }
      long now = System.nanoTime();
      if (lastAttemptNs != 0 && now - lastAttemptNs < 1_000_000_000L) {
        return false;
      }
      lastAttemptNs = now;
      List<CacheDir> taken;
      try {
        taken = openDirs(config);
      } catch (BackendException e) {
        boolean sibling = CacheDir.heldBySibling(config);
        if (sibling) {
          // A sibling holds the directories only for a moment (the standby's check at its
          // start) or until it is gone (a replaced server): try again within 20 ms, not 1 s.
          // With the 1 s pause a file read while the standby started was never kept.
          lastAttemptNs = now - 1_000_000_000L + 20_000_000L;
        } else if (!warnedHeld) {
          warnedHeld = true;
          LOG.warn("not caching until it is free: {}", e.getMessage());
        }
        LOG.debug("client cache still held: {}", e.getMessage());
        return false;
      }
      // Restored before anyone can start a fill: the scan deletes every .part file it finds.
      for (CacheDir d : taken) {
        restore(d);
      }
      dirs = taken;
      LOG.info("{}: in use, {} entries restored, {} bytes", config, entries(), cachedBytes());
      return true;
    }
  }

  /** Whether the cache directories are held by this process, taking them if free (false while another holds them). */
  public boolean active() {
    return ready();
  }

  public ClientCacheConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ lookups

  /** The complete entry of exactly this version, or null; a stale entry of the path is dropped. */
  public CachedFile lookup(CacheIdentity id) {
    if (!ready()) {
      misses.incrementAndGet();
      return null;
    }
    synchronized (this) {
      CachedFile e = byPath.get(id.ufsPath());
      if (e != null && e.identity().equals(id)) {
        e.dir().lru.get(e.key()); // touch
        hits.incrementAndGet();
        return e;
      }
      if (e != null) {
        remove(e);
        invalidations.incrementAndGet();
        LOG.debug("dropped stale cache entry {} (now {})", e, id);
      }
      misses.incrementAndGet();
      return null;
    }
  }

  /**
   * A reader of the cached copy of exactly this version, or null if there is none (or it was
   * evicted before it could be opened).
   */
  public FileInStream openCached(CacheIdentity id, AlluxioPath path) {
    CachedFile e = lookup(id);
    if (e == null) {
      return null;
    }
    try {
      return new CachedFileInStream(path, FileChannel.open(e.file(), StandardOpenOption.READ), e.length(), this);
    } catch (IOException ex) {
      dropQuietly(e, ex);
      return null;
    }
  }

  /**
   * A native read-only descriptor of the cached copy of exactly this version (for FUSE
   * passthrough), or -1 if there is none. The caller closes it with {@link #closeFd}.
   */
  public int openFd(CacheIdentity id) {
    CachedFile e = lookup(id);
    if (e == null) {
      return -1;
    }
    try {
      int fd = e.dir().openFd(e.key());
      fdDirs.put(fd, e.dir());
      return fd;
    } catch (BackendException ex) {
      dropQuietly(e, ex);
      return -1;
    }
  }

  public void closeFd(int fd) {
    CacheDir d = fdDirs.remove(fd);
    if (d != null) {
      d.closeFd(fd);
    }
  }

  private void dropQuietly(CachedFile e, Exception why) {
    LOG.debug("cache entry {} unusable: {}", e, why.toString());
    synchronized (this) {
      if (byPath.get(e.identity().ufsPath()) == e) {
        remove(e);
      }
    }
  }

  // ------------------------------------------------------------------ fills

  /**
   * {@code remote} wrapped so that what it reads fills the cache, or {@code remote} itself when
   * the file cannot be kept (empty, larger than its directory, no room left beside fills in
   * progress, or already cached).
   *
   * @param revalidate asked once at commit: the fill is kept only if the file is unchanged
   */
  public FileInStream wrap(CacheIdentity id, FileInStream remote, Revalidator revalidate) {
    CacheFill f = join(id);
    return f == null ? remote : new FillingInStream(remote, f, this, revalidate);
  }

  private CacheFill join(CacheIdentity id) {
    long len = id.length();
    if (len == 0) {
      return null;
    }
    if (!ready()) {
      return null;
    }
    String key = id.key();
    synchronized (this) {
      if (closed) {
        return null;
      }
      CacheDir d = dirFor(id.ufsPath());
      CacheFill f = fills.get(key);
      if (f != null && f.state() == CacheFill.State.FILLING && !f.poisoned) {
        f.refs++;
        return f;
      }
      if (f != null || len > d.capacity()) {
        return null; // another fill of it is committing (or gave up); too big to keep
      }
      CachedFile e = byPath.get(id.ufsPath());
      if (e != null && e.identity().equals(id)) {
        return null;
      }
      if (!makeRoom(d, len)) {
        return null;
      }
      Path temp = d.files().resolve(key + PART + (++tempCounter));
      FileChannel ch;
      try {
        ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException ex) {
        LOG.warn("cannot create cache file {}: {}", temp, ex.toString());
        return null;
      }
      f = new CacheFill(id, key, d, temp, ch);
      f.refs = 1;
      d.reserved += len;
      fills.put(key, f);
      fillsStarted.incrementAndGet();
      return f;
    }
  }

  /** Evicts LRU entries of {@code d} until {@code len} more bytes fit. Lock held. */
  private boolean makeRoom(CacheDir d, long len) {
    Iterator<Map.Entry<String, CachedFile>> it = d.lru.entrySet().iterator();
    while (d.used + d.reserved + len > d.capacity() && it.hasNext()) {
      CachedFile victim = it.next().getValue();
      it.remove();
      byPath.remove(victim.identity().ufsPath(), victim);
      d.used -= victim.length();
      deleteQuietly(victim.file());
      evictions.incrementAndGet();
    }
    return d.used + d.reserved + len <= d.capacity();
  }

  /**
   * Commits a fill whose ranges cover the file: the worker is asked whether the file is unchanged,
   * the length checked, the identity stored, the temporary file renamed to its key. Any failure
   * drops the fill (the data was served to the reader all the same).
   */
  void commit(CacheFill f, Revalidator revalidate) {
    CacheIdentity id = f.identity();
    String why = null;
    try {
      CacheIdentity now = revalidate.current();
      if (!id.equals(now)) {
        why = "the file changed while it was read (" + now + ")";
      } else if (f.channel().size() != id.length()) {
        why = "the cache file has " + f.channel().size() + " bytes, the file " + id.length();
      } else {
        storeIdentity(f.temp(), id);
      }
    } catch (IOException | RuntimeException e) { // BackendException is an IOException
      why = e.toString();
    }
    synchronized (this) {
      if (why == null && f.poisoned) {
        why = "the path was written, renamed or removed through this client meanwhile";
      }
      if (why == null && !closed) {
        CacheDir d = f.dir();
        try {
          Files.move(f.temp(), d.files().resolve(f.key()), StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          why = "rename failed: " + e;
        }
        if (why == null) {
          CachedFile old = byPath.get(id.ufsPath());
          if (old != null) {
            remove(old);
          }
          CachedFile e = new CachedFile(id, f.key(), d);
          byPath.put(id.ufsPath(), e);
          d.lru.put(f.key(), e);
          d.reserved -= id.length();
          d.used += id.length();
          f.committed();
          fillsCommitted.incrementAndGet();
          LOG.debug("cached {}", e);
          return;
        }
      }
    }
    LOG.debug("not caching {}: {}", id.ufsPath(), why == null ? "cache closed" : why);
    f.abandon();
  }

  /** A stream of {@code f} closed: the last one closes the fill (deleting what was not committed). */
  void release(CacheFill f) {
    synchronized (this) {
      if (--f.refs > 0) {
        return;
      }
      fills.remove(f.key(), f);
      if (f.state() != CacheFill.State.COMMITTED) {
        f.abandon();
        f.dir().reserved -= f.identity().length();
        fillsDropped.incrementAndGet();
      }
    }
    try {
      f.channel().close();
    } catch (IOException ignored) {
      // read-only use from here on; nothing lost
    }
    if (f.state() != CacheFill.State.COMMITTED) {
      deleteQuietly(f.temp());
    }
  }

  void countRead(long n) {
    bytesRead.addAndGet(n);
  }

  // ------------------------------------------------------------------ invalidation

  /** Drops the entry of {@code ufsPath} and poisons its fills (a write, rename or removal through this client). */
  public void invalidate(String ufsPath) {
    synchronized (this) {
      CachedFile e = byPath.get(ufsPath);
      if (e != null) {
        remove(e);
        invalidations.incrementAndGet();
      }
      poisonFills(ufsPath, false);
    }
  }

  /** {@link #invalidate} for {@code ufsPath} and everything below it (a directory renamed or removed). */
  public void invalidateTree(String ufsPath) {
    synchronized (this) {
      invalidate(ufsPath);
      String prefix = ufsPath.endsWith("/") ? ufsPath : ufsPath + "/";
      List<CachedFile> below = new ArrayList<>();
      for (Map.Entry<String, CachedFile> e : byPath.tailMap(prefix, true).entrySet()) {
        if (!e.getKey().startsWith(prefix)) {
          break;
        }
        below.add(e.getValue());
      }
      for (CachedFile e : below) {
        remove(e);
        invalidations.incrementAndGet();
      }
      poisonFills(prefix, true);
    }
  }

  private void poisonFills(String path, boolean prefix) {
    for (CacheFill f : fills.values()) {
      String p = f.identity().ufsPath();
      if (prefix ? p.startsWith(path) : p.equals(path)) {
        f.poisoned = true;
        f.abandon();
      }
    }
  }

  /** Drops a complete entry and its file. Lock held. */
  private void remove(CachedFile e) {
    byPath.remove(e.identity().ufsPath(), e);
    if (e.dir().lru.remove(e.key()) != null) {
      e.dir().used -= e.length();
    }
    deleteQuietly(e.file());
  }

  // ------------------------------------------------------------------ restart

  private void restore(CacheDir d) {
    record Found(CachedFile entry, long accessed) {}
    List<Found> found = new ArrayList<>();
    int dropped = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.files())) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.equals(CacheDir.LOCK)) {
          continue;
        }
        CacheIdentity id = name.contains(PART) ? null : readIdentity(p);
        BasicFileAttributes a = null;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          id = null;
        }
        if (id == null || a == null || !a.isRegularFile() || a.size() != id.length() || !id.key().equals(name)) {
          deleteQuietly(p);
          dropped++;
          continue;
        }
        found.add(new Found(new CachedFile(id, name, d), a.lastAccessTime().toMillis()));
      }
    } catch (IOException e) {
      LOG.warn("cannot list client cache directory {}: {}", d, e.toString());
    }
    found.sort(Comparator.comparingLong(Found::accessed));
    synchronized (this) {
      for (Found f : found) {
        CachedFile e = f.entry();
        CachedFile other = byPath.get(e.identity().ufsPath());
        if (other != null) {
          remove(other); // two versions of one path: keep the one used last
        }
        byPath.put(e.identity().ufsPath(), e);
        d.lru.put(e.key(), e);
        d.used += e.length();
      }
      makeRoom(d, 0); // the bound may have shrunk since
    }
    if (dropped > 0) {
      LOG.info("client cache {}: deleted {} incomplete or unreadable files", d, dropped);
    }
  }

  private static CacheIdentity readIdentity(Path p) {
    try {
      UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
      if (v == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate(v.size(XATTR));
      v.read(XATTR, b);
      return CacheIdentity.parse(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void storeIdentity(Path p, CacheIdentity id) {
    try {
      UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
      if (v != null) {
        v.write(XATTR, ByteBuffer.wrap(id.serialize().getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IOException | RuntimeException e) {
      // No user xattrs here: the entry works until restart, then it is deleted.
      LOG.debug("no identity xattr on {}: {}", p, e.toString());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (NoSuchFileException ignored) {
      // gone already
    } catch (IOException e) {
      LOG.warn("cannot delete cache file {}: {}", p, e.toString());
    }
  }

  /** Lock held, directories open. */
  private CacheDir dirFor(String ufsPath) {
    return dirs.get(Math.floorMod(ufsPath.hashCode(), dirs.size()));
  }

  // ------------------------------------------------------------------ stats

  /** Complete entries now. */
  public synchronized int entries() {
    return byPath.size();
  }

  /** Bytes of complete entries now. */
  public synchronized long cachedBytes() {
    long n = 0;
    for (CacheDir d : dirs) {
      n += d.used;
    }
    return n;
  }

  /** Counters now. */
  public Stats stats() {
    synchronized (this) {
      return new Stats(hits.get(), misses.get(), fillsStarted.get(), fillsCommitted.get(), fillsDropped.get(),
          evictions.get(), invalidations.get(), bytesRead.get(), byPath.size(), cachedBytes(), fills.size());
    }
  }

  /**
   * Counters of the cache.
   *
   * @param hits lookups that found the version asked for
   * @param misses lookups that did not
   * @param fillsStarted fills begun (one per file version, however many readers share it)
   * @param fillsCommitted fills kept as complete entries
   * @param fillsDropped fills deleted (read in part, changed while read, invalidated, write error)
   * @param evictions entries dropped to stay within a directory's bound
   * @param invalidations entries dropped because their file changed or was written, renamed or removed
   * @param bytesRead bytes served from complete entries by purefuse itself (passthrough reads are the kernel's)
   * @param entries complete entries now
   * @param cachedBytes their bytes
   * @param fillsInProgress fills open now
   */
  public record Stats(long hits, long misses, long fillsStarted, long fillsCommitted, long fillsDropped,
      long evictions, long invalidations, long bytesRead, int entries, long cachedBytes, int fillsInProgress) {}

  /** Closes the directories (entries stay on disk for the next start; open fills are deleted as they close). */
  @Override
  public void close() {
    List<CacheDir> ds;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (CacheFill f : fills.values()) {
        f.abandon();
      }
      ds = dirs;
    }
    for (CacheDir d : ds) {
      d.close();
    }
  }

  @Override
  public String toString() {
    return config.toString();
  }
}
