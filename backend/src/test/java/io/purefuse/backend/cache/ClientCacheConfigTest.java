package io.purefuse.backend.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of {@code alluxio.user.client.cache.*}, and the range bookkeeping of fills. */
class ClientCacheConfigTest {
  @Test
  void offByDefaultWithAlluxiosDefaults() throws Exception {
    ClientCacheConfig c = ClientCacheConfig.fromProperties(Map.of());
    assertThat(c.enabled()).isFalse();
    assertThat(c.dirs()).containsExactly(Path.of("/tmp/alluxio_cache"));
    assertThat(c.sizes()).containsExactly(512L << 20);
    assertThat(c.pageSize()).isEqualTo(1L << 20);
  }

  @Test
  void readsAlluxiosNamesAndSizeSyntax() throws Exception {
    ClientCacheConfig c = ClientCacheConfig.fromProperties(Map.of(
        ClientCacheConfig.ENABLED, "TRUE",
        ClientCacheConfig.DIRS, "/a, /b",
        ClientCacheConfig.SIZE, "1GB,256MiB",
        ClientCacheConfig.PAGE_SIZE, "64KB",
        ClientCacheConfig.STORE_TYPE, "LOCAL",
        ClientCacheConfig.EVICTOR_CLASS, "alluxio.client.file.cache.evictor.LRUCacheEvictor"));
    assertThat(c.enabled()).isTrue();
    assertThat(c.dirs()).containsExactly(Path.of("/a"), Path.of("/b"));
    assertThat(c.sizes()).containsExactly(1L << 30, 256L << 20);
    assertThat(c.pageSize()).isEqualTo(64L << 10);
    // One size applies to every directory; the 2.x name of the directories is read too.
    ClientCacheConfig one = ClientCacheConfig.fromProperties(Map.of(
        ClientCacheConfig.DIR, "/x,/y", ClientCacheConfig.SIZE, "2g"));
    assertThat(one.sizes()).containsExactly(2L << 30, 2L << 30);
  }

  @Test
  void badValuesAreClearErrors() {
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.ENABLED, "yes")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(ClientCacheConfig.ENABLED);
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.SIZE, "12 parsecs")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(ClientCacheConfig.SIZE);
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(
        ClientCacheConfig.DIRS, "/a,/b,/c", ClientCacheConfig.SIZE, "1GB,2GB")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("2 sizes for 3 directories");
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.DIRS, "relative/dir")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.STORE_TYPE, "ROCKS")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("LOCAL");
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.EVICTOR_TYPE, "LFU")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("only LRU");
    assertThatThrownBy(() -> ClientCacheConfig.fromProperties(Map.of(ClientCacheConfig.SIZE, "0")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> ClientCacheConfig.of(List.of(Path.of("/a"), Path.of("/a/")), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void identitiesDifferInEveryFieldAndSurviveTheirTextForm() {
    CacheIdentity a = new CacheIdentity("/u/f", 10, 1000, 7, "fp", "h");
    assertThat(CacheIdentity.parse(a.serialize())).isEqualTo(a);
    assertThat(a.key()).hasSize(64).isEqualTo(CacheIdentity.parse(a.serialize()).key());
    for (CacheIdentity b : List.of(new CacheIdentity("/u/g", 10, 1000, 7, "fp", "h"),
        new CacheIdentity("/u/f", 11, 1000, 7, "fp", "h"), new CacheIdentity("/u/f", 10, 1001, 7, "fp", "h"),
        new CacheIdentity("/u/f", 10, 1000, 8, "fp", "h"), new CacheIdentity("/u/f", 10, 1000, 7, "fq", "h"),
        new CacheIdentity("/u/f", 10, 1000, 7, "fp", "i"))) {
      assertThat(b.key()).isNotEqualTo(a.key());
    }
    // A path with a newline stays one path.
    CacheIdentity odd = new CacheIdentity("/u/a\nb", 1, 2, 3, "", "");
    assertThat(CacheIdentity.parse(odd.serialize())).isEqualTo(odd);
  }

  @Test
  void coveredRangesMergeInAnyOrder() {
    CoveredRanges r = new CoveredRanges();
    r.add(0, 10);
    r.add(20, 30);
    assertThat(r.covers(0, 10)).isTrue();
    assertThat(r.covers(5, 25)).isFalse();
    assertThat(r.coversAll(30)).isFalse();
    r.add(10, 20); // adjacent on both sides: one interval
    assertThat(r.intervals()).isEqualTo(1);
    assertThat(r.coversAll(30)).isTrue();
    for (int i = 100; i > 40; i -= 2) { // descending, with gaps: grows past the initial capacity
      r.add(i, i + 1);
    }
    assertThat(r.intervals()).isEqualTo(31);
    for (int i = 41; i < 100; i += 2) {
      r.add(i, i + 1);
    }
    r.add(30, 41);
    assertThat(r.intervals()).isEqualTo(1);
    assertThat(r.coversAll(101)).isTrue();
    assertThat(r.coversAll(102)).isFalse();
    r.add(50, 60); // inside: no change
    assertThat(r.toString()).isEqualTo("[0,101)");
  }
}
