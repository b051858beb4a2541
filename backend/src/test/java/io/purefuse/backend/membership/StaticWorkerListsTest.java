package io.purefuse.backend.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticWorkerListsTest {
  @TempDir Path dir;

  @Test
  void parsesHostPortList() {
    List<WorkerAddress> a = StaticWorkerLists.parseHostPorts(" w1:29999, 10.0.0.2:30001 ,[::1]:40000,[fe80::2],w5", 29998);
    assertThat(a).containsExactly(
        WorkerAddress.rpc("w1", 29999), WorkerAddress.rpc("10.0.0.2", 30001), WorkerAddress.rpc("::1", 40000),
        WorkerAddress.rpc("fe80::2", 29998), WorkerAddress.rpc("w5", 29998));
  }

  @Test
  void hostPortListErrorsSayWhat() {
    bad("", "no workers");
    bad("w1,,w2", "empty entry");
    bad("w1:", "port '' is not a number");
    bad("w1:x", "not a number");
    bad("w1:0", "not in 1..65535");
    bad("w1:70000", "not in 1..65535");
    bad("::1:29999", "in brackets");
    bad("[::1:29999", "no closing ']'");
    bad("[::1]29999", "must be [ipv6]:port");
    bad(":29999", "has no host");
    bad("w 1:29999", "not a host name");
    bad("w1:1,w1:2", "listed twice");
  }

  @Test
  void readsAlluxioWorkerFile() throws IOException {
    Path f = dir.resolve("workers");
    Files.writeString(f, "# An Alluxio Worker will be started on each of the machines listed below.\n"
        + "# localhost\n\n  worker-a.example.com  \nworker-b # rack 2\n10.1.2.3\n::1\n[fe80::1]\nworker-a.example.com\n");
    assertThat(StaticWorkerLists.readWorkerFile(f, 29999, 30000)).containsExactly(
        new WorkerAddress("worker-a.example.com", 29999, 0, 0, 30000),
        new WorkerAddress("worker-b", 29999, 0, 0, 30000),
        new WorkerAddress("10.1.2.3", 29999, 0, 0, 30000),
        new WorkerAddress("::1", 29999, 0, 0, 30000),
        new WorkerAddress("fe80::1", 29999, 0, 0, 30000));
  }

  @Test
  void workerFileErrorsSayWhat() throws IOException {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> StaticWorkerLists.readWorkerFile(missing, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file").hasMessageContaining("nope");
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "# nothing\n\n");
    assertThatThrownBy(() -> StaticWorkerLists.readWorkerFile(empty, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lists no worker host");
    Path twoPerLine = dir.resolve("two");
    Files.writeString(twoPerLine, "w1\nw2 w3\n");
    assertThatThrownBy(() -> StaticWorkerLists.readWorkerFile(twoPerLine, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("not a host name");
    Path withPort = dir.resolve("port");
    Files.writeString(withPort, "w1:29999\n");
    assertThatThrownBy(() -> StaticWorkerLists.readWorkerFile(withPort, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host names only");
  }

  private static void bad(String list, String reason) {
    assertThatThrownBy(() -> StaticWorkerLists.parseHostPorts(list, 29999))
        .as(list).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("purefuse.workers").hasMessageContaining(reason);
  }
}
