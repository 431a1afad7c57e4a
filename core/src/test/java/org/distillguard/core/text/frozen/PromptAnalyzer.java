package org.distillguard.core.text.frozen;

import org.distillguard.core.event.Exchange;
import org.distillguard.core.text.Domain;
import org.distillguard.core.text.PromptFeatures;
import org.jspecify.annotations.Nullable;

/**
 * Turns one request's text into {@link PromptFeatures}. Thread-safe and allocation-light: it runs
 * for every request, on the parsing threads.
 *
 * <p>Lexicons are short and hand-written on purpose: every entry can be explained to an analyst,
 * and the domain share of each shipped prompt set is checked by a test against what the set is
 * known to contain.
 */
public final class PromptAnalyzer {
  /** Words at each end of a prompt that make up its template skeleton. */
  static final int SKELETON_WORDS = 12;

  /** Words at each end that make a prefix or suffix fingerprint. */
  static final int AFFIX_WORDS = 4;

  private static final LongIntMap LEXICON = buildLexicon();
  private static final long REWRITE = Tokens.hashWord("rewrite");
  private static final long SAFE = Tokens.hashWord("safe");
  private static final long HARMLESS = Tokens.hashWord("harmless");

  private static final String[] REASONING_PHRASES = {
    "step by step", "step-by-step", "show your reasoning", "show your work",
        "explain your reasoning",
    "think through", "chain of thought", "chain-of-thought", "reasoning process", "walk me through",
    "think carefully", "justify your answer", "let's think", "show all steps", "show the steps",
    "explain each step", "detailed reasoning", "reason through"
  };

  private static final String[] GRADER_PHRASES = {
    "rate the following",
    "rate this response",
    "score the following",
    "score this response",
    "on a scale of 1",
    "on a scale from 1",
    "on a scale of 0",
    "rubric",
    "grade the following",
    "grade this",
    "evaluate the following response",
    "which response is better",
    "which of the two responses",
    "response a and response b",
    "assistant a and assistant b",
    "give a score",
    "assign a score",
    "as a judge",
    "reward model"
  };

  private static final String[] SAFE_REWRITE_PHRASES = {
    "safe version",
    "make it safe",
    "rewrite it to be safe",
    "rewrite this to be safe",
    "rewrite it so that it complies",
    "without violating",
    "so that you can answer",
    "so it doesn't get refused",
    "so it won't be refused",
    "avoid being refused",
    "would not be refused",
    "harmless version",
    "rephrase so that it is allowed",
    "sanitized version",
    "policy-compliant",
    "comply with content policy",
    "bypass the filter"
  };

  private static final PhraseMatcher PHRASES =
      new PhraseMatcher()
          .add(PromptFeatures.PHRASE_REASONING, REASONING_PHRASES)
          .add(PromptFeatures.PHRASE_GRADER, GRADER_PHRASES)
          .add(PromptFeatures.PHRASE_SAFE_REWRITE, SAFE_REWRITE_PHRASES);

  private final StyleModel style;

  public PromptAnalyzer(StyleModel style) {
    this.style = style;
  }

  /** An analyzer with the shipped style model. */
  public static PromptAnalyzer standard() {
    return new PromptAnalyzer(StyleModel.shipped());
  }

  /** Analyses the request's last user turn and its system prompt. */
  public PromptFeatures analyze(Exchange e) {
    return analyze(e.lastUserPrompt(), e.systemPrompt());
  }

  public PromptFeatures analyze(String prompt, @Nullable String systemPrompt) {
    return analyze(prompt, systemHash(systemPrompt));
  }

  /**
   * The hash {@link PromptFeatures#system()} holds for {@code systemPrompt}: 0 when there is none.
   */
  public static long systemHash(@Nullable String systemPrompt) {
    return systemPrompt == null || systemPrompt.isBlank() ? 0 : Hashing.hash(systemPrompt);
  }

