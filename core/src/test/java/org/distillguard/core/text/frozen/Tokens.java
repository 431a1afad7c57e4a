package org.distillguard.core.text.frozen;

/**
 * The one tokenizer every text feature shares: words are maximal runs of letters and digits,
 * lower-cased, digits folded to {@code 0}, each reduced to a 64-bit FNV-1a hash. Scripts written
 * without spaces (Chinese, Japanese) are cut every four characters so that they still yield words.
 * Sharing it means a prompt is scanned once per request, whatever the number of features.
 */
final class Tokens {
  static final long FNV_OFFSET = 0xcbf29ce484222325L;
  static final long FNV_PRIME = 0x100000001B3L;

  private Tokens() {}

  /** Receives the tokens of a text, in order. */
  interface Sink {
    /**
     * One word.
     *
     * @param hash the word's hash
     * @param digitsOnly the word is a number
     */
    void word(long hash, boolean digitsOnly);

    /** A character that is not part of a word. */
    default void symbol(char c, char next) {}

    /** A letter of a word, before folding (for script statistics). */
    default void letter(char c) {}
  }

  /** ASCII letters and digits without a table lookup; everything else asks {@link Character}. */
  private static boolean isWordChar(char c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return Character.isLetterOrDigit(c);
  }

  static void scan(String s, Sink sink) {
    int len = s.length();
    int i = 0;
    while (i < len) {
      char c = s.charAt(i);
      if (!isWordChar(c)) {
        sink.symbol(c, i + 1 < len ? s.charAt(i + 1) : ' ');
        i++;
        continue;
      }
      long h = FNV_OFFSET;
      boolean digits = true;
      int start = i;
      while (i < len) {
        c = s.charAt(i);
        if (!isWordChar(c)) {
          break;
        }
        if (c >= '0' && c <= '9' || (c >= 128 && Character.isDigit(c))) {
          c = '0';
        } else {
          digits = false;
          sink.letter(c);
          c = c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
        }
        h = (h ^ c) * FNV_PRIME;
        i++;
        if (c > 0x2E80 && i - start >= 4) {
          break;
        }
      }
      sink.word(h, digits);
    }
  }

  /** The hash {@link #scan} gives a single word written in lower case. */
  static long hashWord(String w) {
    long[] out = {0};
    int[] n = {0};
    scan(
        w,
        (h, d) -> {
          out[0] = h;
          n[0]++;
        });
    if (n[0] != 1) {
      throw new IllegalArgumentException("not a single word: " + w);
    }
    return out[0];
  }

  /** The word hashes of a phrase. */
  static long[] hashPhrase(String phrase) {
    long[] buf = new long[16];
    int[] n = {0};
    scan(phrase, (h, d) -> buf[n[0]++] = h);
    return java.util.Arrays.copyOf(buf, n[0]);
  }
}
