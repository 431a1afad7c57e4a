package org.distillguard.flink;

/**
 * The last {@link #SIZE} exchanges of one account, as 64-bit hashes of their ids, oldest first: a
 * gateway that restarts re-sends the exchanges Kafka had not acknowledged, and one seen among an
 * account's recent ones is that copy, not new evidence. Kept in the job's keyed state beside the
 * detector's account state (264 bytes an account when full), not in the core detector: only a
 * stream fed at least once needs it.
 */
final class RecentExchanges {
  /**
   * How far back a copy is recognised, in the account's own exchanges. A re-sent copy follows its
   * original after at most what the gateway had in flight (one spill segment plus the producer's
   * buffer), of which one account's share is normally a handful of requests.
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
      long[] grown = java.util.Arrays.copyOf(recent, recent.length + 1);
      grown[recent.length] = hash;
      return grown;
    }
    System.arraycopy(recent, 1, recent, 0, recent.length - 1);
    recent[recent.length - 1] = hash;
    return recent;
  }
}
