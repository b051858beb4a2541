package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.InvalidArgumentException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlluxioClientConfigTest {
  private static AlluxioClientConfig of(Map<String, String> m) throws Exception {
    return AlluxioClientConfig.fromProperties(m);
  }

  @Test
  void fullUfsPathsNeverHaveADoubleSlash() throws Exception {
    AlluxioPath ab = AlluxioPath.of("/a/b");
    for (String root : new String[] {"/data/ufs", "/data/ufs/", "/data/ufs//"}) {
      AlluxioClientConfig c = of(Map.of(AlluxioClientConfig.UFS_ROOT, root));
      assertThat(c.ufsPath(ab)).isEqualTo("/data/ufs/a/b");
      assertThat(c.ufsPath(AlluxioPath.root())).isEqualTo("/data/ufs");
      assertThat(c.ufsDirectory(AlluxioPath.root())).isEqualTo("/data/ufs/");
      assertThat(c.ufsDirectory(ab)).isEqualTo("/data/ufs/a/b/");
    }
    AlluxioClientConfig s3 = of(Map.of(AlluxioClientConfig.UFS_ROOT, "s3://bucket/x/"));
    assertThat(s3.ufsPath(ab)).isEqualTo("s3://bucket/x/a/b");
    assertThat(s3.ufsDirectory(AlluxioPath.root())).isEqualTo("s3://bucket/x/");
    AlluxioClientConfig bucket = of(Map.of(AlluxioClientConfig.UFS_ROOT, "s3://bucket/"));
    assertThat(bucket.ufsPath(ab)).isEqualTo("s3://bucket/a/b");
    AlluxioClientConfig slash = of(Map.of(AlluxioClientConfig.UFS_ROOT, "/"));
    assertThat(slash.ufsPath(ab)).isEqualTo("/a/b");
    assertThat(slash.ufsDirectory(AlluxioPath.root())).isEqualTo("/");
    AlluxioClientConfig file = of(Map.of(AlluxioClientConfig.UFS_ROOT, "file:///data/"));
    assertThat(file.ufsPath(ab)).isEqualTo("file:///data/a/b");
  }

  @Test
  void readsAlluxioPropertyNamesWithDefaults() throws Exception {
    AlluxioClientConfig d = of(Map.of(AlluxioClientConfig.UFS_ROOT, "/u"));
    assertThat(d.authType()).isEqualTo(AlluxioClientConfig.AuthType.SIMPLE);
    assertThat(d.user()).isEqualTo(System.getProperty("user.name"));
    assertThat(d.rpcTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.writeToUfs()).isTrue();
    assertThat(d.noCache()).isFalse();
    assertThat(d.prefetchInitial()).isEqualTo(1 << 20);
    assertThat(d.prefetchMax()).isEqualTo(64 << 20);

    AlluxioClientConfig c = of(Map.of(
        AlluxioClientConfig.UFS_ROOT, "/u",
        AlluxioClientConfig.AUTH_TYPE, "nosasl",
        AlluxioClientConfig.LOGIN_USER, "bob",
        AlluxioClientConfig.RPC_TIMEOUT, "1500ms",
        AlluxioClientConfig.READ_TIMEOUT, "2min",
        AlluxioClientConfig.WRITE_TO_UFS, "false",
        AlluxioClientConfig.READ_TYPE, "NO_CACHE",
        AlluxioClientConfig.PREFETCH_INITIAL, "512KB",
        AlluxioClientConfig.PREFETCH_MAX, "32MiB",
        AlluxioClientConfig.FAILOVER_WORKERS, "2"));
    assertThat(c.authType()).isEqualTo(AlluxioClientConfig.AuthType.NOSASL);
    assertThat(c.user()).isEqualTo("bob");
    assertThat(c.rpcTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.writeToUfs()).isFalse();
    assertThat(c.noCache()).isTrue();
    assertThat(c.prefetchInitial()).isEqualTo(512 << 10);
    assertThat(c.prefetchMax()).isEqualTo(32 << 20);
    assertThat(c.failoverWorkers()).isEqualTo(2);
  }

  @Test
  void badValuesAreClearErrors() {
    assertThatThrownBy(() -> of(Map.of())).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(AlluxioClientConfig.UFS_ROOT);
    assertThatThrownBy(() -> of(Map.of(AlluxioClientConfig.UFS_ROOT, "relative")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> of(Map.of(AlluxioClientConfig.UFS_ROOT, "/u", AlluxioClientConfig.AUTH_TYPE, "KERBEROS")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("KERBEROS");
    assertThatThrownBy(() -> of(Map.of(AlluxioClientConfig.UFS_ROOT, "/u", AlluxioClientConfig.RPC_TIMEOUT, "soon")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(AlluxioClientConfig.RPC_TIMEOUT);
    assertThatThrownBy(() -> of(Map.of(AlluxioClientConfig.UFS_ROOT, "/u", AlluxioClientConfig.PREFETCH_MAX, "1KB")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> of(Map.of(AlluxioClientConfig.UFS_ROOT, "/u", AlluxioClientConfig.WRITE_TO_UFS, "yes")))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
