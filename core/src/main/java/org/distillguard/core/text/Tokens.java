package org.distillguard.core.text;

/**
 * The one tokenizer every text feature shares: words are maximal runs of letters and digits,
 * lower-cased, digits folded to {@code 0}, each reduced to a 64-bit FNV-1a hash. Scripts written
 * without spaces (Chinese, Japanese) are cut every four characters so that they still yield words.
 * Sharing it means a prompt is scanned once per request, whatever the number of features.
 */
final class Tokens {
  static final long FNV_OFFSET = 0xcbf29ce484222325L;
  static final long FNV_PRIME = 0x100000001B3L;

  /**
   * The value FNV's step {@code (x ^ 0) * FNV_PRIME} turns into {@link #FNV_OFFSET}: the offset
   * times the prime's inverse modulo 2^64 (the prime is odd, so it has one).
   */
  private static final long RESTART = FNV_OFFSET * inverse(FNV_PRIME);

  /** Letters after folding above this belong to scripts without spaces: cut every 4 chars. */
  private static final char UNSPACED = 0x2E80;

  private static final int UNSPACED_CHUNK = 4;

  /** Letters above this are not Latin (for script statistics). */
  private static final char LATIN_END = 0x024F;

  /**
   * ASCII char to what it hashes as: lower case for letters, {@code '0'} for digits, 0 when it is
   * not part of a word. One load instead of three range tests and a case fold per character.
   */
  private static final byte[] ASCII_FOLD = new byte[128];

  /** Character types that make a word: {@link Character#isLetterOrDigit(char)}'s definition. */
  private static final int WORD_TYPES =
      1 << Character.UPPERCASE_LETTER
          | 1 << Character.LOWERCASE_LETTER
          | 1 << Character.TITLECASE_LETTER
          | 1 << Character.MODIFIER_LETTER
          | 1 << Character.OTHER_LETTER
          | 1 << Character.DECIMAL_DIGIT_NUMBER;

  /** What an ASCII character outside words adds to the operators (low) and code (high) counts. */
  private static final long[] SYMBOLS = new long[128];

