package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.distillguard.core.text.StyleModel;
import org.junit.jupiter.api.Test;

/**
 * Core's shipped style model was trained on the training split only; here it must still separate
 * the held-out sets it never saw (different generators, languages and human sources).
 */
class StyleModelGeneralizationTest {
  private final StyleModel model = StyleModel.shipped();

  @Test
  void separatesHeldOutDistillationSetsFromHeldOutHumanSets() throws Exception {
    Path maybe = TestData.sharedPrompts();
    assumeTrue(maybe != null, "shared prompt sets not present beside this checkout: skipped");
    Path folder = Objects.requireNonNull(maybe);
    List<Float> distill = new ArrayList<>();
    List<Float> organic = new ArrayList<>();
    for (String set : new TreeSet<>(PromptCorpus.HOLDOUT_SETS)) {
      List<PromptCorpus.Prompt> prompts = PromptCorpus.readSet(folder, set);
      for (PromptCorpus.Prompt p : prompts.subList(0, Math.min(2000, prompts.size()))) {
        (p.distill() ? distill : organic).add(model.score(p.text()));
      }
    }
    double auc = auc(distill, organic);
    System.out.printf(
        "held-out AUC %.3f (%d distill, %d organic)%n", auc, distill.size(), organic.size());
    // Measured 0.64: the model overfits the wording of its training sets; docs/EVALUATION.md.
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
    Arrays.sort(n);
    double sum = 0;
    for (float p : pos) {
      int below = 0;
      int ties = 0;
      // Binary searches for the first index >= p and the first index > p.
      int lo = 0;
      int hi = n.length;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (n[m] < p) {
          lo = m + 1;
        } else {
          hi = m;
        }
      }
      below = lo;
      hi = n.length;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (n[m] <= p) {
          lo = m + 1;
        } else {
          hi = m;
        }
      }
      ties = lo - below;
      sum += below + ties / 2.0;
    }
    return sum / ((double) pos.size() * n.length);
  }
}
