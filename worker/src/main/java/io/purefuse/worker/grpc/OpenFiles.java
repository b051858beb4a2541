package io.purefuse.worker.grpc;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileOutStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files created with CreateFile and not yet completed: each has a uuid (returned to the client,
 * sent back with CompleteFile) and the under-store stream the WriteBlock data goes to. One open
 * file per path: creating a path again completes the previous writer first. Thread safe.
 */
final class OpenFiles {
  private static final Logger LOG = LoggerFactory.getLogger(OpenFiles.class);

  /** One open file; its stream is used by one WriteBlock stream at a time (callers lock it). */
  static final class Handle {
    final String uuid;
    final AlluxioPath path;
    final FileOutStream out;

    Handle(String uuid, AlluxioPath path, FileOutStream out) {
      this.uuid = uuid;
      this.path = path;
      this.out = out;
    }
  }

  private final Map<String, Handle> byUuid = new ConcurrentHashMap<>();
  private final Map<AlluxioPath, Handle> byPath = new ConcurrentHashMap<>();

  Handle open(AlluxioPath path, FileOutStream out) {
    Handle h = new Handle(UUID.randomUUID().toString(), path, out);
    Handle old = byPath.put(path, h);
    byUuid.put(h.uuid, h);
    if (old != null) {
      byUuid.remove(old.uuid);
      closeQuietly(old);
    }
    return h;
  }

  Handle byPath(AlluxioPath path) {
    return byPath.get(path);
  }

  Handle byUuid(String uuid) {
    return byUuid.get(uuid);
  }

  /** Forgets {@code h} (if still registered); the caller completes or cancels its stream. */
  boolean remove(Handle h) {
    boolean removed = byUuid.remove(h.uuid, h);
    byPath.remove(h.path, h);
    return removed;
  }

  /** Forgets and completes every open file at or below {@code path} (it is being removed). */
  void dropTree(AlluxioPath path) {
    for (Handle h : new ArrayList<>(byPath.values())) {
      if (path.isSameOrAncestorOf(h.path) && remove(h)) {
        closeQuietly(h);
      }
    }
  }

  /** Completes every open file (shutdown). */
  void closeAll() {
    List<Handle> all = new ArrayList<>(byUuid.values());
    for (Handle h : all) {
      if (remove(h)) {
        closeQuietly(h);
      }
    }
  }

  int size() {
    return byUuid.size();
  }

  private static void closeQuietly(Handle h) {
    synchronized (h) {
      try {
        h.out.close();
      } catch (BackendException e) {
        LOG.warn("closing the abandoned writer of {}: {}", h.path, e.getMessage());
      }
    }
  }
}
