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
    int gloss = 0;
    for (Dictionary.Pair p : d.pairs()) {
      if (p.source().equals("variant")) {
        variants++;
        continue;
      }
      if (p.source().equals("gloss")) {
        // A phrase that is not a WordNet lemma but is the gloss of the other word's synset.
        assertThat(p.a()).contains(" ");
        assertThat(p.synset()).as(p.id()).matches("\\d{8}");
        gloss++;
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
    assertThat(gloss).isLessThanOrEqualTo(2);
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
  void rejectsNearSynonymsWhoseCommonSensesDiffer() {
    // Reviewed and rejected when the dictionary grew (reasons in docs/WATERMARK.md): a word may
    // sit in another pair, but never with these partners.
    List<List<String>> rejected =
        List.of(
            List.of("however", "nevertheless"),
            List.of("since", "because"),
            List.of("want", "wish"),
            List.of("whole", "entire"),
            List.of("provide", "supply"),
            List.of("little", "small"),
            List.of("option", "choice"),
            List.of("main", "primary"),
            List.of("also", "besides"),
            List.of("important", "significant"),
            List.of("amount", "quantity"),
            List.of("consequently", "therefore"),
            List.of("you will", "you'll"),
            List.of("i will", "i'll"));
    for (List<String> r : rejected) {
      Dictionary.Pair p = d.pairOf(r.get(0));
      assertThat(p == null || !(p.a().equals(r.get(1)) || p.b().equals(r.get(1))))
          .as(r.toString())
          .isTrue();
      assertThat(d.pairOf(r.get(1)) == null || d.pairOf(r.get(1)) != p).as(r.toString()).isTrue();
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
            "Take it as it is. I know what you are and where they are. That is, it's been fine.",
            "As it happens, it occurred to me. What happened to him? It happens to be here.",
            "Thus far it works. In addition to that, we left. In addition we stayed.",
            "He's been here. What's happened? She's got it. Who's done it? Here's gone.",
            "This was somewhat of a mess. Employees were required to sign, as required by law.",
            "Here it is. I know who he is and what she is. I usually walk.");
    for (int i = 0; i < 50; i++) {
      Marker m = Marker.of(MarkerTest.MASTER.member("idiom" + i));
      for (String s : unchanged) {
        assertThat(m.mark("", s)).as("key %d", i).isEqualTo(s);
      }
    }
  }

  @Test
  void theReviewedAdditionsSwapBothWaysAndNothingElse() {
    // Each row: the two readings of one sentence; under 50 keys each reading marks to one of them,
    // and some key picks each.
    List<List<String>> both =
        List.of(
            List.of("In addition, it works.", "Additionally, it works."),
            List.of("The disk is therefore safe.", "The disk is thus safe."),
            List.of("This usually works.", "This commonly works."),
            List.of("The file is slightly different.", "The file is somewhat different."),
            List.of("Anyway, we left.", "Anyhow, we left."),
            List.of(
                "A restart is required if the file changes.",
                "A restart is needed if the file changes."),
            List.of("This can happen when disks fail.", "This can occur when disks fail."),
            List.of("This happens when disks fail.", "This occurs when disks fail."),
            List.of("It happened when disks failed.", "It occurred when disks failed."),
            List.of("The crash is happening now.", "The crash is occurring now."),
            List.of("Here is an example.", "Here's an example."),
            List.of("What is the difference?", "What's the difference?"),
            List.of("He is right and she is kind.", "He's right and she's kind."));
    for (List<String> pair : both) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        Marker m = Marker.of(MarkerTest.MASTER.member("add" + i));
        for (String s : pair) {
          String marked = m.mark("", s);
          seen.add(marked);
          assertThat(m.mark("", marked)).isEqualTo(marked);
        }
      }
      assertThat(seen).as(pair.toString()).containsAll(pair.subList(0, 2));
      if (!pair.get(0).startsWith("He is")) {
        assertThat(seen).as(pair.toString()).hasSize(2);
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
