package org.distillguard.mark;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.mark.stats.Binomial;

/**
 * The watermark test: does a body of suspect text agree with a key's choices more often than
 * chance?
 *
 * <p>Under the null hypothesis (the text was written without this key, whatever its style) each
 * scored unit's majority word agrees with the key's keyed choice with probability exactly 1/2,
 * independently of the other units (see {@link MarkKey}). With n scored units and k agreements the
 * p-value is the exact one-sided binomial tail {@code P(X >= k)}, X ~ Bin(n, 1/2), computed in log
 * space ({@link Binomial}). Testing m keys multiplies the smallest p-value by m (Bonferroni), which
 * stays valid whatever the dependence between keys. Decoy keys, never used to mark anything, are
 * scored the same way: their p-values must look uniform, which checks the whole chain (the
 * independence of units above all) on the very text under test.
 */
public final class Detector {
  private Detector() {}

  /** One key's result. */
  public record Score(String key, String fingerprint, int units, int agree, double logP) {
    /** The p-value (0 when it underflows; see {@link #log10P}). */
    public double p() {
      return Math.exp(logP);
    }

    /** log10 of the p-value; finite even far below 1e-308. */
    public double log10P() {
      return Binomial.log10(logP);
    }

    /**
     * log10 of the lower tail, {@code P(X <= agree)}: far below chance means the text was rewritten
     * <em>against</em> this key (a stolen, inverted rule table). Information for a person, not part
     * of the one-sided test.
     */
    public double log10LowerTail() {
      return Binomial.log10(Binomial.logUpperTail(units, units - agree, 0.5));
    }
  }

  /** The decoy-key calibration check. */
  public record Calibration(
      int decoys, int atMost10, int atMost1, double minDecoyLog10P, double log10PTooMany) {
    /**
     * Passes unless the decoys are significant far more often than chance (the chance of so many
     * decoy p-values at or below 0.01 is below 1e-3): then units are not independent fair coins in
     * this text and no p-value of the report should be trusted.
     */
    public boolean passed() {
      return log10PTooMany > -3;
    }
  }

  /** The whole test over several keys. */
  public record Report(List<Score> keys, List<Score> decoys, Calibration calibration) {
    /** Number of keys tested (the Bonferroni factor). */
    public int tested() {
      return keys.size();
    }

    /** log10 of a key's p-value corrected for the number of keys tested. */
    public double correctedLog10P(Score s) {
      return Math.min(0, s.log10P() + Math.log10(Math.max(1, keys.size())));
    }
  }

  /** Scores one key on the units. */
  public static Score score(Units units, MarkKey key) {
    MarkKey.Chooser chooser = key.chooser();
    int n = 0;
    int k = 0;
    for (Units.Unit u : units.units()) {
      if (u.tied()) {
        continue;
      }
      n++;
      if (u.majorityB() == chooser.choosesB(u.pair().id(), u.context())) {
        k++;
      }
    }
    return new Score(key.label(), key.fingerprint(), n, k, Binomial.logUpperTail(n, k, 0.5));
  }

  /**
   * The p-value as scored units accumulate in order of first appearance: pairs (units, log10 p) at
   * up to {@code points} evenly spaced checkpoints. A unit's majority is the one over the whole
   * input (the figure shows how fast the evidence grows, not a sequential test).
   */
  public static List<double[]> curve(Units units, MarkKey key, int points) {
    MarkKey.Chooser chooser = key.chooser();
    List<Units.Unit> scored = new ArrayList<>();
    for (Units.Unit u : units.units()) {
      if (!u.tied()) {
        scored.add(u);
      }
    }
    List<double[]> out = new ArrayList<>();
    int step = Math.max(1, scored.size() / Math.max(1, points));
    int k = 0;
    for (int i = 0; i < scored.size(); i++) {
      Units.Unit u = scored.get(i);
      if (u.majorityB() == chooser.choosesB(u.pair().id(), u.context())) {
        k++;
      }
      int n = i + 1;
      if (n % step == 0 || n == scored.size()) {
        out.add(new double[] {n, Binomial.log10(Binomial.logUpperTail(n, k, 0.5))});
      }
    }
    return out;
  }

  /** Scores {@code keys} and {@code decoys} and runs the calibration check. */
  public static Report test(Units units, List<MarkKey> keys, List<MarkKey> decoys) {
    List<Score> k = new ArrayList<>();
    for (MarkKey key : keys) {
      k.add(score(units, key));
    }
    List<Score> d = new ArrayList<>();
    int at10 = 0;
    int at1 = 0;
    double min = 0;
    for (MarkKey key : decoys) {
      Score s = score(units, key);
      d.add(s);
      at10 += s.log10P() <= -1 ? 1 : 0;
      at1 += s.log10P() <= -2 ? 1 : 0;
      min = Math.min(min, s.log10P());
    }
    double tooMany = Binomial.log10(Binomial.logUpperTail(decoys.size(), at1, 0.01));
    return new Report(k, d, new Calibration(decoys.size(), at10, at1, min, tooMany));
  }
}
