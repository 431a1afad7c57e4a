package org.distillguard.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds fixed phrases in a stream of word hashes: each phrase is indexed by its last word, so a
 * word costs one primitive-map lookup (or none: see {@link #lastWords}) and only the rare
 * candidates ending in it are compared. Matching on words rather than characters makes
 * "step-by-step", "Step by step" and "step by step" the same phrase.
 */
final class PhraseMatcher {
  private static final int MAX_WORDS = 8;

  private final List<long[]> phrases = new ArrayList<>();
  private final List<Integer> kinds = new ArrayList<>();
  private LongIntMap byLastWord = new LongIntMap(1);
  private long[][][] groups = new long[0][][];
  private int[][] groupKinds = new int[0][];

  /** Adds phrases of one kind (a bit flag); returns this. */
  PhraseMatcher add(int kind, String... texts) {
    for (String t : texts) {
      long[] words = Tokens.hashPhrase(t);
      if (words.length == 0 || words.length > MAX_WORDS) {
        throw new IllegalArgumentException("phrase must have 1 to 8 words: " + t);
      }
      phrases.add(words);
      kinds.add(kind);
    }
    compile();
    return this;
  }

  private void compile() {
    List<Long> lasts = new ArrayList<>();
    for (long[] p : phrases) {
      long last = p[p.length - 1];
      if (!lasts.contains(last)) {
        lasts.add(last);
      }
    }
    byLastWord = new LongIntMap(lasts.size());
    groups = new long[lasts.size()][][];
    groupKinds = new int[lasts.size()][];
    for (int g = 0; g < lasts.size(); g++) {
      long last = lasts.get(g);
      List<long[]> members = new ArrayList<>();
      List<Integer> memberKinds = new ArrayList<>();
      for (int i = 0; i < phrases.size(); i++) {
        long[] p = phrases.get(i);
        if (p[p.length - 1] == last) {
          members.add(p);
          memberKinds.add(kinds.get(i));
        }
      }
      groups[g] = members.toArray(new long[0][]);
      groupKinds[g] = memberKinds.stream().mapToInt(Integer::intValue).toArray();
      byLastWord.or(last, g + 1);
    }
  }

  /**
   * The words phrases end with, each once: the {@code i}-th starts group {@code i + 1} of {@link
   * #match}. A caller that already looks every word up in a table of its own can keep the group
   * there and so spare a second lookup per word.
   */
  long[] lastWords() {
    long[] out = new long[groups.length];
    for (int g = 0; g < groups.length; g++) {
      long[] first = groups[g][0];
      out[g] = first[first.length - 1];
    }
    return out;
  }

  /** The group (1-based) of the phrases ending in {@code word}, 0 if none does. */
  int group(long word) {
    return byLastWord.get(word);
  }

  /**
   * The kinds of the phrases of {@code group} (from {@link #group}) that end at the latest word.
   *
   * @param words the words so far, the latest at {@code count - 1}
   * @param count words seen so far, the latest included
   */
  int match(int group, long[] words, int count) {
    int found = 0;
    long[][] members = groups[group - 1];
    int[] kinds = groupKinds[group - 1];
    for (int m = 0; m < members.length; m++) {
      long[] p = members[m];
      if (p.length > count) {
        continue;
      }
      boolean all = true;
      for (int k = 2; k <= p.length && all; k++) {
        all = words[count - k] == p[p.length - k];
      }
      if (all) {
        found |= kinds[m];
      }
    }
    return found;
  }
}
