package io.purefuse.backend.local;

import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * An open {@link FileChannel} that survives thread interrupts.
 *
 * <p>A {@code FileChannel} is closed for every user when one thread blocked in it is interrupted
 * (and FUSE reader threads are shared by all open files). The holder reopens the same file (the
 * same dev/ino at the same path; never a different file that took its name) so that only the
 * interrupted call fails, with {@link ErrorCode#INTERRUPTED}, and other threads retry once.
 */
final class ChannelHolder {
  /** Opens the file again; null if the name no longer refers to the same file. */
  @FunctionalInterface
  interface Reopener {
    FileChannel reopen() throws IOException;
  }

  private final String nsPath;
  private final Reopener reopener;
  private volatile FileChannel channel;
  private volatile boolean closed;

  ChannelHolder(FileChannel channel, String nsPath, Reopener reopener) {
    this.channel = channel;
    this.nsPath = nsPath;
    this.reopener = reopener;
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
      FileChannel n = reopener.reopen();
      if (n == null) {
        return false;
      }
      channel = n;
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }
}
