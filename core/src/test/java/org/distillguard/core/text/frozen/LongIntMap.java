package org.distillguard.core.text.frozen;

/**
 * An immutable-after-build open-addressing map from non-zero {@code long} keys to {@code int}
 * values: the lexicon lookup runs for every word of every prompt, and a boxed {@code HashMap}
 * lookup costs an allocation each time.
 */
final class LongIntMap {
  private final long[] keys;
  private final int[] values;
  private final int mask;
  private final int log2Capacity;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 3)) << 1;
    keys = new long[cap];
    values = new int[cap];
    mask = cap - 1;
    log2Capacity = Integer.numberOfTrailingZeros(cap);
  }

  /** ORs {@code bits} into the value of {@code key}. */
  void or(long key, int bits) {
    if (key == 0) {
      throw new IllegalArgumentException("0 is not a valid key");
    }
    int i = Hashing.spread(key, log2Capacity);
    while (keys[i] != 0 && keys[i] != key) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] |= bits;
  }

  /** The value of {@code key}, or 0. */
  int get(long key) {
    int i = Hashing.spread(key, log2Capacity);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return 0;
      }
      i = (i + 1) & mask;
    }
  }
}
