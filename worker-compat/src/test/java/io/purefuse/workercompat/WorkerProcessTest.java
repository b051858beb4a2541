package io.purefuse.workercompat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerProcessTest {
  @TempDir Path tmp;

  @Test
  void anUnbuiltWorkerIsAClearError() {
    assertThatThrownBy(() -> WorkerProcess.classpath(tmp.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the worker is not packaged")
        .hasMessageContaining("mvn -pl worker-compat -am verify");
  }
}