  static {
    for (char c : "+*/=^<>%".toCharArray()) {
      SYMBOLS[c] = 1;
    }
    for (char c : "{};`".toCharArray()) {
      SYMBOLS[c] = 1L << 32;
    }
    for (char c = '0'; c <= '9'; c++) {
      ASCII_FOLD[c] = '0';
    }
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII_FOLD[c] = (byte) c;
      ASCII_FOLD[c - 32] = (byte) c;
    }
  }

  private Tokens() {}

  /**
   * The inverse of an odd number modulo 2^64, by Newton's iteration (each step doubles the bits).
   */
  private static long inverse(long odd) {
    long x = odd; // right to 3 bits
    for (int k = 0; k < 5; k++) {
      x *= 2 - odd * x;
    }
    return x;
  }

  /** Receives the tokens of a text, in order (for callers off the hot path). */
  interface Sink {
    /**
     * One word.
     *
     * @param hash the word's hash
     * @param digitsOnly the word is a number
     */
    void word(long hash, boolean digitsOnly);
  }

  /**
   * One text's words, read in a single pass into reusable arrays: their hashes and letter counts,
   * and counts of the symbols between them that look like math or code. Not thread-safe: one per
   * thread, reused from text to text.
   *
   * <p>ASCII text, most of the traffic, is read without a branch per character: every character
   * updates the running hash or resets it through masks, and each character stores the word in
   * progress at the next free slot, which only advances when a word ends. A branchy loop
   * mispredicts at about every word boundary, and that cost more than the hashing. Other characters
   * take an exact, branchy path.
   */
  static final class Words {
    private static final int INITIAL = 64;

    /** Hashes of the words, {@link #count} of them. */
    long[] hash = new long[INITIAL];

    /** Letters (not digits) of each word; 0 for a number. */
    int[] letters = new int[INITIAL];

    int count;

    /** Letters outside the Latin blocks (above U+024F, before folding), in all words. */
    int nonLatinLetters;

    /** Operators ({@code + * / = ^ < > %}) outside words: a sign of arithmetic or a formula. */
    int operators;

    /** Code characters outside words: {@code { } ; `} count one, an empty {@code ()} two more. */
    int codeChars;

    /** Reads {@code s}, replacing what was read before. */
    Words read(String s) {
      int len = s.length();
      if (hash.length < len + 1) { // at most one word per character, and the slot in progress
        hash = new long[len + 1];
        letters = new int[len + 1];
      }
      long[] hs = hash;
      int[] ls = letters;
      int n = 0;
      long h = FNV_OFFSET;
      int wordLetters = 0;
      int inWord = 0; // -1 inside a word, else 0
      int nonLatin = 0;
      int chunkStart = 0; // where the word after the last cut of unspaced text starts
      int i = 0;
      while (true) {
        // ASCII: no branch per character, no call in the loop (it then compiles tight)
        for (; i < len; i++) {
          char c = s.charAt(i);
          if (c >= 128) {
            break;
          }
          int f = ASCII_FOLD[c];
          int m = -((f + 127) >>> 7); // -1 for a word character
          long lm = m;
          hs[n] = h;
          ls[n] = wordLetters;
          n += inWord & ~m & 1;
          // inside a word FNV goes on; outside it restarts: (RESTART ^ 0) * prime is the offset.
          // Only an AND, an XOR and the multiply depend on the previous character's hash.
          h = ((h & lm) ^ (f | (RESTART & ~lm))) * FNV_PRIME;
          wordLetters = (wordLetters + ((f - ('0' + 1)) >>> 31 ^ 1)) & m;
          inWord = m;
        }
        if (i >= len) {
          break;
        }
        // one other character, exactly as Character sees it
        char c = s.charAt(i);
        int type = Character.getType(c);
        if (((WORD_TYPES >> type) & 1) == 0) {
          hs[n] = h;
          ls[n] = wordLetters;
          n += inWord & 1;
          h = FNV_OFFSET;
          wordLetters = 0;
          inWord = 0;
        } else {
          char f;
          if (type == Character.DECIMAL_DIGIT_NUMBER) {
            f = '0';
          } else {
            wordLetters++;
            if (c > LATIN_END) {
              nonLatin++;
            }
            f = Character.toLowerCase(c);
          }
          int wordLength = inWord == 0 ? 1 : lengthSoFar(s, i, chunkStart);
          h = (h ^ f) * FNV_PRIME;
          inWord = -1;
          if (f > UNSPACED && wordLength >= UNSPACED_CHUNK) {
            hs[n] = h;
            ls[n] = wordLetters;
            n++;
            h = FNV_OFFSET;
            wordLetters = 0;
            inWord = 0;
            chunkStart = i + 1;
          }
        }
        i++;
      }
      hs[n] = h;
      ls[n] = wordLetters;
      n += inWord & 1;
      count = n;
      nonLatinLetters = nonLatin;
      long sym = symbols(s);
      operators = (int) sym;
      codeChars = (int) (sym >>> 32);
      return this;
    }

    /**
     * Operators (low half) and code characters (high half) in {@code s}: a loop of its own, as the
     * word loop has no register to spare for it. Letters and digits count 0, so all characters can
     * be summed.
     */
    private static long symbols(String s) {
      long sym = 0;
      int len = s.length();
      for (int i = 0; i < len; i++) {
        char c = s.charAt(i);
        if (c < 128) {
          sym += SYMBOLS[c];
          if (c == ')' && i > 0 && s.charAt(i - 1) == '(') {
            sym += 2L << 32;
          }
        }
      }
      return sym;
    }

    /**
     * The length, up to {@link #UNSPACED_CHUNK}, of the word that {@code s[i]} continues: its word
     * characters back to the last non-word character or cut, whichever is later.
     */
    private static int lengthSoFar(String s, int i, int chunkStart) {
      int k = i;
      while (i - k < UNSPACED_CHUNK - 1 && k > chunkStart && isWordChar(s.charAt(k - 1))) {
        k--;
      }
      return i - k + 1;
    }
  }

  private static boolean isWordChar(char c) {
    return c < 128 ? ASCII_FOLD[c] != 0 : ((WORD_TYPES >> Character.getType(c)) & 1) != 0;
  }

  static void scan(String s, Sink sink) {
    Words words = new Words().read(s);
    for (int k = 0; k < words.count; k++) {
      sink.word(words.hash[k], words.letters[k] == 0);
    }
  }

  /** The hash {@link #scan} gives a single word written in lower case. */
  static long hashWord(String w) {
    Words words = new Words().read(w);
    if (words.count != 1) {
      throw new IllegalArgumentException("not a single word: " + w);
    }
    return words.hash[0];
  }

  /** The word hashes of a phrase. */
  static long[] hashPhrase(String phrase) {
    Words words = new Words().read(phrase);
    return java.util.Arrays.copyOf(words.hash, words.count);
  }
}
