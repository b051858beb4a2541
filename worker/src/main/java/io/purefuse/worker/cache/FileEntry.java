package io.purefuse.worker.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The cached pages of one version of one file: which pages, how many bytes. */
final class FileEntry {
  final String file;
  final FileVersion version;
  final Set<Long> pages = ConcurrentHashMap.newKeySet();
  final AtomicLong bytes = new AtomicLong();

  FileEntry(String file, FileVersion version) {
    this.file = file;
    this.version = version;
  }

  void added(long index, int length) {
    if (pages.add(index)) {
      bytes.addAndGet(length);
    }
  }

  void removed(long index, int length) {
    if (pages.remove(index)) {
      bytes.addAndGet(-length);
    }
  }
}
