package io.purefuse.worker;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Alluxio-style sizes ({@code 512MB}, {@code 1GiB}, {@code 4096}) and durations ({@code 2min}, {@code 30s}). */
public final class Sizes {
  private static final Pattern NUM_UNIT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

  private Sizes() {}

  /** Bytes; units are powers of 1024 as in Alluxio ({@code KB} = {@code KiB} = {@code K} = 1024). */
  public static long parseBytes(String s) {
    Matcher m = NUM_UNIT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + s + "' (e.g. 1MB, 512MiB, 4096)");
    }
    double n = Double.parseDouble(m.group(1));
    String u = m.group(2).toUpperCase(Locale.ROOT).replace("IB", "B");
    long mult;
    switch (u) {
      case "":
      case "B":
        mult = 1;
        break;
      case "K":
      case "KB":
        mult = 1L << 10;
        break;
      case "M":
      case "MB":
        mult = 1L << 20;
        break;
      case "G":
      case "GB":
        mult = 1L << 30;
        break;
      case "T":
      case "TB":
        mult = 1L << 40;
        break;
      default:
        throw new IllegalArgumentException("unknown size unit in '" + s + "'");
    }
    return (long) (n * mult);
  }

  /** A duration; bare numbers are milliseconds, as in Alluxio. */
  public static Duration parseDuration(String s) {
    Matcher m = NUM_UNIT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + s + "' (e.g. 2min, 30s, 500ms)");
    }
    double n = Double.parseDouble(m.group(1));
    String u = m.group(2).toLowerCase(Locale.ROOT);
    double ms;
    switch (u) {
      case "":
      case "ms":
        ms = n;
        break;
      case "s":
      case "sec":
        ms = n * 1000;
        break;
      case "m":
      case "min":
        ms = n * 60_000;
        break;
      case "h":
      case "hr":
        ms = n * 3_600_000;
        break;
      case "d":
      case "day":
        ms = n * 86_400_000;
        break;
      default:
        throw new IllegalArgumentException("unknown duration unit in '" + s + "'");
    }
    return Duration.ofMillis((long) ms);
  }
}
