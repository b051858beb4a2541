package io.purefuse.backend.local;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * An open {@link FileChannel} that survives thread interrupts.
 *
 * <p>A {@code FileChannel} is closed for every user when one thread blocked in it is interrupted
 * (and FUSE reader threads are shared by all open files). The holder reopens the same file (the
 * same dev/ino at the same path; never a different file that took its name) so that only the
 * interrupted call fails, with {@link ErrorCode#INTERRUPTED}, and other threads retry once.
 */
final class ChannelHolder {
  private final Path path;
  private final String nsPath;
  private final Set<? extends OpenOption> reopenOptions;
  private final LocalUnderFileSystem.FileKey key;
  private volatile FileChannel channel;
  private volatile boolean closed;

  ChannelHolder(FileChannel channel, Path path, String nsPath, Set<? extends OpenOption> reopenOptions,
      LocalUnderFileSystem.FileKey key) {
    this.channel = channel;
    this.path = path;
    this.nsPath = nsPath;
    this.reopenOptions = reopenOptions;
    this.key = key;
  }

  FileChannel channel() throws BackendException {
    FileChannel c = channel;
    if (closed) {
      throw new BackendException(ErrorCode.IO_ERROR, nsPath, "stream is closed");
    }
    return c;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Called after {@code failed} reported it was closed under us. Reopens the file if it is still
   * the same one and the holder has not been closed.
   *
   * @return true if a usable channel is now in place
   */
  synchronized boolean reopen(FileChannel failed) {
    if (closed) {
      return false;
    }
    if (channel != failed && channel.isOpen()) {
      return true;
    }
    try {
      FileChannel n = FileChannel.open(path, reopenOptions);
      Map<String, Object> a = java.nio.file.Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
      if (key != null && !key.equals(new LocalUnderFileSystem.FileKey((Long) a.get("dev"), (Long) a.get("ino")))) {
        n.close();
        return false;
      }
      channel = n;
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  static Set<OpenOption> withoutCreate(Set<OpenOption> options) {
    Set<OpenOption> s = new java.util.HashSet<>(options);
    s.remove(StandardOpenOption.CREATE);
    s.remove(StandardOpenOption.CREATE_NEW);
    s.remove(StandardOpenOption.TRUNCATE_EXISTING);
    return s;
  }
}
