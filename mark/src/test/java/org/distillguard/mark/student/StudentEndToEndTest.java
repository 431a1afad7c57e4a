package org.distillguard.mark.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.distillguard.mark.Attacks;
import org.distillguard.mark.Corpus;
import org.distillguard.mark.Detector;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MarkerTest;
import org.distillguard.mark.Units;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole chain, honestly, without a GPU: real English answers are marked with the gateway's
 * code, students (interpolated trigram models) are trained on mixtures of marked and unmarked
 * answers, fresh text is sampled from each student, and only that text is probed.
 *
 * <p>Figures printed here are the ones in docs/WATERMARK.md.
 */
@Tag("slow")
class StudentEndToEndTest {
  static final MarkKey KEY = MarkerTest.MASTER.member("provider");
  static final int SAMPLES = 20_000;
  static final int MAX_TOKENS = 120;

  static List<String> texts = List.of();
  static List<String> marked = List.of();
  static final NgramStudent.Vocab VOCAB = new NgramStudent.Vocab();
  static List<int[]> textIds = List.of();
  static List<int[]> markedIds = List.of();

  @BeforeAll
  static void load() {
    Path folder = Corpus.folder();
    if (folder == null) {
      return;
    }
    texts = Corpus.texts(folder, 8);
    Marker m = Marker.of(KEY);
    List<String> mk = new ArrayList<>(texts.size());
    for (String t : texts) {
      mk.add(m.mark("", t));
    }
    marked = mk;
    List<int[]> a = new ArrayList<>();
    List<int[]> b = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      a.add(VOCAB.encode(texts.get(i)));
      b.add(VOCAB.encode(marked.get(i)));
    }
    textIds = a;
    markedIds = b;
  }

  static void needCorpus() {
    assumeTrue(!texts.isEmpty(), "shared prompt sets (../shared/data/prompts) absent: skipped");
  }

  static final UnaryOperator<String> NONE = t -> t;

  /** A student trained on a share of marked answers (each answer marked with that probability). */
  static Detector.Score student(
      String name, double markedShare, UnaryOperator<String> attack, MarkKey tested, long seed) {
    Random r = new Random(seed);
    NgramStudent s = new NgramStudent(VOCAB);
    for (int i = 0; i < texts.size(); i++) {
      boolean m = r.nextDouble() < markedShare;
      if (attack == NONE) {
        s.train(m ? markedIds.get(i) : textIds.get(i));
      } else {
        s.train(VOCAB.encode(attack.apply(m ? marked.get(i) : texts.get(i))));
      }
    }
    s.freeze();
    Units u = Units.standard();
    Random g = new Random(seed + 1);
    for (int i = 0; i < SAMPLES; i++) {
      u.add("", s.sample(g, MAX_TOKENS));
    }
    Detector.Score score = Detector.score(u, tested);
    List<double[]> curve = Detector.curve(u, tested, 400);
    double need = -1;
    for (double[] pt : curve) {
      if (pt[1] < -6) {
        need = pt[0];
        break;
      }
    }
    StringBuilder c = new StringBuilder();
    for (int i = 0; i < curve.size(); i += Math.max(1, curve.size() / 8)) {
      c.append(String.format(Locale.ROOT, " %d:%.1f", (long) curve.get(i)[0], curve.get(i)[1]));
    }
    System.out.printf(
        Locale.ROOT,
        "FIGURE student %-28s words %,9d units %,6d agree %5.1f%% log10p %8.2f units-to-1e-6 %s curve%s%n",
        name,
        u.words(),
        score.units(),
        100.0 * score.agree() / Math.max(1, score.units()),
        score.log10P(),
        need < 0 ? "never" : String.valueOf((long) need),
        c);
    return score;
  }

  @Test
  void studentsOfMarkedAnswersCarryTheMarkDownToAFifthOfTheirData() {
    needCorpus();
    assertThat(student("marked 100%", 1.0, NONE, KEY, 1).log10P()).isLessThan(-6);
    assertThat(student("marked 50%", 0.5, NONE, KEY, 2).log10P()).isLessThan(-6);
    // 20%: about 1e-6 at ~460k sampled words (docs/WATERMARK.md); asserted with a margin.
    assertThat(student("marked 20%", 0.2, NONE, KEY, 3).log10P()).isLessThan(-5);
    // Below a fifth the mark is too thin for ~460k sampled words: recorded, not asserted.
    student("marked 10%", 0.1, NONE, KEY, 4);
    student("marked 5%", 0.05, NONE, KEY, 5);
  }

  @Test
  void controlsAreNotDetected() {
    needCorpus();
    assertThat(student("control: unmarked", 0.0, NONE, KEY, 6).log10P()).isGreaterThan(-3);
    assertThat(
            student("control: other key", 1.0, NONE, MarkerTest.MASTER.member("other"), 7).log10P())
        .isGreaterThan(-3);
  }

  @Test
  void aModelThatEchoesThePromptScoresNothing() {
    needCorpus();
    Units u = Units.standard();
    for (int i = 0; i < 2000; i++) {
      u.add(marked.get(i), marked.get(i));
    }
    System.out.printf(
        Locale.ROOT,
        "FIGURE echo: %,d occurrences dropped, %d units%n",
        u.echoed(),
        u.units().size());
    assertThat(u.echoed()).isPositive();
    assertThat(Detector.score(u, KEY).units()).isLessThanOrEqualTo(u.units().size());
    assertThat(Detector.score(u, KEY).log10P()).isGreaterThan(-3);
  }

  @Test
  void theSameMarkedSentenceTenThousandTimesIsOneUnitPerPair() {
    needCorpus();
    String sentence =
        marked.stream()
            .filter(t -> t.length() < 200 && Units.standard().add("", t).units().size() == 1)
            .findFirst()
            .orElseThrow();
    Units u = Units.standard();
    for (int i = 0; i < 10_000; i++) {
      u.add("", sentence);
    }
    Detector.Score s = Detector.score(u, KEY);
    System.out.printf(
        Locale.ROOT,
        "FIGURE repeated x10000: occurrences %,d units %d log10p %.2f%n",
        u.occurrences(),
        s.units(),
        s.log10P());
    assertThat(s.units()).isEqualTo(1);
    assertThat(s.log10P()).isGreaterThan(-0.31);
  }

  @Test
  void attacksThatKeepTheMarkAndAttacksThatWin() {
    needCorpus();
    // 20% word noise: random deletions and substitutions do not remove the keyed habits.
    assertThat(
            student(
                    "attack: 20% word noise",
                    1.0, t -> noise(t, 0.2, new Random(t.hashCode())), KEY, 8)
                .log10P())
        .isLessThan(-6);
    // Random rewriting of 30% of eligible words (dictionary known, key unknown): mark survives.
    assertThat(
            student(
                    "attack: 30% pair rewrite",
                    1.0, t -> Attacks.randomizePairs(t, 0.3, new Random(t.hashCode())), KEY, 9)
                .log10P())
        .isLessThan(-6);
    // Every eligible word rewritten at random: the attacker wins.
    assertThat(
            student(
                    "attack: 100% pair rewrite",
                    1.0, t -> Attacks.randomizePairs(t, 1.0, new Random(t.hashCode())), KEY, 10)
                .log10P())
        .isGreaterThan(-3);
    // The key's rule table stolen and inverted: the one-sided test sees nothing.
    assertThat(
            student("attack: inverted rule table", 1.0, t -> Attacks.invert(t, KEY), KEY, 11)
                .log10P())
        .isGreaterThan(-3);
  }

  static String noise(String t, double rate, Random r) {
    String[] toks = t.split("\\s+");
    StringBuilder b = new StringBuilder();
    for (String w : toks) {
      double x = r.nextDouble();
      if (x < rate / 2) {
        continue; // deleted
      }
      String out = x < rate ? toks[r.nextInt(toks.length)] : w; // replaced by a random word
      b.append(b.length() == 0 ? "" : " ").append(out);
    }
    return b.toString();
  }
}
