package org.distillguard.intel.stix;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * STIX timestamps: RFC 3339 in UTC with a {@code Z}, exactly millisecond precision on output (the
 * STIX rule for {@code created} and {@code modified}); any precision on input.
 */
public final class StixTime {
  private static final DateTimeFormatter OUT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private StixTime() {}

  public static String format(long epochMillis) {
    return OUT.format(Instant.ofEpochMilli(epochMillis));
  }

  public static String format(Instant t) {
    return OUT.format(t);
  }

  /**
   * Parses a STIX timestamp.
   *
   * @throws IllegalArgumentException if it is not RFC 3339 in UTC
   */
  public static long parseMillis(String s) {
    if (s.isEmpty() || s.charAt(s.length() - 1) != 'Z') {
      throw new IllegalArgumentException("timestamp must end in Z: " + abbreviate(s));
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("not an RFC 3339 timestamp: " + abbreviate(s), e);
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
