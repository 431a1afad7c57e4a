package org.distillguard.core.text;

import org.distillguard.core.event.Exchange;
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

  private static final long REWRITE = Tokens.hashWord("rewrite");
  private static final long SAFE = Tokens.hashWord("safe");
  private static final long HARMLESS = Tokens.hashWord("harmless");

  private static final int DOMAIN_BITS = (1 << Domain.COUNT) - 1;
  private static final int REWRITE_WORD = 1 << 12;
  private static final int SAFE_WORD = 1 << 13;
  private static final int PHRASE_GROUP_SHIFT = 16;

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

  /**
   * Everything a word can mean, found with one lookup per word: its domains (the low bits), whether
   * it is "rewrite" or "safe"/"harmless", and the group of phrases that end in it (the high bits).
   */
  private static final LongIntMap VOCABULARY = buildVocabulary();

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
    StyleModel.Accumulator styleScore = style.new Accumulator(prompt);
    Tokens.Words read = words(prompt);
    int words = read.count;
    long[] hashes = read.hash;
    int[] wordLetters = read.letters;
    int seen = 0; // the OR of every word's VOCABULARY entry
    int phrases = 0;
    int letters = 0;
    int digitRuns = 0;
    long exact = 0x84222325cbf29ce4L;
    for (int k = 0; k < words; k++) {
      long h = hashes[k];
      int info = VOCABULARY.get(h);
      seen |= info;
      int group = info >>> PHRASE_GROUP_SHIFT;
      if (group != 0) {
        phrases |= PHRASES.match(group, hashes, k + 1);
      }
      int l = wordLetters[k];
      letters += l;
      if (l == 0) {
        digitRuns++;
      }
      styleScore.word(h);
      exact = (exact ^ h) * Tokens.FNV_PRIME;
    }
    if ((seen & REWRITE_WORD) != 0 && (seen & SAFE_WORD) != 0) {
      phrases |= PromptFeatures.PHRASE_SAFE_REWRITE;
    }
    int domains = seen & DOMAIN_BITS;
    if (letters > 0 && read.nonLatinLetters * 3 > letters) {
      domains |= Domain.MULTILINGUAL.bit();
    }
    if (digitRuns >= 2 && read.operators > 0) {
      domains |= Domain.MATH.bit();
    }
    if (read.codeChars >= 4) {
      domains |= Domain.CODING.bit();
    }
    return new PromptFeatures(
        skeleton(hashes, words),
        prefix(hashes, words),
        suffix(hashes, words),
        systemHash,
        Hashing.mix(exact),
        domains,
        phrases,
        styleScore.finish(),
        words);
  }

  /** The words of {@code prompt}, in this thread's buffer unless the prompt is huge. */
  private static Tokens.Words words(String prompt) {
    Tokens.Words buffer =
        prompt.length() <= MAX_BUFFERED_CHARS ? BUFFERS.get() : new Tokens.Words(); // kept small
    return buffer.read(prompt);
  }

  private static long prefix(long[] hashes, int words) {
    if (words < AFFIX_WORDS + 2) {
      return 0;
    }
    long h = 17;
    for (int k = 0; k < AFFIX_WORDS; k++) {
      h = Hashing.combine(h, hashes[k]);
    }
    return h;
  }

  private static long suffix(long[] hashes, int words) {
    if (words < AFFIX_WORDS + 2) {
      return 0;
    }
    long h = 23;
    for (int k = AFFIX_WORDS; k >= 1; k--) {
      h = Hashing.combine(h, hashes[words - k]);
    }
    return h;
  }

  /**
   * SimHash over the opening and closing words, each with its position from its end: a bit is set
   * when it is set in most of the 2n positioned hashes.
   */
  private static long skeleton(long[] hashes, int words) {
    if (words == 0) {
      return 0;
    }
    int n = Math.min(words, SKELETON_WORDS);
    Majority counts = new Majority();
    for (int k = 0; k < n; k++) {
      counts.add(positioned(hashes[k], k));
      counts.add(positioned(hashes[words - 1 - k], 64 + k));
    }
    return counts.above(n);
  }

  /** A word's hash tied to its position: one multiply and a fold spread it over all 64 bits. */
  private static long positioned(long h, int position) {
    long x = (h ^ (position * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
    return x ^ (x >>> 31);
  }

  /**
   * 64 counters of set bits, one per bit position, kept bit-sliced: plane {@code k} holds bit
   * {@code k} of every counter, so adding a hash is a 5-step ripple carry over whole longs instead
   * of 64 increments. Five planes count to 31, enough for the at most 24 hashes of a skeleton.
   */
  private static final class Majority {
    private long c0;
    private long c1;
    private long c2;
    private long c3;
    private long c4;

    void add(long x) {
      long carry = c0 & x;
      c0 ^= x;
      long next = c1 & carry;
      c1 ^= carry;
      carry = c2 & next;
      c2 ^= next;
      next = c3 & carry;
      c3 ^= carry;
      c4 ^= next;
    }

    /**
     * The positions whose count is above {@code n} (0 <= n < 31): those where subtracting {@code n
     * + 1} leaves no borrow out of the top plane.
     */
    long above(int n) {
      int m = n + 1;
      long borrow = 0;
      borrow = borrow(c0, m & 1, borrow);
      borrow = borrow(c1, m & 2, borrow);
      borrow = borrow(c2, m & 4, borrow);
      borrow = borrow(c3, m & 8, borrow);
      borrow = borrow(c4, m & 16, borrow);
      return ~borrow;
    }

    /** The borrow out of one bit of {@code plane - bit - borrowIn}, for all 64 counters at once. */
    private static long borrow(long plane, int bit, long borrowIn) {
      return bit != 0 ? ~plane | borrowIn : ~plane & borrowIn;
    }
  }

  /** Prompts longer than this are read into a buffer of their own, not the thread's. */
  private static final int MAX_BUFFERED_CHARS = 1 << 14;

  private static final ThreadLocal<Tokens.Words> BUFFERS =
      ThreadLocal.withInitial(Tokens.Words::new);

  private static LongIntMap buildVocabulary() {
    if (Domain.COUNT > 12) {
      throw new AssertionError("domain bits overlap the word flags");
    }
    LongIntMap m = buildLexicon();
    m.or(REWRITE, REWRITE_WORD);
    m.or(SAFE, SAFE_WORD);
    m.or(HARMLESS, SAFE_WORD);
    long[] lasts = PHRASES.lastWords();
    for (int g = 0; g < lasts.length; g++) {
      m.or(lasts[g], (g + 1) << PHRASE_GROUP_SHIFT);
    }
    return m;
  }

  private static LongIntMap buildLexicon() {
    LongIntMap m = new LongIntMap(600);
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
