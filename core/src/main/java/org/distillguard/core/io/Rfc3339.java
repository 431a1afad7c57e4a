package org.distillguard.core.io;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps to and from epoch milliseconds.
 *
 * <p>The common shape {@code 2026-11-03T14:02:11.250Z} is parsed by hand because {@code
 * OffsetDateTime.parse} costs more than parsing the rest of a log line; anything else valid
 * (offsets, lower-case separators, no fraction) falls back to {@link OffsetDateTime}. Fractions
 * finer than a millisecond are truncated.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  /**
   * Parses an RFC 3339 date-time.
   *
   * @throws IllegalArgumentException with a reason a user can read
   */
  public static long parseMillis(String s) {
    long fast = parseUtcFast(s);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    int dot = s.indexOf('.');
    if (dot >= 0 && (dot + 1 >= s.length() || !Character.isDigit(s.charAt(dot + 1)))) {
      // java.time accepts "12:00:00.Z"; RFC 3339 wants at least one digit after the point.
      throw new IllegalArgumentException("not an RFC 3339 date-time: " + abbreviate(s));
    }
    try {
      return OffsetDateTime.parse(s.replace(' ', 'T')).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 date-time: " + abbreviate(s));
    }
  }

  /** Formats as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, always with milliseconds. */
  public static String format(long epochMillis) {
    long days = Math.floorDiv(epochMillis, 86_400_000L);
    long msOfDay = Math.floorMod(epochMillis, 86_400_000L);
    if (days < 0 || days > 2_932_896) { // outside 1970..9999: let java.time handle it
      return Instant.ofEpochMilli(epochMillis).toString();
    }
    int[] ymd = civilFromDays(days);
    char[] c = new char[24];
    put4(c, 0, ymd[0]);
    c[4] = '-';
    put2(c, 5, ymd[1]);
    c[7] = '-';
    put2(c, 8, ymd[2]);
    c[10] = 'T';
    put2(c, 11, (int) (msOfDay / 3_600_000));
    c[13] = ':';
    put2(c, 14, (int) (msOfDay / 60_000 % 60));
    c[16] = ':';
    put2(c, 17, (int) (msOfDay / 1000 % 60));
    c[19] = '.';
    int ms = (int) (msOfDay % 1000);
    c[20] = (char) ('0' + ms / 100);
    c[21] = (char) ('0' + ms / 10 % 10);
    c[22] = (char) ('0' + ms % 10);
    c[23] = 'Z';
    return new String(c);
  }

  private static long parseUtcFast(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return Long.MIN_VALUE;
    }
    if (s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return Long.MIN_VALUE;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE; // leap seconds and the like: let java.time decide
    }
    int millis = 0;
    if (n > 20) {
      if (s.charAt(19) != '.' || n == 21) {
        return Long.MIN_VALUE;
      }
      int scale = 100;
      for (int i = 20; i < n - 1; i++) {
        int d = s.charAt(i) - '0';
        if (d < 0 || d > 9) {
          return Long.MIN_VALUE;
        }
        millis += d * scale;
        scale /= 10;
      }
    }
    long days = daysFromCivil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int daysInMonth(int y, int m) {
    return switch (m) {
      case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
  static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468;
  }

  static int[] civilFromDays(long z) {
    z += 719_468;
    long era = (z >= 0 ? z : z - 146_096) / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    return new int[] {(int) (y + (m <= 2 ? 1 : 0)), (int) m, (int) d};
  }

  private static void put2(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  private static void put4(char[] c, int at, int v) {
    put2(c, at, v / 100);
    put2(c, at + 2, v % 100);
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? '"' + s + '"' : '"' + s.substring(0, 37) + "...\"";
  }
}
