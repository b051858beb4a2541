package io.purefuse.backend.membership;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the two static worker-list forms: purefuse's {@code host:port,host:port} and Alluxio's
 * worker-list file (one host per line, {@code #} starts a comment, the port comes from the
 * configuration). Static workers' identities are the name-based UUIDs of their host names
 * ({@link WorkerIdentity#fromHostName}), so a host may appear only once.
 */
public final class StaticWorkerLists {
  private StaticWorkerLists() {}

  /**
   * Parses {@code host:port,host:port}; IPv6 hosts go in brackets ({@code [::1]:29999}). A host
   * without a port gets {@code defaultRpcPort}.
   *
   * @throws IllegalArgumentException for an empty list, an empty entry, a bad port, an
   *     unbracketed IPv6 address, or a host listed twice
   */
  public static List<WorkerAddress> parseHostPorts(String value, int defaultRpcPort) {
    String what = MembershipProperties.PUREFUSE_WORKERS;
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + ": no workers given");
    }
    List<WorkerAddress> out = new ArrayList<>();
    Set<String> hosts = new HashSet<>();
    for (String raw : value.split(",", -1)) {
      String e = raw.trim();
      if (e.isEmpty()) {
        throw new IllegalArgumentException(what + ": empty entry in '" + value + "'");
      }
      String host;
      int port;
      if (e.startsWith("[")) {
        int close = e.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException(what + ": '" + e + "' has no closing ']'");
        }
        host = e.substring(1, close);
        String rest = e.substring(close + 1);
        if (rest.isEmpty()) {
          port = defaultRpcPort;
        } else if (rest.startsWith(":")) {
          port = MembershipProperties.parsePort(what + " '" + e + "'", rest.substring(1));
        } else {
          throw new IllegalArgumentException(what + ": '" + e + "' must be [ipv6]:port");
        }
      } else {
        int colon = e.indexOf(':');
        if (colon >= 0 && e.indexOf(':', colon + 1) >= 0) {
          throw new IllegalArgumentException(what + ": '" + e
              + "' looks like an IPv6 address; write it in brackets, e.g. [::1]:29999");
        }
        host = colon < 0 ? e : e.substring(0, colon);
        port = colon < 0 ? defaultRpcPort : MembershipProperties.parsePort(what + " '" + e + "'", e.substring(colon + 1));
      }
      checkHost(what, e, host);
      if (!hosts.add(host)) {
        throw new IllegalArgumentException(what + ": host " + host
            + " is listed twice (a static worker's identity is its host name; use distinct names)");
      }
      out.add(WorkerAddress.rpc(host, port));
    }
    return out;
  }

  /**
   * Reads Alluxio's worker-list file: one host name per line; blank lines and everything from a
   * {@code #} on are ignored; a repeated host is taken once (as Alluxio does). Each worker gets
   * {@code rpcPort} and {@code webPort}.
   *
   * @throws IllegalArgumentException when the file is missing or unreadable, a line holds more
   *     than a host name, or no host is listed
   */
  public static List<WorkerAddress> readWorkerFile(Path file, int rpcPort, int webPort) {
    String what = MembershipProperties.STATIC_CONFIG_FILE + " " + file;
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read: " + e, e);
    }
    Set<String> hosts = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String host = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (host.isEmpty()) {
        continue;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      checkHost(what + " line " + (i + 1), line.trim(), host);
      if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
        throw new IllegalArgumentException(what + " line " + (i + 1) + ": '" + host
            + "' has a port; the file lists host names only (the port is "
            + MembershipProperties.WORKER_RPC_PORT + ")");
      }
      hosts.add(host);
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(what + ": lists no worker host");
    }
    List<WorkerAddress> out = new ArrayList<>();
    for (String h : hosts) {
      out.add(new WorkerAddress(h, rpcPort, 0, 0, webPort));
    }
    return out;
  }

  private static void checkHost(String what, String entry, String host) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException(what + ": '" + entry + "' has no host");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.isWhitespace(c) || c == '/' || c == '[' || c == ']' || c == ',' || c < 0x21) {
        throw new IllegalArgumentException(what + ": '" + entry + "' is not a host name (one host per entry)");
      }
    }
  }
}
