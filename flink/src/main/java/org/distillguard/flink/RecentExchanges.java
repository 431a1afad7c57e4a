package org.distillguard.flink;

import java.util.Arrays;

/**
 * The last {@link #SIZE} exchanges of one account, as 64-bit hashes of their ids, oldest first: a
 * gateway that restarts re-sends the exchanges Kafka had not acknowledged, and one seen among an
 * account's recent ones is that copy, not new evidence. Kept in the job's keyed state beside the
 * detector's account state (260 bytes an account when full), not in the core detector: only a
 * stream fed at least once needs it.
 */
final class RecentExchanges {
  /**
   * How far back a copy is recognised, in the account's own exchanges. Copies of what the producer
   * had in flight follow their originals closely; a spill segment re-sent from its start can put
   * more than this many of an account's exchanges between a copy and its original, and such a copy
   * passes as new (see "Duplicates" in {@code docs/SCALE-OUT.md}). A new exchange is taken for a
   * copy only if its 64-bit hash equals one of the last 32: about 2^-59 per exchange.
   */
  static final int SIZE = 32;

  private static final long[] NONE = new long[0];

  private RecentExchanges() {}

  static long[] none() {
    return NONE;
  }

  /** Whether {@code hash} is among {@code recent}. */
  static boolean contains(long[] recent, long hash) {
    for (long h : recent) {
      if (h == hash) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code recent} with {@code hash} appended, dropping the oldest when full. A full array is
   * shifted in place (with the heap state backend it is the live state object).
   */
  static long[] add(long[] recent, long hash) {
    if (recent.length < SIZE) {
      long[] grown = Arrays.copyOf(recent, recent.length + 1);
      grown[recent.length] = hash;
      return grown;
    }
    System.arraycopy(recent, 1, recent, 0, recent.length - 1);
    recent[recent.length - 1] = hash;
    return recent;
  }
}
