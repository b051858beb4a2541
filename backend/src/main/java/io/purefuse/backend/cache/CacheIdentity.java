package io.purefuse.backend.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which version of a file a cache entry holds, as the worker reports it: the full UFS path plus
 * length, last modification time, file id and, when the status carries them, the UFS fingerprint
 * and content hash. An entry is served only to an open whose fresh status gives an equal
 * identity, so a file changed in the UFS (new length, time, id or hash) is never served from an
 * old copy. Its {@link #key()} names the cache file.
 *
 * @param fileId the worker's file id, or 0 if it reports none
 * @param fingerprint {@code ufsFingerprint}, or "" if none
 * @param contentHash {@code contentHash}, or "" if none
 */
public record CacheIdentity(String ufsPath, long length, long lastModifiedMs, long fileId, String fingerprint,
    String contentHash) {
  private static final String VERSION = "purefuse-cache-1";

  public CacheIdentity {
    Objects.requireNonNull(ufsPath, "ufsPath");
    fingerprint = fingerprint == null ? "" : fingerprint;
    contentHash = contentHash == null ? "" : contentHash;
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
  }

  /** The identity as text (stored with the cache file, read back at restart). */
  public String serialize() {
    return VERSION + '\n' + length + '\n' + lastModifiedMs + '\n' + fileId + '\n' + oneLine(fingerprint) + '\n'
        + oneLine(contentHash) + '\n' + ufsPath;
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  /**
   * Parses {@link #serialize()}.
   *
   * @throws IllegalArgumentException not an identity of this version
   */
  public static CacheIdentity parse(String text) {
    String[] f = text.split("\n", 7);
    if (f.length != 7 || !f[0].equals(VERSION)) {
      throw new IllegalArgumentException("not a cache identity");
    }
    return new CacheIdentity(f[6], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5]);
  }

  /** SHA-256 of {@link #serialize()} in hex: the cache file's name. */
  public String key() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(serialize().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
