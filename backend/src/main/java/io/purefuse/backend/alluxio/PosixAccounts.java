package io.purefuse.backend.alluxio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between the user and group names Alluxio stores and the numeric ids the kernel
 * speaks, from this host's {@code /etc/passwd} and {@code /etc/group} (as Alluxio's FUSE does
 * with the local account database). Files are read once per {@link #RELOAD_NS}; ids without a
 * name map to their decimal string and back, other unknown names to {@link #UNKNOWN}.
 */
final class PosixAccounts {
  static final long UNKNOWN = -1;
  private static final long RELOAD_NS = 60_000_000_000L;

  private final Path passwd;
  private final Path group;
  private volatile Tables tables;

  private record Tables(long loadedNs, Map<String, Long> uids, Map<Long, String> users,
      Map<String, Long> gids, Map<Long, String> groups) {}

  PosixAccounts() {
    this(Paths.get("/etc/passwd"), Paths.get("/etc/group"));
  }

  PosixAccounts(Path passwd, Path group) {
    this.passwd = passwd;
    this.group = group;
  }

  long uid(String user) {
    if (user == null || user.isEmpty()) {
      return UNKNOWN;
    }
    Long id = tables().uids.get(user);
    return id != null ? id : numeric(user);
  }

  long gid(String groupName) {
    if (groupName == null || groupName.isEmpty()) {
      return UNKNOWN;
    }
    Long id = tables().gids.get(groupName);
    return id != null ? id : numeric(groupName);
  }

  /**
   * An id without a name travels as its decimal string ({@link #userName}, and a worker's
   * under-store reports it so too): read it back as that id, as chown(1) does.
   */
  static long numeric(String name) {
    if (name.length() > 10) {
      return UNKNOWN;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return UNKNOWN;
      }
    }
    long v = Long.parseLong(name);
    return v <= 0xFFFF_FFFEL ? v : UNKNOWN;
  }

  String userName(long uid) {
    String n = tables().users.get(uid);
    return n != null ? n : Long.toString(uid);
  }

  String groupName(long gid) {
    String n = tables().groups.get(gid);
    return n != null ? n : Long.toString(gid);
  }

  private Tables tables() {
    Tables t = tables;
    long now = System.nanoTime();
    if (t == null || now - t.loadedNs > RELOAD_NS) {
      Map<String, Long> uids = new HashMap<>();
      Map<Long, String> users = new HashMap<>();
      Map<String, Long> gids = new HashMap<>();
      Map<Long, String> groups = new HashMap<>();
      read(passwd, uids, users);
      read(group, gids, groups);
      t = new Tables(now, uids, users, gids, groups);
      tables = t;
    }
    return t;
  }

  /** {@code name:x:id:...} lines; the first entry of a name or id wins, as getpwnam does. */
  private static void read(Path file, Map<String, Long> byName, Map<Long, String> byId) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return;
    }
    for (String line : lines) {
      String[] f = line.split(":", 4);
      if (f.length < 3 || f[0].isEmpty() || f[0].startsWith("#")) {
        continue;
      }
      try {
        long id = Long.parseLong(f[2]);
        byName.putIfAbsent(f[0], id);
        byId.putIfAbsent(id, f[0]);
      } catch (NumberFormatException e) {
        // not an account line
      }
    }
  }
}
