package io.purefuse.backend.alluxio;

/** Progress of {@link AlluxioWorkerBackend#load}, called after each loaded piece of the file. */
@FunctionalInterface
public interface LoadProgress {
  /** {@code done} of {@code total} bytes are now cached (or were already). */
  void progress(long done, long total);

  /** Reports nothing. */
  LoadProgress NONE = (done, total) -> {};
}
