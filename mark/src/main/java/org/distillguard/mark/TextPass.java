package org.distillguard.mark;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one lexical pass shared by the marker and the test, so that both see the same words, the same
 * contexts and the same protected spans.
 *
 * <p>Text is cut at whitespace into spans; a span is decided only when the whitespace after it
 * arrives (or at {@link #finish}), so the result does not depend on how a stream is chunked. A word
 * whose pair must see the next word (idioms such as "allow for") is held until that word is
 * complete: at most one word is ever held back.
 *
 * <p>Never touched: fenced and indented code blocks, inline code, block quotes and text in
 * quotation marks, braces (JSON), reasoning blocks ({@code <think>}, {@code <thinking>}, {@code
 * <reasoning>}), any span that is not a plain word (numbers, URLs, e-mail addresses, paths,
 * identifiers, hyphenated words, words in capitals), and pairs either of whose words occurs in the
 * prompt. Substitutions only swap letters inside plain words, so they never change this state:
 * marking is idempotent.
 */
final class TextPass {
  /** What to do with an eligible word. */
  interface Handler {
    /**
     * Returns the lowercase word to write in place of {@code lower} (one of the pair's words).
     * Called once per eligible occurrence, in text order.
     */
    String decide(Dictionary.Pair pair, String context, String lower);
  }

  private static final String PREFIX = "(*_";
  private static final String SUFFIX = ".,;:!?)*_";

  private final Dictionary dict;
  private final Set<String> promptWords;
  private final String promptLower;
  private final Handler handler;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder span = new StringBuilder();
  private @Nullable Held held;

  private boolean atLineStart = true;
  private int indent;
  private boolean lineProtected;
  private boolean inFence;
  private String fence = "";
  private boolean inInline;
  private boolean inQuote;
  private boolean inSingle;
  private int braceDepth;
  private boolean inThink;
  private String prev = Dictionary.START;

  private long words;
  private long eligible;
  private long echoed;

  TextPass(Dictionary dict, String prompt, Handler handler) {
    this.dict = dict;
    this.promptWords = words(prompt);
    this.promptLower = normalize(prompt);
    this.handler = handler;
  }

  /** Lowercase plain words of a text, for the prompt-echo rule. */
  static Set<String> words(String text) {
    Set<String> s = new HashSet<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      boolean letter = Character.isLetter(c) || ((c == '\'' || c == '\u2019') && start >= 0);
      if (letter && start < 0) {
        start = i;
      } else if (!letter && start >= 0) {
        s.add(normalize(text.substring(start, i)));
        start = -1;
      }
    }
    return s;
  }

  private static String normalize(String w) {
    return w.replace('\u2019', '\'').toLowerCase(Locale.ROOT);
  }

  /** Feeds a chunk; returns the text that is now final (possibly empty). */
  String feed(CharSequence chunk) {
    for (int i = 0; i < chunk.length(); i++) {
      char c = chunk.charAt(i);
      if (Character.isWhitespace(c)) {
        if (span.length() > 0) {
          completeSpan();
        }
        whitespace(c);
      } else {
        span.append(c);
      }
    }
    return drain();
  }

  /** Ends the text; returns the rest of it. */
  String finish() {
    if (span.length() > 0) {
      completeSpan();
    }
    resolveHeld(Dictionary.OTHER);
    return drain();
  }

  /** Plain words seen so far (for density figures). */
  long words() {
    return words;
  }

  /** Eligible occurrences handed to the handler so far. */
  long eligible() {
    return eligible;
  }

  /** Occurrences skipped because a word of their pair is in the prompt. */
  long echoed() {
    return echoed;
  }

  /** Characters held back right now (the partial span and a held word with its whitespace). */
  int heldBack() {
    Held h = held;
    return span.length() + (h == null ? 0 : h.length());
  }

  private String drain() {
    String r = out.toString();
    out.setLength(0);
    return r;
  }

  private void whitespace(char c) {
    if (c == '\n') {
      resolveHeld(Dictionary.START);
      atLineStart = true;
      indent = 0;
      lineProtected = false;
      inInline = false;
      inQuote = false;
      inSingle = false;
      prev = Dictionary.START;
    } else if (atLineStart) {
      indent += c == '\t' ? 4 : 1;
    }
    Held h = held;
    if (h != null) {
      h.tail.append(c);
    } else {
      out.append(c);
    }
  }

  private void completeSpan() {
    String s = span.toString();
    span.setLength(0);
    boolean lineStart = atLineStart;
    atLineStart = false;
    if (lineStart) {
      if (s.startsWith("```") || s.startsWith("~~~")) {
        if (!inFence) {
          inFence = true;
          fence = s.substring(0, 3);
        } else if (s.startsWith(fence)) {
          inFence = false;
        }
        emitOther(s);
        return;
      }
      if (!inFence && (indent >= 4 || s.startsWith(">") || s.startsWith("|"))) {
        lineProtected = true;
      }
    }
    if (inFence || lineProtected) {
      emitOther(s);
      return;
    }
    if (inThink) {
      if (closesThink(s)) {
        inThink = false;
      }
      emitOther(s);
      return;
    }
    boolean protectedAtStart = inInline || inQuote || inSingle || braceDepth > 0;
    scanState(s);
    if (protectedAtStart) {
      emitOther(s);
      return;
    }
    int p = 0;
    while (p < s.length() && PREFIX.indexOf(s.charAt(p)) >= 0) {
      p++;
    }
    int q = s.length();
    while (q > p && SUFFIX.indexOf(s.charAt(q - 1)) >= 0) {
      q--;
    }
    String core = s.substring(p, q);
    if (!isPlainWord(core)) {
      emitOther(s);
      return;
    }
    words++;
    String suffix = s.substring(q);
    String lower = normalize(core);
    String canonical = dict.canonical(lower);
    String context = prev;
    prev =
        suffix.indexOf('.') >= 0 || suffix.indexOf('!') >= 0 || suffix.indexOf('?') >= 0
            ? Dictionary.START
            : canonical;
    String prefix = s.substring(0, p);
    Held h = held;
    Dictionary.Pair two =
        h != null && h.firstOfTwo && prefix.isEmpty() ? dict.pairOf(h.lower + " " + lower) : null;
    if (h != null && two != null) {
      held = null;
      secondOfTwo(h, two, s, suffix);
      return;
    }
    resolveHeld(canonical);
    boolean caps = allCaps(core);
    if (!caps && suffix.isEmpty() && dict.startsTwoWordPair(lower)) {
      held = new Held(prefix, core, lower, null, context, true);
      return;
    }
    Dictionary.Pair pair = caps ? null : dict.pairOf(lower);
    if (pair == null
        || !pair.allowsAfter(context)
        || (pair.commaOnly() && !suffix.startsWith(","))
        || (pair.noEnd() && !suffix.isEmpty())) {
      out.append(s);
      return;
    }
    if (echoes(pair)) {
      echoed++;
      out.append(s);
      return;
    }
    if (pair.needsNext() && suffix.isEmpty()) {
      held = new Held(prefix, core, lower, pair, context, false);
      return;
    }
    out.append(prefix).append(decide(pair, context, core, lower)).append(suffix);
  }

  /** The written-out form of a two-word pair is complete: "is" (held) then "not" ({@code s}). */
  private void secondOfTwo(Held h, Dictionary.Pair pair, String s, String suffix) {
    boolean eligibleHere =
        pair.allowsAfter(h.context)
            && !(pair.noEnd() && !suffix.isEmpty())
            && !(pair.commaOnly() && !suffix.startsWith(","));
    if (eligibleHere && echoes(pair)) {
      echoed++;
      eligibleHere = false;
    }
    if (!eligibleHere) {
      out.append(h.prefix).append(h.core).append(h.tail).append(s);
      return;
    }
    eligible++;
    String chosen = handler.decide(pair, h.context, pair.a());
    if (chosen.equals(pair.a())) {
      out.append(h.prefix).append(h.core).append(h.tail).append(s);
    } else {
      out.append(h.prefix).append(withCaseOf(h.core, chosen)).append(suffix);
    }
  }

  private boolean echoes(Dictionary.Pair pair) {
    return pair.twoWords()
        ? promptWords.contains(pair.b()) || promptLower.contains(pair.a())
        : promptWords.contains(pair.a()) || promptWords.contains(pair.b());
  }

  private String decide(Dictionary.Pair pair, String context, String core, String lower) {
    eligible++;
    String chosen = handler.decide(pair, context, lower);
    return chosen.equals(lower) ? core : withCaseOf(core, chosen);
  }

  private void resolveHeld(String next) {
    Held h = held;
    if (h == null) {
      return;
    }
    held = null;
    Dictionary.Pair pair = h.pair;
    String word =
        pair != null && pair.allowsBefore(next) ? decide(pair, h.context, h.core, h.lower) : h.core;
    out.append(h.prefix).append(word).append(h.tail);
  }

  private void emitOther(String s) {
    resolveHeld(Dictionary.OTHER);
    out.append(s);
    prev = Dictionary.OTHER;
  }

  private void scanState(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.contains("<think>")
        || lower.contains("<thinking>")
        || lower.contains("<reasoning>")) {
      inThink = !closesThink(lower);
    }
    if (s.charAt(0) == '\'' || s.charAt(0) == '\u2018') {
      inSingle = true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '`') {
        inInline = !inInline;
      } else if (!inInline) {
        switch (c) {
          case '"' -> inQuote = !inQuote;
          case '\u201C' -> inQuote = true;
          case '\u201D' -> inQuote = false;
          case '{' -> braceDepth++;
          case '}' -> braceDepth = Math.max(0, braceDepth - 1);
          default -> {}
        }
      }
    }
    int e = s.length();
    while (e > 0 && SUFFIX.indexOf(s.charAt(e - 1)) >= 0) {
      e--;
    }
    if (e >= 2) {
      char last = s.charAt(e - 1);
      if ((last == '\'' || last == '\u2019') && s.charAt(e - 2) != 's') {
        inSingle = false;
      }
    }
  }

  private static boolean closesThink(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    return lower.contains("</think>")
        || lower.contains("</thinking>")
        || lower.contains("</reasoning>");
  }

  /** Letters with at most one inner apostrophe ("can't"); nothing else. */
  static boolean isPlainWord(String core) {
    if (core.isEmpty()) {
      return false;
    }
    boolean apostrophe = false;
    for (int i = 0; i < core.length(); i++) {
      char c = core.charAt(i);
      if (c == '\'' || c == '\u2019') {
        if (apostrophe || i == 0 || i == core.length() - 1) {
          return false;
        }
        apostrophe = true;
      } else if (!Character.isLetter(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allCaps(String core) {
    if (core.length() < 2) {
      return false;
    }
    for (int i = 0; i < core.length(); i++) {
      if (Character.isLowerCase(core.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@code word} written with the capitalisation of {@code original}. */
  static String withCaseOf(String original, String word) {
    String w = original.indexOf('\u2019') >= 0 ? word.replace('\'', '\u2019') : word;
    if (Character.isUpperCase(original.charAt(0))) {
      return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
    return w;
  }

  private static final class Held {
    final String prefix;
    final String core;
    final String lower;
    final Dictionary.@Nullable Pair pair;
    final String context;

    /** True when this is the first word of a possible two-word form ("is" before "not"). */
    final boolean firstOfTwo;

    final StringBuilder tail = new StringBuilder();

    Held(
        String prefix,
        String core,
        String lower,
        Dictionary.@Nullable Pair pair,
        String context,
        boolean firstOfTwo) {
      this.prefix = prefix;
      this.core = core;
      this.lower = lower;
      this.pair = pair;
      this.context = context;
      this.firstOfTwo = firstOfTwo;
    }

    int length() {
      return prefix.length() + core.length() + tail.length();
    }
  }
}
