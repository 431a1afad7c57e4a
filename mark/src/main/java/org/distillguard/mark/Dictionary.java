package org.distillguard.mark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The curated two-way choices of the watermark (see {@code dictionary.tsv} for the file format and
 * the review rules, and docs/WATERMARK.md for what was rejected and why).
 *
 * <p>Each {@link Pair} is a choice between two words whose common senses match, plus the contexts
 * in which the choice may be made: the previous word ({@code after}, {@code notAfter}), the next
 * word ({@code notBefore}) and whether the word must be followed by a comma. A word belongs to at
 * most one pair, so a word identifies its pair. Immutable and thread-safe.
 */
public final class Dictionary {
  /** The context of a word that starts a sentence or a line. */
  public static final String START = "^";

  /** The context of a token that is not a plain word (a number, code, a symbol). */
  public static final String OTHER = "#";

  private static final String RESOURCE = "dictionary.tsv";
  private static final Set<String> ARTICLES = Set.of("a", "an");
  private static volatile @Nullable Dictionary standard;

  private final List<Pair> pairs;
  private final Map<String, Pair> byWord;
  private final Set<String> firstWords;

  private Dictionary(List<Pair> pairs) {
    this.pairs = List.copyOf(pairs);
    Map<String, Pair> m = new HashMap<>();
    for (Pair p : pairs) {
      for (String w : List.of(p.a(), p.b())) {
        if (m.put(w, p) != null) {
          throw new IllegalArgumentException("word in two pairs: " + w);
        }
      }
    }
    this.byWord = m;
    Set<String> f = new java.util.HashSet<>();
    for (Pair p : pairs) {
      if (p.twoWords()) {
        f.add(p.first());
      }
    }
    this.firstWords = f;
  }

  /** The dictionary that ships with DistillGuard. */
  public static Dictionary standard() {
    Dictionary d = standard;
    if (d == null) {
      try (InputStream in = Dictionary.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        d = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      standard = d;
    }
    return d;
  }

  /** Parses the tab-separated format of {@code dictionary.tsv}. */
  public static Dictionary parse(BufferedReader r) throws IOException {
    Map<String, List<String>> macros = new HashMap<>();
    List<Pair> out = new ArrayList<>();
    int lineNo = 0;
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("@")) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          throw new IOException("line " + lineNo + ": list without '='");
        }
        macros.put(line.substring(0, eq).trim(), List.of(line.substring(eq + 1).trim().split(",")));
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 11) {
        throw new IOException("line " + lineNo + ": expected 11 tab-separated fields");
      }
      out.add(
          new Pair(
              f[0],
              f[1],
              f[2],
              f[3],
              f[4],
              list(f[7], macros),
              list(f[8], macros),
              list(f[9], macros),
              f[10].equals("comma"),
              f[10].equals("noend")));
    }
    return new Dictionary(out);
  }

  private static Set<String> list(String field, Map<String, List<String>> macros) {
    if (field.equals("-")) {
      return Set.of();
    }
    Set<String> s = new LinkedHashSet<>();
    for (String w : field.split(",")) {
      List<String> m = macros.get(w);
      if (m != null) {
        s.addAll(m);
      } else {
        s.add(w);
      }
    }
    return Collections.unmodifiableSet(s);
  }

  /** All pairs, in file order. */
  public List<Pair> pairs() {
    return pairs;
  }

  /** The pair a lowercase word belongs to, or null. */
  public @Nullable Pair pairOf(String lowercaseWord) {
    return byWord.get(lowercaseWord);
  }

  /** Whether some two-word pair's written-out form ("do not", "it is") starts with a word. */
  public boolean startsTwoWordPair(String lowercaseWord) {
    return firstWords.contains(lowercaseWord);
  }

  /**
   * The form of a lowercase word used as context: for a word of a pair, the last word of the pair's
   * first form ("often" for "frequently", "not" for "isn't"), so marking a word never changes its
   * neighbour's context; the word itself otherwise.
   */
  public String canonical(String lowercaseWord) {
    Pair p = byWord.get(lowercaseWord);
    return p == null ? lowercaseWord : p.last();
  }

  /**
   * One two-way choice.
   *
   * @param a the first word (also the canonical form used as a neighbour's context)
   * @param b the second word
   * @param pos WordNet part of speech: n, v, a or r
   * @param source "wordnet" (a shared synset) or "variant" (a spelling or contraction variant)
   * @param synset the WordNet 3.0 synset offset both share, or "-"
   * @param after previous words after which the choice may be made ("*" any)
   * @param notAfter previous words after which it is never made
   * @param notBefore next words before which it is never made
   * @param commaOnly whether the word must be directly followed by a comma
   * @param noEnd never when the word (for a two-word form, its second word) carries punctuation: a
   *     clause end, where "it is" cannot be contracted and "as it happens," is an idiom
   */
  public record Pair(
      String a,
      String b,
      String pos,
      String source,
      String synset,
      Set<String> after,
      Set<String> notAfter,
      Set<String> notBefore,
      boolean commaOnly,
      boolean noEnd) {
    public Pair {
      Objects.requireNonNull(a);
      Objects.requireNonNull(b);
      if (a.equals(b) || !a.equals(a.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("bad pair " + a + "/" + b);
      }
    }

    /** Whether the first form is two words ("is not"). */
    public boolean twoWords() {
      return a.indexOf(' ') > 0;
    }

    /** The first word of the first form. */
    public String first() {
      int i = a.indexOf(' ');
      return i < 0 ? a : a.substring(0, i);
    }

    /** The second word of a two-word first form ("not"), or the whole first form. */
    public String second() {
      int i = a.indexOf(' ');
      return i < 0 ? a : a.substring(i + 1);
    }

    /** The last word of the first form: the canonical context its words give a neighbour. */
    public String last() {
      return second();
    }

    /** The stable id of the pair in keyed functions: "a|b". */
    public String id() {
      return a + "|" + b;
    }

    /**
     * Whether the choice may be made after the (canonical) previous word {@code prev}: listed in
     * {@code after} (or after is "*"), not in {@code notAfter}, and, after "a"/"an", only when both
     * words take the same article.
     */
    public boolean allowsAfter(String prev) {
      if (!(after.contains("*") || after.contains(prev)) || notAfter.contains(prev)) {
        return false;
      }
      return !ARTICLES.contains(prev) || vowelSound(a) == vowelSound(b);
    }

    /** Whether the choice may be made before the (canonical) next word. */
    public boolean allowsBefore(String next) {
      return !notBefore.contains(next);
    }

    /** Whether the choice must see the next word before it is made. */
    public boolean needsNext() {
      return !notBefore.isEmpty();
    }

    private static boolean vowelSound(String w) {
      return "aeiou".indexOf(w.charAt(0)) >= 0;
    }
  }
}
