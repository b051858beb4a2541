package io.purefuse.backend.alluxio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names and ids both ways, including ids that have no account (they travel as numbers). */
class PosixAccountsTest {
  @TempDir Path tmp;

  @Test
  void namesAndIdsRoundTripAlsoWithoutAnAccount() throws Exception {
    Path passwd = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    Path group = Files.writeString(tmp.resolve("group"), "root:x:0:\nstaff:x:50:alice\n");
    PosixAccounts a = new PosixAccounts(passwd, group);
    assertThat(a.uid("alice")).isEqualTo(1000);
    assertThat(a.userName(1000)).isEqualTo("alice");
    assertThat(a.gid("staff")).isEqualTo(50);
    // an id without an account goes out as its number and comes back as that id
    assertThat(a.userName(4321)).isEqualTo("4321");
    assertThat(a.uid(a.userName(4321))).isEqualTo(4321);
    assertThat(a.groupName(4322)).isEqualTo("4322");
    assertThat(a.gid(a.groupName(4322))).isEqualTo(4322);
    // other unknown names stay unknown
    assertThat(a.uid("nobody-here")).isEqualTo(PosixAccounts.UNKNOWN);
    assertThat(a.uid("12x")).isEqualTo(PosixAccounts.UNKNOWN);
    assertThat(a.uid("99999999999")).isEqualTo(PosixAccounts.UNKNOWN);
    assertThat(a.gid("")).isEqualTo(PosixAccounts.UNKNOWN);
  }
}
