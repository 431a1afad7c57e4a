package org.distillguard.gateway.limits;

import org.jspecify.annotations.Nullable;

/**
 * The limits of one scope; {@code 0} means unlimited.
 *
 * @param rpm requests per minute
 * @param tpm tokens (input and output) per minute
 * @param concurrency requests in flight at once
 */
public record LimitSpec(int rpm, long tpm, int concurrency) {
  public static final LimitSpec UNLIMITED = new LimitSpec(0, 0, 0);

  /**
   * The largest rate a bucket can hold: Bucket4j refills at most one token per nanosecond, and a
   * larger limit would fail on the first request rather than at start, so configuration and the
   * admin API refuse it.
   */
  public static final long MAX_PER_MINUTE = 60_000_000_000L;

  /** What is wrong with these values as a limit, or null if they are fine. */
  public static @Nullable String problem(
      @Nullable Long rpm, @Nullable Long tpm, @Nullable Long concurrency) {
    if (rpm != null && (rpm < 0 || rpm > Integer.MAX_VALUE)) {
      return "rpm must be 0 (unlimited) to " + Integer.MAX_VALUE + ", not " + rpm;
    }
    if (tpm != null && (tpm < 0 || tpm > MAX_PER_MINUTE)) {
      return "tpm must be 0 (unlimited) to " + MAX_PER_MINUTE + ", not " + tpm;
    }
    if (concurrency != null && (concurrency < 0 || concurrency > Integer.MAX_VALUE)) {
      return "concurrency must be 0 (unlimited) to " + Integer.MAX_VALUE + ", not " + concurrency;
    }
    return null;
  }

  public boolean unlimited() {
    return rpm <= 0 && tpm <= 0 && concurrency <= 0;
  }

  /** The tighter of two specs, field by field (0 counts as unlimited). */
  public LimitSpec min(LimitSpec o) {
    return new LimitSpec(
        minPos(rpm, o.rpm), minPos(tpm, o.tpm), (int) minPos(concurrency, o.concurrency));
  }

  private static int minPos(int a, int b) {
    return (int) minPos((long) a, (long) b);
  }

  private static long minPos(long a, long b) {
    if (a <= 0) {
      return b;
    }
    if (b <= 0) {
      return a;
    }
    return Math.min(a, b);
  }
}
