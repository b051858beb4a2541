package io.purefuse.worker.auth;

import java.util.Locale;

/** {@code alluxio.security.authentication.type} values this worker serves. */
public enum AuthType {
  /** Every call must come on a channel that logged in with SASL PLAIN (Alluxio's default). */
  SIMPLE,
  /** No login; every call is served. */
  NOSASL;

  /** Parses a property value (case-insensitive). */
  public static AuthType parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("alluxio.security.authentication.type must be SIMPLE or NOSASL, not " + s);
    }
  }
}
