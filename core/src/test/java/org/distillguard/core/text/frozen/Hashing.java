package org.distillguard.core.text.frozen;

/** Fast, well-mixed 64-bit hashing of text. Not cryptographic; stable across runs and JVMs. */
public final class Hashing {
  private Hashing() {}

  /** The finaliser of MurmurHash3: a full-avalanche mix of 64 bits. */
  public static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Hash of a whole string. */
  public static long hash(CharSequence s) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return mix(h);
  }

  /**
   * The top {@code bits} bits of {@code h} times the golden ratio (Fibonacci hashing): one
   * multiply, enough to spread an already hashed key over a power-of-two table.
   */
  public static int spread(long h, int bits) {
    return (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - bits));
  }

  /** Combines two hashes in an order-dependent way. */
  public static long combine(long a, long b) {
    return mix(a * 31 + b);
  }
}
