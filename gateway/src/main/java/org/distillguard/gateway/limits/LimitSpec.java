package org.distillguard.gateway.limits;

/**
 * The limits of one scope; {@code 0} means unlimited.
 *
 * @param rpm requests per minute
 * @param tpm tokens (input and output) per minute
 * @param concurrency requests in flight at once
 */
public record LimitSpec(int rpm, long tpm, int concurrency) {
  public static final LimitSpec UNLIMITED = new LimitSpec(0, 0, 0);

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
