package org.distillguard.bench;

import java.util.List;
import java.util.Locale;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;

/**
 * Heap held by a matcher of N imported indicators (ids, decisions and lookup maps), measured as the
 * heap difference after full GCs, and the time to build it (what a gateway pays when a poll brings
 * changes).
 *
 * <pre>
 * java -Xmx8g -cp bench/target/benchmarks.jar org.distillguard.bench.IntelMatcherMemory [N]
 * </pre>
 */
public final class IntelMatcherMemory {
  private IntelMatcherMemory() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long before = AccountMemory.usedAfterGc();
    List<ActiveIndicator> all = IntelIndicators.generate(n, 11);
    long listed = AccountMemory.usedAfterGc();
    long t0 = System.nanoTime();
    IndicatorMatcher m = IndicatorMatcher.of(all);
    long built = System.nanoTime() - t0;
    long after = AccountMemory.usedAfterGc();
    System.out.printf(
        Locale.ROOT,
        "%,d indicators: indicator records %.0f MB (%.0f B each), lookup maps %.0f MB (%.0f B each),"
            + " total %.0f MB; build %.2f s%n",
        n,
        (listed - before) / 1e6,
        (listed - before) / (double) n,
        (after - listed) / 1e6,
        (after - listed) / (double) n,
        (after - before) / 1e6,
        built / 1e9);
    if (m.indicators().size() != n) {
      throw new AssertionError();
    }
  }
}
