package io.purefuse.worker.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages as files in {@code <cache dir>/pages}, one file per cached page under a name never reused
 * in one run, so a page being dropped never collides with its reload. The directory is emptied at
 * start: pages do not survive a restart (their versions cannot be trusted across one).
 */
final class DiskPageStore implements PageStore {
  private static final Logger LOG = LoggerFactory.getLogger(DiskPageStore.class);

  private final Path dir;
  private final AtomicLong seq = new AtomicLong();

  DiskPageStore(Path cacheDir) throws IOException {
    this.dir = cacheDir.resolve("pages");
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      old.forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public CachedPage store(FileEntry owner, long index, byte[] data, int len) throws IOException {
    Path file = dir.resolve(Long.toString(seq.incrementAndGet()));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data, 0, len);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return new CachedPage(owner, index, len) {
      @Override
      ByteString slice(int off, int n) throws IOException {
        byte[] out = new byte[n];
        ByteBuffer b = ByteBuffer.wrap(out);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          long pos = off;
          while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) {
              throw new IOException("cached page " + file + " is shorter than expected");
            }
            pos += r;
          }
        }
        return UnsafeByteOperations.unsafeWrap(out);
      }

      @Override
      void discard() {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warn("could not delete cached page {}: {}", file, e.toString());
        }
      }
    };
  }

  @Override
  public String describe() {
    return "disk:" + dir;
  }

  @Override
  public void close() {}
}
