package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Calibration on real unmarked text: over every English text of the shared prompt sets, alone and
 * in bundles, scored with many keys, no p-value is below 1e-6 and the share of p-values at or below
 * alpha stays at or below alpha (the exact test is conservative where units are few).
 */
@Tag("slow")
class CalibrationTest {
  static final int KEYS = 20;

  @Test
  void unmarkedTextsGiveUniformOrConservativePValuesUnderEveryKey() {
    Path folder = Corpus.folder();
    assumeTrue(folder != null, "shared prompt sets (../shared/data/prompts) absent: skipped");
    List<String> texts = Corpus.texts(folder, 8);
    assertThat(texts.size()).isGreaterThanOrEqualTo(10_000);
    List<MarkKey> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add(MarkerTest.MASTER.account("calibration-" + i));
    }
    check("single texts", texts, 1, keys);
    check("bundles of 25 texts", texts, 25, keys);
    List<MarkKey> more = new ArrayList<>(keys);
    for (int i = KEYS; i < 5 * KEYS; i++) {
      more.add(MarkerTest.MASTER.account("calibration-" + i));
    }
    check("bundles of 250 texts", texts, 250, more);
  }

  private static void check(String name, List<String> texts, int bundle, List<MarkKey> keys) {
    long tests = 0;
    long[] atMost = new long[3];
    double[] alphas = {0.1, 0.01, 0.001};
    double min = 0;
    long units = 0;
    for (int i = 0; i + bundle <= texts.size(); i += bundle) {
      Units u = Units.standard();
      for (int j = i; j < i + bundle; j++) {
        u.add("", texts.get(j));
      }
      units += u.units().size();
      for (MarkKey k : keys) {
        double lp = Detector.score(u, k).log10P();
        tests++;
        min = Math.min(min, lp);
        for (int a = 0; a < 3; a++) {
          if (lp <= Math.log10(alphas[a]) + 1e-12) {
            atMost[a]++;
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "FIGURE calibration %s: %,d tests (%,d texts x %d keys), mean units %.1f, min p 1e%.2f,"
            + " share p<=0.1 %.4f, p<=0.01 %.5f, p<=0.001 %.6f%n",
        name,
        tests,
        texts.size() / bundle * bundle,
        keys.size(),
        (double) units / (tests / keys.size()),
        min,
        (double) atMost[0] / tests,
        (double) atMost[1] / tests,
        (double) atMost[2] / tests);
    assertThat(min).isGreaterThan(-6);
    for (int a = 0; a < 3; a++) {
      double share = (double) atMost[a] / tests;
      double slack = 4 * Math.sqrt(alphas[a] / tests * keys.size());
      assertThat(share).as("%s alpha %s", name, alphas[a]).isLessThanOrEqualTo(alphas[a] + slack);
    }
  }
}
