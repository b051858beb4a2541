package io.purefuse.backend;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alluxio's value syntax for sizes ({@code 512MB}, {@code 1GiB}, {@code 4096}) and durations
 * ({@code 2min}, {@code 30s}, {@code 500}), shared by the client, membership and the worker so
 * that one property value means the same everywhere.
 */
public final class AlluxioUnits {
  private static final Pattern NUM_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

  private AlluxioUnits() {}

  /**
   * A duration: a number with {@code ms}, {@code s}/{@code sec}, {@code m}/{@code min},
   * {@code h}/{@code hr}/{@code hour}, {@code d}/{@code day} (plurals too); no unit means
   * milliseconds, as in Alluxio.
   *
   * @throws IllegalArgumentException naming {@code property} for anything else
   */
  public static Duration parseDuration(String property, String value) {
    Matcher m = NUM_UNIT.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(property + ": '" + value + "' is not a duration (e.g. 500ms, 15s, 2min, 1h)");
    }
    double n = Double.parseDouble(m.group(1));
    double ms;
    switch (m.group(2)) {
      case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> ms = n;
      case "s", "sec", "secs", "second", "seconds" -> ms = n * 1_000;
      case "m", "min", "mins", "minute", "minutes" -> ms = n * 60_000;
      case "h", "hr", "hrs", "hour", "hours" -> ms = n * 3_600_000;
      case "d", "day", "days" -> ms = n * 86_400_000;
      default -> throw new IllegalArgumentException(property + ": '" + value + "' has an unknown time unit");
    }
    if (ms > Long.MAX_VALUE / 1_000_000.0) {
      throw new IllegalArgumentException(property + ": '" + value + "' is too large");
    }
    return Duration.ofNanos((long) (ms * 1_000_000));
  }

  /**
   * A size in bytes: a number with {@code B}, {@code K}/{@code KB}/{@code KiB}, {@code M...},
   * {@code G...}, {@code T...} (powers of 1024, as in Alluxio), or none (bytes).
   *
   * @throws IllegalArgumentException naming {@code property} for anything else
   */
  public static long parseBytes(String property, String value) {
    Matcher m = NUM_UNIT.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(property + ": '" + value + "' is not a size (e.g. 1MB, 512MiB, 4096)");
    }
    double n = Double.parseDouble(m.group(1));
    long mult;
    switch (m.group(2).replace("ib", "b")) {
      case "", "b" -> mult = 1;
      case "k", "kb" -> mult = 1L << 10;
      case "m", "mb" -> mult = 1L << 20;
      case "g", "gb" -> mult = 1L << 30;
      case "t", "tb" -> mult = 1L << 40;
      default -> throw new IllegalArgumentException(property + ": '" + value + "' has an unknown size unit");
    }
    if (n * mult > Long.MAX_VALUE) {
      throw new IllegalArgumentException(property + ": '" + value + "' is too large");
    }
    return (long) (n * mult);
  }
}
