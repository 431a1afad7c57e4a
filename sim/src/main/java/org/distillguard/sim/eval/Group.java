package org.distillguard.sim.eval;

import java.util.List;

/**
 * The figures of one group of evaluated accounts: a traffic class, or an aggregate such as "all
 * distillers". Rates are {@code NaN} when their denominator is zero.
 *
 * @param name the class name or aggregate name
 * @param distill whether the group's accounts distil (rates are then recall, else false positives)
 * @param accounts evaluated accounts in the group
 * @param distillation accounts whose verdict is {@code distillation}
 * @param suspicious accounts whose verdict is exactly {@code suspicious}
 * @param requests requests of the group's accounts, as counted by the detector
 * @param exposedRequests distilling requests (a turncoat's from {@code switch_at} on)
 * @param leakedRequests distilling requests served before the account was flagged
 * @param flaggedBeforeSwitch turncoats flagged before their first distilling request
 * @param requestsToFlag per flagged distiller, distilling requests up to and including the one that
 *     flagged it; sorted ascending
 */
public record Group(
    String name,
    boolean distill,
    long accounts,
    long distillation,
    long suspicious,
    long requests,
    long exposedRequests,
    long leakedRequests,
    long flaggedBeforeSwitch,
    List<Long> requestsToFlag) {

  public Group {
    requestsToFlag = List.copyOf(requestsToFlag);
  }

  /** Share with verdict {@code distillation}: recall for distillers, false-positive rate else. */
  public double distillationRate() {
    return ratio(distillation, accounts);
  }

  /** Share with verdict exactly {@code suspicious}. */
  public double suspiciousRate() {
    return ratio(suspicious, accounts);
  }

  /** Share with verdict {@code suspicious} or {@code distillation}. */
  public double atLeastSuspiciousRate() {
    return ratio(suspicious + distillation, accounts);
  }

  /** Share of distilling requests served before the flag. */
  public double leakage() {
    return ratio(leakedRequests, exposedRequests);
  }

  /** Median of {@link #requestsToFlag} (mean of the two middle values for an even count). */
  public double medianRequestsToFlag() {
    return median(requestsToFlag);
  }

  /**
   * Median of an ascending list (mean of the two middle values for an even count); NaN if empty.
   */
  static double median(List<Long> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  /** 90th percentile of {@link #requestsToFlag}, nearest-rank: the value at rank ⌈0.9·n⌉. */
  public double p90RequestsToFlag() {
    return percentile(0.9);
  }

  /** Nearest-rank percentile of {@link #requestsToFlag}, {@code 0 < q <= 1}. */
  public double percentile(double q) {
    return percentile(requestsToFlag, q);
  }

  /** Nearest-rank percentile of an ascending list, {@code 0 < q <= 1}; NaN if empty. */
  static double percentile(List<Long> sorted, double q) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * n - 1e-9);
    return sorted.get(Math.max(1, Math.min(n, rank)) - 1);
  }

  static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
