package org.distillguard.core.text;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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

  /** Characters of a prompt examined for phrases: the start and the end carry instructions. */
  private static final int PHRASE_WINDOW = 4000;

  private static final Map<Long, Integer> LEXICON = buildLexicon();

  private static final String[] REASONING_PHRASES = {
    "step by step", "step-by-step", "show your reasoning", "show your work",
        "explain your reasoning",
    "think through", "chain of thought", "chain-of-thought", "reasoning process", "walk me through",
    "think carefully", "justify your answer", "let's think", "show all steps", "show the steps",
    "explain each step", "detailed reasoning", "reason through", "逐步", "一步一步"
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
    WordScan scan = new WordScan(prompt);
    String lower = phraseWindow(prompt);
    int phrases = 0;
    if (containsAny(lower, REASONING_PHRASES)) {
      phrases |= PromptFeatures.PHRASE_REASONING;
    }
    if (containsAny(lower, GRADER_PHRASES)) {
      phrases |= PromptFeatures.PHRASE_GRADER;
    }
    if (containsAny(lower, SAFE_REWRITE_PHRASES)
        || (lower.contains("rewrite") && (lower.contains("safe") || lower.contains("harmless")))) {
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
    long system = systemPrompt == null || systemPrompt.isBlank() ? 0 : Hashing.hash(systemPrompt);
    return new PromptFeatures(
        scan.skeleton(),
        scan.prefix(),
        scan.suffix(),
        system,
        scan.exact,
        domains,
        phrases,
        style.score(prompt),
        scan.words);
  }

  private static String phraseWindow(String prompt) {
    String s =
        prompt.length() <= 2 * PHRASE_WINDOW
            ? prompt
            : prompt.substring(0, PHRASE_WINDOW)
                + "\n"
                + prompt.substring(prompt.length() - PHRASE_WINDOW);
    return s.toLowerCase(Locale.ROOT);
  }

  private static boolean containsAny(String text, String[] phrases) {
    for (String p : phrases) {
      if (text.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** One pass over the prompt's words: hashes, lexicon hits, script and symbol counts. */
  private static final class WordScan {
    final long[] head = new long[SKELETON_WORDS];
    final long[] tail = new long[SKELETON_WORDS];
    int words;
    int domains;
    int letters;
    int nonLatinLetters;
    int digitRuns;
    int operators;
    int codeChars;
    long exact = 0x84222325cbf29ce4L;

    WordScan(String s) {
      int len = s.length();
      int i = 0;
      while (i < len) {
        char c = s.charAt(i);
        if (!Character.isLetterOrDigit(c)) {
          countSymbol(c, i + 1 < len ? s.charAt(i + 1) : ' ');
          i++;
          continue;
        }
        long h = 0xcbf29ce484222325L;
        boolean digits = true;
        int start = i;
        while (i < len) {
          c = s.charAt(i);
          if (!Character.isLetterOrDigit(c)) {
            break;
          }
          if (Character.isDigit(c)) {
            c = '0';
          } else {
            digits = false;
            letters++;
            if (c > 0x024F) {
              nonLatinLetters++;
            }
            c = Character.toLowerCase(c);
          }
          h = (h ^ c) * 0x100000001B3L;
          i++;
          // Scripts without spaces (Chinese, Japanese) make one "word" of a whole sentence:
          // cut them every few characters so that skeletons and lexicons still work.
          if (c > 0x2E80 && i - start >= 4) {
            break;
          }
        }
        if (digits) {
          digitRuns++;
        }
        Integer bits = LEXICON.get(h);
        if (bits != null) {
          domains |= bits;
        }
        if (words < SKELETON_WORDS) {
          head[words] = h;
        }
        tail[words % SKELETON_WORDS] = h;
        exact = (exact ^ h) * 0x100000001B3L;
        words++;
      }
      exact = Hashing.mix(exact);
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
      int[] v = new int[64];
      int n = Math.min(words, SKELETON_WORDS);
      for (int k = 0; k < n; k++) {
        add(v, Hashing.combine(head[k], k));
        add(v, Hashing.combine(tail[Math.floorMod(words - 1 - k, SKELETON_WORDS)], 1000 + k));
      }
      long out = 0;
      for (int b = 0; b < 64; b++) {
        if (v[b] > 0) {
          out |= 1L << b;
        }
      }
      return out;
    }

    private static void add(int[] v, long h) {
      for (int b = 0; b < 64; b++) {
        v[b] += ((h >>> b) & 1) == 1 ? 1 : -1;
      }
    }
  }

  private static Map<Long, Integer> buildLexicon() {
    Map<Long, Integer> m = new HashMap<>();
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
    return Map.copyOf(m);
  }

  private static void put(Map<Long, Integer> m, Domain d, String words) {
    for (String w : words.split(" ")) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < w.length(); i++) {
        char c = w.charAt(i);
        h = (h ^ (Character.isDigit(c) ? '0' : c)) * 0x100000001B3L;
      }
      m.merge(h, d.bit(), (a, b) -> a | b);
    }
  }
}
