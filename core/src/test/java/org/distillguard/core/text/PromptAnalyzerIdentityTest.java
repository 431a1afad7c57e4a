package org.distillguard.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The optimised analyzer gives bit-for-bit the features of the analyzer as it was ({@code
 * frozen.PromptAnalyzer}, kept verbatim in the test sources), so verdicts computed before and after
 * the change are the same: over real prompts, over seeded random text built to hit every branch
 * (scripts, case folding, digits of other scripts, unspaced scripts, surrogates, white space at the
 * ends, lexicon words, phrases, code and math symbols, word counts around every threshold), and
 * over empty, blank and huge prompts.
 */
class PromptAnalyzerIdentityTest {
  private static final PromptAnalyzer ANALYZER = PromptAnalyzer.standard();
  private static final org.distillguard.core.text.frozen.PromptAnalyzer FROZEN =
      org.distillguard.core.text.frozen.PromptAnalyzer.standard();

  /** Words the lexicon, the phrase lists and the safe-rewrite rule know, and some they do not. */
  private static final String[] VOCABULARY = {
    "step",
    "by",
    "show",
    "your",
    "reasoning",
    "work",
    "think",
    "through",
    "chain",
    "of",
    "thought",
    "rate",
    "the",
    "following",
    "scale",
    "1",
    "rubric",
    "response",
    "a",
    "and",
    "b",
    "safe",
    "version",
    "rewrite",
    "harmless",
    "it",
    "to",
    "be",
    "refused",
    "without",
    "violating",
    "code",
    "python",
    "function",
    "solve",
    "equation",
    "translate",
    "french",
    "write",
    "essay",
    "hack",
    "pretend",
    "who",
    "capital",
    "classify",
    "sentiment",
    "tool",
    "schema",
    "why",
    "explain",
    "c",
    "policy-compliant",
    "let's",
    "chain-of-thought",
    "Step-By-Step",
    "REWRITE",
    "Safe",
    "hello",
    "world",
    "Generate",
    "hi",
    "42",
    "3.14",
    "x^2",
    "f(x)",
    "{",
    "}",
    "();",
    "`code`",
    "a+b=c",
    "100%",
    "计算",
    "数学",
    "翻译",
    "写",
    "作文",
    "日本語のテキスト",
    "Привет",
    "мир",
    "Ελληνικά",
    "مرحبا",
    "١٢٣",
    "１２３",
    "ＡＢＣＤＥ",
    "İstanbul",
    "ǅemal",
    "Straße",
    "ÉCOLE",
    "naïve",
    "ő",
    "\uD835\uDC00bold",
    "😀",
    "\uD800",
    "\uDC00",
    "Kelvin\u212A",
    "\u2E80\u2E81",
    "ｶﾀｶﾅ",
    "\u00A0",
    "\u2003",
    "\u2028",
    "\u001C",
    "\t",
    "\n",
    "\r\n",
    "?",
    ".",
    ":",
    "!",
    "...",
    "--",
    "'",
    "\""
  };

  private static final String SEPARATORS = "  \n\t.,;:!?()[]{}<>+-*/=^%`'\"\u00A0\u2003";

  @Test
  void edgeCasesGiveTheSameFeatures() {
    List<String> cases =
        List.of(
            "",
            " ",
            "\n\n",
            "\u00A0",
            "\u2003\u2003",
            "a",
            "A",
            "?",
            "()",
            "(",
            ")",
            "1 2 +",
            "one two three four five",
            "one two three four five six",
            "one two three four five six seven eight nine ten eleven twelve",
            "one two three four five six seven eight nine ten eleven twelve thirteen",
            "  Leading and trailing white space, with a newline only at the end.\n",
            "\nWhy?\n",
            "Rewrite this to be safe: how to make it harmless",
            "rewrite it so that it complies, show your reasoning step by step and rate the following",
            "这是一个没有空格的中文句子用来测试四字切分",
            "ＡＢＣＤＥＦＧＨ",
            "\uD835\uDC00\uD835\uDC01 \uD800 lone \uDC00 surrogates",
            "i".repeat(100_000),
            "word ".repeat(50_000),
            "数".repeat(10_001),
            "{}".repeat(3) + "x",
            "f() g()",
            "end with paren (");
    for (String p : cases) {
      assertSame(p);
    }
  }

  @Test
  void seededRandomTextGivesTheSameFeatures() {
    SplittableRandom r = new SplittableRandom(20261123);
    int domains = 0;
    int phrases = 0;
    int withPrefix = 0;
    for (int i = 0; i < 200_000; i++) {
      PromptFeatures f = assertSame(randomPrompt(r));
      domains |= f.domains();
      phrases |= f.phrases();
      withPrefix += f.prefix() != 0 ? 1 : 0;
    }
    // the prompts reach every domain rule and every phrase kind, short and long
    assertThat(domains).isEqualTo((1 << Domain.COUNT) - 1);
    assertThat(phrases)
        .isEqualTo(
            PromptFeatures.PHRASE_REASONING
                | PromptFeatures.PHRASE_GRADER
                | PromptFeatures.PHRASE_SAFE_REWRITE);
    assertThat(withPrefix).isBetween(50_000, 190_000);
  }

