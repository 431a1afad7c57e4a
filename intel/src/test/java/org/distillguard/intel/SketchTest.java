package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.junit.jupiter.api.Test;

class SketchTest {
  final PromptSketcher sketcher = new PromptSketcher(Fixture.consortiumKey());

  List<String> templated(String template, int n, long seed) {
    Random r = new Random(seed);
    String[] words = {
      "river", "matrix", "gravity", "tariff", "enzyme", "sonnet", "router", "glacier", "ballot",
      "pixel"
    };
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          template.replace(
              "{X}",
              words[r.nextInt(words.length)]
                  + " "
                  + words[r.nextInt(words.length)]
                  + " "
                  + r.nextInt(1000)));
    }
    return out;
  }

  @Test
  void twoCampaignsOnTheSameTemplateLookAlikeAndDifferentTemplatesDoNot() {
    String t1 =
        "You are an expert tutor. Explain step by step, with every intermediate result, {X}. Then summarise in one line.";
    String t2 =
        "Translate the following paragraph into formal French and list the idioms you changed: {X}";
    int[] a = sketcher.templateSketch(templated(t1, 300, 1), 0.05, 3).minima();
    int[] b = sketcher.templateSketch(templated(t1, 300, 2), 0.05, 3).minima();
    int[] c = sketcher.templateSketch(templated(t2, 300, 3), 0.05, 3).minima();
    assertThat(TemplateSketch.similarity(a, b)).isGreaterThan(0.8);
    assertThat(TemplateSketch.similarity(a, c)).isLessThan(0.2);
  }

  @Test
  void aDifferentConsortiumKeyGivesUnrelatedSketchesAndFingerprints() {
    byte[] other = new byte[32];
    other[0] = 1;
    ConsortiumKey k2 = new ConsortiumKey(other);
    List<String> p = templated("Explain step by step {X} like a professor would.", 100, 1);
    int[] a = sketcher.templateSketch(p, 0.05, 3).minima();
    int[] b = new PromptSketcher(k2).templateSketch(p, 0.05, 3).minima();
    assertThat(TemplateSketch.similarity(a, b)).isLessThan(0.1);
    Fingerprints f1 = new Fingerprints(Fixture.consortiumKey());
    assertThat(f1.of(Kind.EMAIL_DOMAIN, " TmpMail.Example "))
        .isEqualTo(f1.of(Kind.EMAIL_DOMAIN, "tmpmail.example"));
    assertThat(f1.of(Kind.EMAIL_DOMAIN, "x")).isNotEqualTo(f1.of(Kind.CLIENT, "x"));
    assertThat(f1.of(Kind.PAYMENT, "pf-1"))
        .isNotEqualTo(new Fingerprints(k2).of(Kind.PAYMENT, "pf-1"))
        .hasSize(32);
  }

  @Test
  void rareContentDoesNotEnterATemplateSketch() {
    // Every prompt unique: nothing recurs in 5% of prompts, so nothing is sketched.
    List<String> unique = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      unique.add(
          "completely different words number "
              + Integer.toString(i * 7919, 36)
              + " about "
              + Integer.toString(i * 104729, 36)
              + " and "
              + Integer.toString(i * 31, 36));
    }
    TemplateSketch s = sketcher.templateSketch(unique, 0.05, 3);
    assertThat(s.shingles()).isLessThanOrEqualTo(3);
  }
}
