package io.purefuse.backend.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A process that opens a client cache on {@code args[0]} (as a mount server would) and answers
 * {@code active} on stdin with {@code active=true|false}; {@code exit} closes it. For
 * {@link ClientCacheSiblingTest}.
 */
public final class CacheHolderMain {
  private CacheHolderMain() {}

  public static void main(String[] args) throws Exception {
    ClientCache cache;
    try {
      cache = ClientCache.open(ClientCacheConfig.of(List.of(Path.of(args[0])), 1L << 20));
    } catch (Exception e) {
      System.out.println("FAILED " + e.getMessage());
      System.out.flush();
      return;
    }
    System.out.println("OPEN active=" + cache.active());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("exit")) {
        break;
      }
      System.out.println("active=" + cache.active());
      System.out.flush();
    }
    cache.close();
  }
}
