package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property tests over random documents mixing prose, contractions, idioms, code, quotes,
 * JSON, URLs and reasoning blocks: whatever the chunking the marked text is the same, marking is
 * idempotent, only whole plain words change, and protected fragments come back byte for byte.
 */
class MarkerPropertiesTest {
  static final String[] PROSE = {
    "It is often the case that you need to modify it.",
    "We do not know, and they are not sure.",
    "For example, this kind of tool helps to choose a path.",
    "Maybe it's been fine; perhaps it will not be.",
    "I am happy to help you use it quickly.",
    "There is nearly no reason to buy it, although it is cheap.",
    "Finally, you're almost done; it doesn't matter.",
    "Why don't you allow for delays? It seems to work.",
    "The exact same thing rarely happens.",
    "Sure, that is exactly what we need."
  };
  static final String[] PROTECTED = {
    "```\nyou often need to use it\n```",
    "`often use`",
    "\"we often use it\"",
    "{\"often\": \"use it\"}",
    "https://example.com/often-use",
    "<think>I often need to modify this</think>",
    "> we often use it",
    "    indented often use"
  };

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 200);
  }

  static String document(Random r) {
    StringBuilder b = new StringBuilder();
    int parts = 3 + r.nextInt(12);
    for (int i = 0; i < parts; i++) {
      if (r.nextInt(3) == 0) {
        b.append("\n").append(PROTECTED[r.nextInt(PROTECTED.length)]).append("\n");
      } else {
        b.append(PROSE[r.nextInt(PROSE.length)]);
      }
      b.append(r.nextInt(4) == 0 ? "\n\n" : " ");
    }
    return b.toString();
  }

  static final String[] PIECES = {
    " ",
    "\n",
    "\t",
    "often",
    "Often",
    "frequently",
    "is",
    "not",
    "isn't",
    "it",
    "It",
    "it's",
    "do",
    "don't",
    "you",
    "are",
    "you're",
    "for",
    "example",
    "instance",
    "allow",
    "for",
    "`",
    "```",
    "\"",
    "'",
    "\u2019",
    "\u201C",
    "\u201D",
    "{",
    "}",
    "<think>",
    "</think>",
    ".",
    ",",
    "?",
    "42",
    "https://x.y/often",
    "a",
    "an",
    "exact",
    "same",
    "    ",
    "> ",
    "|",
    "\uD83D\uDE00",
    "A\u2019s"
  };

  @ParameterizedTest
  @MethodSource("seeds")
  void randomTokenSoupNeverBreaksTheInvariants(long seed) {
    Random r = new Random(seed * 31 + 7);
    StringBuilder d = new StringBuilder();
    int n = r.nextInt(200);
    for (int i = 0; i < n; i++) {
      d.append(PIECES[r.nextInt(PIECES.length)]);
      if (r.nextBoolean()) {
        d.append(' ');
      }
    }
    String doc = d.toString();
    Marker m = Marker.of(MarkerTest.MASTER.account("soup-" + seed));
    String whole = m.mark("", doc);
    Marker.Stream s = m.open("");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < doc.length(); ) {
      int j = Math.min(doc.length(), i + 1 + r.nextInt(5));
      b.append(s.feed(doc.substring(i, j)));
      i = j;
    }
    assertThat(b.append(s.finish()).toString()).isEqualTo(whole);
    assertThat(m.mark("", whole)).isEqualTo(whole);
    assertThat(whole.replaceAll("[^\\n`\"{}<>]", ""))
        .isEqualTo(doc.replaceAll("[^\\n`\"{}<>]", ""));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void chunkingIdempotenceAndProtectedFragments(long seed) {
    Random r = new Random(seed);
    String doc = document(r);
    Marker m = Marker.of(MarkerTest.MASTER.account("prop-" + seed));
    String whole = m.mark("", doc);

    Marker.Stream s = m.open("");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < doc.length(); ) {
      int j = Math.min(doc.length(), i + 1 + r.nextInt(9));
      b.append(s.feed(doc.substring(i, j)));
      i = j;
    }
    assertThat(b.append(s.finish()).toString()).isEqualTo(whole);
    assertThat(m.mark("", whole)).isEqualTo(whole);
    for (String p : PROTECTED) {
      if (doc.contains("\n" + p + "\n")) {
        assertThat(whole).contains(p);
      }
    }
    String[] a = doc.split("(?<=\\n)");
    String[] c = whole.split("(?<=\\n)");
    assertThat(c).hasSameSizeAs(a);
  }
}
