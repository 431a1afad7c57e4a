package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dictionary's quality, as a specification: every pair has a WordNet basis or is a variant, the
 * famous failures of raw WordNet synonymy are not in it, and idioms stay unchanged under any key.
 */
class DictionaryQualityTest {
  private final Dictionary d = Dictionary.standard();

  @Test
  void everyWordnetPairSharesAFrequentSynsetAndVariantsAreFew() {
    int variants = 0;
    for (Dictionary.Pair p : d.pairs()) {
      if (p.source().equals("variant")) {
        variants++;
        continue;
      }
      if (p.source().equals("contraction")) {
        assertThat(p.a()).contains(" ");
        assertThat(p.b()).contains("'");
        continue;
      }
      assertThat(p.source()).isEqualTo("wordnet");
      assertThat(p.synset()).as(p.id()).matches("\\d{8}");
      assertThat(p.pos()).isIn("n", "v", "a", "r");
    }
    assertThat(variants).isLessThanOrEqualTo(5);
    assertThat(d.pairs()).hasSizeGreaterThanOrEqualTo(50);
  }

  @Test
  void rejectsTheFamousFailuresOfRawSynonyms() {
    List<List<String>> rejected =
        List.of(
            List.of("great", "bully"),
            List.of("new", "novel"),
            List.of("big", "large"),
            List.of("begin", "start"),
            List.of("error", "mistake"),
            List.of("hard", "difficult"),
            List.of("answer", "reply"),
            List.of("show", "demonstrate"),
            List.of("think", "believe"),
            List.of("probably", "likely"));
    for (List<String> r : rejected) {
      assertThat(d.pairOf(r.get(0))).as(r.toString()).isNull();
      assertThat(d.pairOf(r.get(1))).as(r.toString()).isNull();
    }
  }

  @Test
  void aWordBelongsToOnePairAndPairsAreLowercaseLetters() {
    Set<String> seen = new HashSet<>();
    for (Dictionary.Pair p : d.pairs()) {
      assertThat(seen.add(p.a())).isTrue();
      assertThat(seen.add(p.b())).isTrue();
      assertThat(p.a()).matches("[a-z']+( [a-z]+)?");
      assertThat(p.b()).matches("[a-z']+");
    }
  }

  @Test
  void leavesIdiomsAndOtherSensesAloneUnderEveryKey() {
    List<String> unchanged =
        List.of(
            "The new owner signed. That was a big deal. Start the server.",
            "We need to allow for delays.",
            "It will help out a lot and nobody could help but smile.",
            "She made a good buy and will buy into the idea.",
            "I need to go, you need not worry.",
            "It was the exact same thing at the exact moment.",
            "The icon appears on the screen when it seems here.",
            "A kind person and an unusual request.",
            "Happy birthday and happy hour.",
            "Why can't we go? Cannot be.",
            "Use it. Using up the budget.",
            "Why don't you try? Isn't it late? It works, doesn't it? Don't we know?",
            "Take it as it is. I know what you are and where they are. That is, it's been fine.");
    for (int i = 0; i < 50; i++) {
      Marker m = Marker.of(MarkerTest.MASTER.member("idiom" + i));
      for (String s : unchanged) {
        assertThat(m.mark("", s)).as("key %d", i).isEqualTo(s);
      }
    }
  }

  @Test
  void changesFewWordsOfOrdinaryText() {
    Marker.Stream total = null;
    long words = 0;
    long changed = 0;
    for (String t : SampleText.paragraphs(200, 1)) {
      Marker.Stream s = Marker.of(MarkerTest.MASTER.member("q")).open("");
      s.feed(t);
      s.finish();
      words += s.words();
      changed += s.changed();
      total = s;
    }
    assertThat(total).isNotNull();
    // The template text is far denser in dictionary words than real answers; still well bounded.
    assertThat((double) changed / words).isLessThan(0.2);
  }
}
