package org.distillguard.intel.taxii;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** TAXII timestamps: RFC 3339 UTC with microseconds (the precision of {@code date_added}). */
public final class TaxiiTime {
  private static final DateTimeFormatter OUT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private TaxiiTime() {}

  public static String format(long micros) {
    return OUT.format(
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000));
  }

  /**
   * Parses an RFC 3339 timestamp to epoch microseconds (finer precision truncated).
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static long parseMicros(String s) {
    if (s.length() > 40) {
      throw new IllegalArgumentException("timestamp too long");
    }
    try {
      Instant t = Instant.parse(s);
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an RFC 3339 timestamp: " + s, e);
    }
  }
}
