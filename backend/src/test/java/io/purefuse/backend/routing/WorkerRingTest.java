package io.purefuse.backend.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Checks the ring against vectors computed independently with Guava's murmur3_32_fixed. */
class WorkerRingTest {
  @Test
  void murmurMatchesGuavaOnEveryLength() {
    Random r = new Random(42);
    for (int len = 0; len < 200; len++) {
      byte[] b = new byte[len];
      r.nextBytes(b);
      assertThat(Murmur3.hash32(b, len)).as("len %d", len).isEqualTo(Hashing.murmur3_32_fixed().hashBytes(b).asInt());
    }
  }

  @Test
  void keyAndNodeHashesMatchGuavaHasher() {
    WorkerIdentity id = WorkerIdentity.of(UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    for (int i = 0; i < 5; i++) {
      int guava = Hashing.murmur3_32_fixed().newHasher().putBytes(id.bytes()).putInt(1).putInt(i).hash().asInt();
      assertThat(WorkerRing.nodeHash(id, i)).isEqualTo(guava);
    }
    String path = "/data/ufs/d/\u00e9t\u00e9/a.bin";
    int guava = Hashing.murmur3_32_fixed().newHasher().putString(path, StandardCharsets.UTF_8).putInt(1).hash().asInt();
    assertThat(WorkerRing.keyHash(path, 1)).isEqualTo(guava);
  }

  @Test
  void ownerIsTheCeilingNodeOfAnIndependentlyBuiltRing() {
    List<WorkerInfo> workers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String host = "127.0.0." + i;
      workers.add(new WorkerInfo(WorkerIdentity.fromHostName(host), WorkerAddress.rpc(host, 29999)));
    }
    TreeMap<Integer, WorkerInfo> ring = new TreeMap<>();
    for (WorkerInfo w : workers) {
      for (int i = 0; i < 5; i++) {
        ring.put(Hashing.murmur3_32_fixed().newHasher().putBytes(w.identity().bytes()).putInt(1).putInt(i).hash().asInt(), w);
      }
    }
    WorkerRing mine = WorkerRing.of(workers);
    int[] perWorker = new int[3];
    for (int f = 0; f < 3000; f++) {
      String path = "/data/ufs/file-" + f;
      int h = Hashing.murmur3_32_fixed().newHasher().putString(path, StandardCharsets.UTF_8).putInt(1).hash().asInt();
      Map.Entry<Integer, WorkerInfo> e = ring.ceilingEntry(h);
      WorkerInfo expected = e != null ? e.getValue() : ring.firstEntry().getValue();
      assertThat(mine.owner(path)).isEqualTo(expected);
      perWorker[workers.indexOf(expected)]++;
    }
    // Every worker owns part of the namespace.
    assertThat(perWorker).doesNotContain(0);
  }

  @Test
  void candidatesAreDistinctAndStartWithTheOwner() {
    List<WorkerInfo> workers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      workers.add(new WorkerInfo(WorkerIdentity.random(), WorkerAddress.rpc("127.0.0." + i, 29999)));
    }
    WorkerRing ring = WorkerRing.of(workers);
    for (int f = 0; f < 200; f++) {
      String p = "/u/f" + f;
      List<WorkerInfo> c = ring.candidates(p, 3);
      assertThat(c).hasSize(3).doesNotHaveDuplicates();
      assertThat(c.get(0)).isEqualTo(ring.owner(p));
    }
    assertThat(WorkerRing.of(List.of()).owner("/x")).isNull();
  }

  @Test
  void identityBytesAreTheUuidLongsBigEndian() {
    WorkerIdentity id = WorkerIdentity.of(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
    assertThat(id.hexIdentifier()).isEqualTo("00112233445566778899aabbccddeeff");
    assertThat(WorkerIdentity.parse(id.hexIdentifier())).isEqualTo(id);
    // Static workers: the name-based (MD5) UUID of the host name.
    assertThat(WorkerIdentity.fromHostName("worker1").uuid())
        .isEqualTo(UUID.nameUUIDFromBytes("worker1".getBytes(StandardCharsets.UTF_8)));
  }
}