  /**
   * Analyses {@code prompt}, a request's last user turn, whose system prompt hashes to {@code
   * systemHash} ({@link #systemHash}): for pipelines that hash the system prompt where they parse
   * the exchange and analyse the prompt elsewhere.
   */
  public PromptFeatures analyze(String prompt, long systemHash) {
    WordScan scan = new WordScan(style.new Accumulator(prompt));
    Tokens.scan(prompt, scan);
    int phrases = scan.phrases;
    if (scan.rewrite && scan.safe) {
      phrases |= PromptFeatures.PHRASE_SAFE_REWRITE;
    }
    int domains = scan.domains;
    if (scan.letters > 0 && scan.nonLatinLetters * 3 > scan.letters) {
      domains |= Domain.MULTILINGUAL.bit();
    }
    if (scan.digitRuns >= 2 && scan.operators > 0) {
      domains |= Domain.MATH.bit();
    }
    if (scan.codeChars >= 4) {
      domains |= Domain.CODING.bit();
    }
    return new PromptFeatures(
        scan.skeleton(),
        scan.prefix(),
        scan.suffix(),
        systemHash,
        Hashing.mix(scan.exact),
        domains,
        phrases,
        scan.style.finish(),
        scan.words);
  }

  /** One pass over the prompt's words: hashes, lexicon and phrase hits, script counts. */
  private static final class WordScan implements Tokens.Sink {
    final StyleModel.Accumulator style;
    final long[] head = new long[SKELETON_WORDS];
    final long[] tail = new long[SKELETON_WORDS];
    int words;
    int domains;
    int phrases;
    boolean rewrite;
    boolean safe;
    int letters;
    int nonLatinLetters;
    int digitRuns;
    int operators;
    int codeChars;
    long exact = 0x84222325cbf29ce4L;

    WordScan(StyleModel.Accumulator style) {
      this.style = style;
    }

    @Override
    public void letter(char c) {
      letters++;
      if (c > 0x024F) {
        nonLatinLetters++;
      }
    }

    @Override
    public void word(long h, boolean digits) {
      if (digits) {
        digitRuns++;
      }
      domains |= LEXICON.get(h);
      if (h == REWRITE) {
        rewrite = true;
      } else if (h == SAFE || h == HARMLESS) {
        safe = true;
      }
      if (words < SKELETON_WORDS) {
        head[words] = h;
      }
      tail[words % SKELETON_WORDS] = h;
      words++;
      phrases |= PHRASES.match(h, tail, words);
      style.word(h);
      exact = (exact ^ h) * Tokens.FNV_PRIME;
    }

    @Override
    public void symbol(char c, char next) {
      countSymbol(c, next);
    }

    private void countSymbol(char c, char next) {
      switch (c) {
        case '+', '*', '/', '=', '^', '<', '>', '%' -> operators++;
        case '{', '}', ';' -> codeChars++;
        case '(' -> {
          if (next == ')') {
            codeChars += 2;
          }
        }
        case '`' -> codeChars++;
        default -> {}
      }
    }

    long prefix() {
      if (words < AFFIX_WORDS + 2) {
        return 0;
      }
      long h = 17;
      for (int k = 0; k < AFFIX_WORDS; k++) {
        h = Hashing.combine(h, head[k]);
      }
      return h;
    }

    long suffix() {
      if (words < AFFIX_WORDS + 2) {
        return 0;
      }
      long h = 23;
      for (int k = AFFIX_WORDS; k >= 1; k--) {
        h = Hashing.combine(h, tail[Math.floorMod(words - k, SKELETON_WORDS)]);
      }
      return h;
    }

