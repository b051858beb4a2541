package io.purefuse.worker.identity;

import io.purefuse.backend.membership.WorkerIdentity;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The worker's ring identity, kept as a UUID in {@code <cache dir>/worker_identity}: created at
 * the first start, read at every later one, so a restarted worker keeps its place on the ring.
 * The cache directory is locked ({@code <cache dir>/worker.lock}) for the life of the worker, so
 * two workers can never share one directory (hence one identity).
 */
public final class IdentityStore implements AutoCloseable {
  /** File name of the identity inside the cache directory. */
  public static final String FILE = "worker_identity";

  private final FileChannel lockChannel;
  private final FileLock lock;
  private final WorkerIdentity identity;

  private IdentityStore(FileChannel lockChannel, FileLock lock, WorkerIdentity identity) {
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.identity = identity;
  }

  /**
   * Locks {@code dir} and loads (or creates) its identity.
   *
   * @throws IOException the directory is in use by another worker, or the identity file is
   *     unreadable or malformed
   */
  public static IdentityStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve("worker.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("cache directory " + dir + " is in use by another worker: give each worker its own --cache-dir");
    }
    try {
      return new IdentityStore(ch, lock, loadOrCreate(dir.resolve(FILE)));
    } catch (IOException | RuntimeException e) {
      lock.release();
      ch.close();
      throw e;
    }
  }

  private static WorkerIdentity loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String s = Files.readString(file, StandardCharsets.UTF_8).trim();
      try {
        return WorkerIdentity.of(UUID.fromString(s));
      } catch (IllegalArgumentException e) {
        throw new IOException("worker identity file " + file + " does not hold a UUID: '" + s
            + "' (delete it to get a new identity and ring place)");
      }
    }
    WorkerIdentity id = WorkerIdentity.random();
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.writeString(tmp, id.uuid() + "\n", StandardCharsets.UTF_8);
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return id;
  }

  public WorkerIdentity identity() {
    return identity;
  }

  /** Releases the directory lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