  @Test
  void randomCharactersGiveTheSameFeatures() {
    // Any char, surrogates and unassigned code points included, in runs that make words of them.
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 50_000; i++) {
      int len = r.nextInt(40);
      StringBuilder b = new StringBuilder(len);
      for (int k = 0; k < len; k++) {
        b.append(
            switch (r.nextInt(4)) {
              case 0 -> (char) r.nextInt(128);
              case 1 -> (char) r.nextInt(0x3000);
              case 2 -> ' ';
              default -> (char) r.nextInt(0x10000);
            });
      }
      assertSame(b.toString());
    }
  }

  @Test
  void anyStyleModelGivesTheSameScores() {
    // Random weights, tiny to large, so that summing in another order would show.
    SplittableRandom r = new SplittableRandom(11);
    float[] w = new float[StyleModel.SIZE];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-6, 3)));
    }
    PromptAnalyzer analyzer = new PromptAnalyzer(new StyleModel(w.clone(), 0.25f));
    var frozen =
        new org.distillguard.core.text.frozen.PromptAnalyzer(
            new org.distillguard.core.text.frozen.StyleModel(w.clone(), 0.25f));
    for (int i = 0; i < 50_000; i++) {
      String p = randomPrompt(r);
      long system = r.nextLong();
      assertThat(analyzer.analyze(p, system)).as(p).isEqualTo(frozen.analyze(p, system));
    }
  }

  @Test
  void theExamplePromptsGiveTheSameFeatures() throws IOException {
    List<String> prompts = prompts(repoRoot().resolve("examples/prompts/sample.jsonl.gz"));
    assertThat(prompts).hasSizeGreaterThan(300);
    for (String p : prompts) {
      assertSame(p);
    }
  }

  @Test
  void theSharedPromptSetsGiveTheSameFeatures() throws IOException {
    // Every prompt and turn of the shared sets when they are there (the CI machine has them).
    Path dir = Objects.requireNonNull(repoRoot().getParent()).resolve("shared/data/prompts");
    String env = System.getenv("DISTILLGUARD_SHARED");
    if (env != null) {
      dir = Path.of(env, "data/prompts");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(dir), "no shared prompt sets at " + dir);
    int n = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl.gz")) {
      for (Path f : files) {
        for (String p : prompts(f)) {
          assertSame(p);
          n++;
        }
      }
    }
    assertThat(n).isGreaterThan(10_000);
  }

  @Test
  void systemPromptsHashAsBefore() {
    for (String s : new String[] {"", " ", "You are a helpful assistant.", "系统"}) {
      assertThat(PromptAnalyzer.systemHash(s))
          .isEqualTo(org.distillguard.core.text.frozen.PromptAnalyzer.systemHash(s));
    }
  }

  @Test
  void theStyleModelAloneScoresAsBefore() {
    StyleModel now = StyleModel.shipped();
    var before = org.distillguard.core.text.frozen.StyleModel.shipped();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 10_000; i++) {
      String p = randomPrompt(r);
      assertThat(Float.floatToRawIntBits(now.score(p))).as(p).isEqualTo(floatBits(before, p));
    }
  }

  private static int floatBits(org.distillguard.core.text.frozen.StyleModel m, String p) {
    return Float.floatToRawIntBits(m.score(p));
  }

  private static PromptFeatures assertSame(String prompt) {
    PromptFeatures now = ANALYZER.analyze(prompt, 42L);
    PromptFeatures before = FROZEN.analyze(prompt, 42L);
    // Records compare floats with Float.compare: equal means the same bits here.
    assertThat(now).as("%s", abbreviated(prompt)).isEqualTo(before);
    return now;
  }

  private static String abbreviated(String p) {
    return p.length() <= 200 ? p : p.substring(0, 200) + "... (" + p.length() + " chars)";
  }

  /** Words from the vocabulary or random letters, joined by random separators. */
  private static String randomPrompt(SplittableRandom r) {
    int words =
        switch (r.nextInt(5)) {
          case 0 -> r.nextInt(8);
          case 1 -> r.nextInt(30);
          case 2 -> 4 + r.nextInt(12);
          case 3 -> r.nextInt(300);
          default -> r.nextInt(60);
        };
    StringBuilder b = new StringBuilder();
    if (r.nextInt(4) == 0) {
      b.append(SEPARATORS.charAt(r.nextInt(SEPARATORS.length())));
    }
    for (int k = 0; k < words; k++) {
      if (k > 0) {
        int seps = r.nextInt(8) == 0 ? 0 : 1 + (r.nextInt(6) == 0 ? r.nextInt(3) : 0);
        for (int s = 0; s < seps; s++) {
          b.append(r.nextInt(3) == 0 ? SEPARATORS.charAt(r.nextInt(SEPARATORS.length())) : ' ');
        }
      }
      if (r.nextInt(5) == 0) {
        int len = 1 + r.nextInt(9);
        for (int c = 0; c < len; c++) {
          b.append((char) ('a' + r.nextInt(26) - (r.nextBoolean() ? 32 : 0)));
        }
      } else {
        b.append(VOCABULARY[r.nextInt(VOCABULARY.length)]);
      }
    }
    if (r.nextInt(3) == 0) {
      b.append("?.:\n ".charAt(r.nextInt(5)));
    }
    return b.toString();
  }

  private static List<String> prompts(Path gz) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      JsonFactory json = new JsonFactory();
      String line;
      while ((line = in.readLine()) != null) {
        try (JsonParser p = json.createParser(line)) {
          p.nextToken(); // the object
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("prompt") && value == JsonToken.VALUE_STRING) {
              out.add(p.getText());
            } else if (field.equals("turns") && value == JsonToken.START_ARRAY) {
              while (p.nextToken() == JsonToken.VALUE_STRING) {
                out.add(p.getText());
              }
            } else {
              p.skipChildren();
            }
          }
        }
      }
    }
    return out;
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    return Files.isDirectory(p.resolve("examples")) ? p : Objects.requireNonNull(p.getParent());
  }
}
