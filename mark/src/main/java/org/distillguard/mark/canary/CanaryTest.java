package org.distillguard.mark.canary;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distillguard.mark.stats.Binomial;

/**
 * Which accounts and campaigns a suspect's outputs reproduce canaries of, each with a p-value.
 *
 * <p>Null hypothesis: the suspect never saw this subject's canaries. Each served value is uniform
 * over 2^60 given the key, so each of the N distinct candidate strings found in the outputs equals
 * one of the subject's S served values with probability at most S / 2^60. The p-value of k or more
 * hits is bounded by the union over k-subsets: {@code C(N, k) (S / 2^60)^k} (capped at 1), computed
 * in log space. One hit among 1,000 candidates against 10,000 served canaries: about 9e-12.
 */
public final class CanaryTest {
  private CanaryTest() {}

  /** Hits of one subject. */
  public record Hit(
      String scope, String subject, int served, int hits, List<String> hashes, double log10P) {}

  /** The test over all subjects in the ledger with at least one hit. */
  public record Result(int outputs, int candidates, List<Hit> hits) {}

  /** Tests the outputs against the ledger. */
  public static Result test(CanaryLedger ledger, Collection<String> outputs) {
    Set<String> candidateHashes = new LinkedHashSet<>();
    for (String o : outputs) {
      for (String c : Canaries.candidates(o)) {
        candidateHashes.add(Canaries.hash(c));
      }
    }
    Map<String, Set<String>> served = new HashMap<>();
    for (Serving s : ledger.servings()) {
      served.computeIfAbsent("account\0" + s.account(), k -> new HashSet<>()).add(s.canaryHash());
      String campaign = s.campaign();
      if (campaign != null) {
        served.computeIfAbsent("campaign\0" + campaign, k -> new HashSet<>()).add(s.canaryHash());
      }
    }
    int n = candidateHashes.size();
    List<Hit> hits = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : served.entrySet()) {
      List<String> h = new ArrayList<>();
      for (String c : candidateHashes) {
        if (e.getValue().contains(c)) {
          h.add(c);
        }
      }
      if (h.isEmpty()) {
        continue;
      }
      String[] parts = e.getKey().split("\0", 2);
      hits.add(
          new Hit(
              parts[0],
              parts[1],
              e.getValue().size(),
              h.size(),
              h,
              log10P(n, h.size(), e.getValue().size())));
    }
    hits.sort(Comparator.comparingDouble(Hit::log10P).thenComparing(Hit::subject));
    return new Result(outputs.size(), n, hits);
  }

  /** log10 of min(1, C(n, k) (s / 2^60)^k). */
  public static double log10P(int n, int k, int s) {
    if (k <= 0) {
      return 0;
    }
    double logChoose =
        Binomial.logGamma(n + 1.0) - Binomial.logGamma(k + 1.0) - Binomial.logGamma(n - k + 1.0);
    double log = logChoose + k * (Math.log(s) - Canaries.BITS * Math.log(2));
    return Math.min(0, Binomial.log10(log));
  }
}