    /** SimHash over the opening and closing words, each with its position from its end. */
    long skeleton() {
      if (words == 0) {
        return 0;
      }
      // 64 bit counters packed as eight 1-byte lanes in each of eight longs (at most 24 hashes,
      // so a lane never overflows): eight table lookups and adds per hash instead of 64.
      long[] lanes = new long[8];
      int n = Math.min(words, SKELETON_WORDS);
      for (int k = 0; k < n; k++) {
        count(lanes, positioned(head[k], k));
        count(lanes, positioned(tail[Math.floorMod(words - 1 - k, SKELETON_WORDS)], 64 + k));
      }
      long out = 0;
      for (int j = 0; j < 8; j++) {
        for (int k = 0; k < 8; k++) {
          if (((lanes[j] >>> (8 * k)) & 0xFF) > n) { // set in most of the 2n hashes
            out |= 1L << (8 * j + k);
          }
        }
      }
      return out;
    }

    /** A word's hash tied to its position: one multiply and a fold spread it over all 64 bits. */
    private static long positioned(long h, int position) {
      long x = (h ^ (position * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
      return x ^ (x >>> 31);
    }

    private static void count(long[] lanes, long h) {
      for (int j = 0; j < 8; j++) {
        lanes[j] += BYTE_TO_LANES[(int) (h >>> (8 * j)) & 0xFF];
      }
    }
  }

  /** Byte b spread to eight 1-byte lanes: lane k holds bit k of b. */
  private static final long[] BYTE_TO_LANES = new long[256];

  static {
    for (int b = 0; b < 256; b++) {
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v |= (long) ((b >>> k) & 1) << (8 * k);
      }
      BYTE_TO_LANES[b] = v;
    }
  }

  private static LongIntMap buildLexicon() {
    LongIntMap m = new LongIntMap(512);
    put(
        m,
        Domain.CODING,
        "code function python java javascript typescript sql program programming script class"
            + " method api bug compile compiler regex html css algorithm array variable loop"
            + " implement debug json database git docker linux bash react kotlin rust golang c"
            + " cpp php ruby swift query snippet syntax recursion pandas numpy django flask node"
            + " npm endpoint refactor runtime exception stack");
    put(
        m,
        Domain.MATH,
        "calculate compute solve equation integral derivative probability sum math algebra"
            + " geometry theorem prove percent percentage fraction multiply divide arithmetic"
            + " triangle angle area radius polynomial matrix factor prime average median"
            + " statistics logarithm 计算 数学");
    put(
        m,
        Domain.REASONING,
        "why explain reason reasoning logic logical puzzle riddle infer deduce analyze analyse"
            + " compare contrast argument cause causes implications consequences evaluate"
            + " pros cons hypothesis conclude");
    put(
        m,
        Domain.WRITING,
        "write essay poem story compose rewrite paraphrase summarize summarise summary article"
            + " letter email headline tweet slogan lyrics haiku blog edit grammar sentence"
            + " paragraph draft outline describe description narrative 写 作文");
    put(
        m,
        Domain.TRANSLATION,
        "translate translation translated french spanish german chinese japanese korean"
            + " italian portuguese russian arabic hindi language languages 翻译");
    put(
        m,
        Domain.TOOL_USE,
        "tool tools calculator plugin plugins invoke schema parameters arguments webhook"
            + " wikisearch search engine calendar weather api call function_call");
    put(
        m,
        Domain.SAFETY,
        "hack hacking weapon weapons drug drugs kill steal illegal bomb poison suicide harm"
            + " attack exploit malware violent violence racist explicit murder fraud scam"
            + " overdose gun guns terrorist");
    put(
        m,
        Domain.ROLEPLAY,
        "act pretend roleplay role character persona imagine scenario dialogue game"
            + " storyteller interviewer");
    put(
        m,
        Domain.KNOWLEDGE,
        "who what when where history historical capital define definition meaning country"
            + " population president invented founded located famous");
    put(
        m,
        Domain.NLP_TASK,
        "classify categorize categorise sentiment label extract identify options choices"
            + " true false correct answer passage premise hypothesis entailment");
    return m;
  }

  private static void put(LongIntMap m, Domain d, String words) {
    for (String w : words.split(" ")) {
      for (long h : Tokens.hashPhrase(w)) {
        m.or(h, d.bit());
      }
    }
  }
}
