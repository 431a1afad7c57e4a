package org.distillguard.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.testing.PromptSets;
import org.junit.jupiter.api.Test;

/**
 * The shipped style model was trained on the training split only; here it must still separate the
 * held-out sets it never saw (different generators, languages and human sources).
 */
class StyleModelGeneralizationTest {
  private final StyleModel model = StyleModel.shipped();

  @Test
  void separatesHeldOutDistillationSetsFromHeldOutHumanSets() {
    Path maybe = PromptSets.folder();
    assumeTrue(maybe != null, "shared prompt sets not present beside this checkout: skipped");
    Path folder = java.util.Objects.requireNonNull(maybe);
    List<Float> distill = new ArrayList<>();
    List<Float> organic = new ArrayList<>();
    for (String set : PromptSets.HOLDOUT_DISTILL) {
      PromptSets.prompts(folder, set, 2000).forEach(p -> distill.add(model.score(p)));
    }
    for (String set : PromptSets.HOLDOUT_ORGANIC) {
      PromptSets.prompts(folder, set, 2000).forEach(p -> organic.add(model.score(p)));
    }
    double auc = auc(distill, organic);
    System.out.printf(
        "held-out AUC %.3f (%d distill, %d organic)%n", auc, distill.size(), organic.size());
    // Measured 0.635: the model overfits the wording of its training sets; see docs/EVALUATION.md.
    assertThat(auc).isGreaterThan(0.6);
  }

  @Test
  void scoresAreProbabilitiesAndEmptyIsNeutral() {
    assertThat(model.score("")).isEqualTo(0.5f);
    assertThat(model.score("Generate a list of five tips for staying healthy.")).isBetween(0f, 1f);
  }

  /** Probability that a random distill prompt outscores a random organic one (ties count half). */
  static double auc(List<Float> pos, List<Float> neg) {
    float[] n = new float[neg.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = neg.get(i);
    }
    java.util.Arrays.sort(n);
    double sum = 0;
    for (float p : pos) {
      int lo = lowerBound(n, p);
      int hi = upperBound(n, p);
      sum += lo + (hi - lo) / 2.0;
    }
    return sum / ((double) pos.size() * n.length);
  }

  private static int lowerBound(float[] a, float x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int m = (lo + hi) >>> 1;
      if (a[m] < x) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    return lo;
  }

  private static int upperBound(float[] a, float x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int m = (lo + hi) >>> 1;
      if (a[m] <= x) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    return lo;
  }
}
