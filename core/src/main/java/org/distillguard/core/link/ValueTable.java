package org.distillguard.core.link;

import java.util.Arrays;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * Every evidence value seen, keyed by its tagged 64-bit hash: how many accounts share it, how many
 * of those are established, the last few accounts that took it up (the candidates a newcomer is
 * compared with) and, once two accounts share it, a readable label for reports.
 *
 * <p>Open addressing over parallel primitive arrays: about 40 bytes a value, no boxing, no
 * per-entry objects. Most values (a person's own card, their home address) are held by one account
 * and cost only their slot.
 */
final class ValueTable implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Recent accounts remembered per value. */
  static final int RING = 4;

  private long[] keys = new long[0];
  private int[] accounts = new int[0];
  private int[] established = new int[0];
  private int[] ring = new int[0];
  private byte[] ringNext = new byte[0];
  private @Nullable String[] labels = new String[0];
  private int size;
  private int mask;

  ValueTable() {
    allocate(1 << 12);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    accounts = new int[capacity];
    established = new int[capacity];
    ring = new int[capacity * RING];
    Arrays.fill(ring, -1);
    ringNext = new byte[capacity];
    labels = new String[capacity];
    mask = capacity - 1;
    size = 0;
  }

  int size() {
    return size;
  }

  /** The slot of {@code key}, or -1. {@code key} must not be 0. */
  int find(long key) {
    int i = Hashing.spread(key, Integer.numberOfTrailingZeros(mask + 1));
    while (true) {
      long k = keys[i];
      if (k == key) {
        return i;
      }
      if (k == 0) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** The slot of {@code key}, added (held by nobody yet) if absent. */
  int slot(long key) {
    if (size * 4 >= (mask + 1) * 3) {
      grow();
    }
    int i = Hashing.spread(key, Integer.numberOfTrailingZeros(mask + 1));
    while (true) {
      long k = keys[i];
      if (k == key) {
        return i;
      }
      if (k == 0) {
        keys[i] = key;
        size++;
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  int accounts(int slot) {
    return accounts[slot];
  }

  int established(int slot) {
    return established[slot];
  }

  @Nullable String label(int slot) {
    return labels[slot];
  }

  void label(int slot, @Nullable String label) {
    labels[slot] = label;
  }

  /** The {@code k}-th remembered account of the slot, or -1. */
  int recent(int slot, int k) {
    return ring[slot * RING + k];
  }

  /** Counts a new holder of the value and remembers it as the most recent one. */
  void add(int slot, int account, boolean isEstablished) {
    accounts[slot]++;
    if (isEstablished) {
      established[slot]++;
    }
    int at = ringNext[slot];
    ring[slot * RING + at] = account;
    ringNext[slot] = (byte) ((at + 1) % RING);
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldAccounts = accounts;
    int[] oldEstablished = established;
    int[] oldRing = ring;
    byte[] oldNext = ringNext;
    @Nullable String[] oldLabels = labels;
    allocate(oldKeys.length * 2);
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = slot(oldKeys[j]);
        accounts[i] = oldAccounts[j];
        established[i] = oldEstablished[j];
        System.arraycopy(oldRing, j * RING, ring, i * RING, RING);
        ringNext[i] = oldNext[j];
        labels[i] = oldLabels[j];
      }
    }
  }

  /** Bytes held, for memory accounting. */
  long bytes() {
    return (long) keys.length * (8 + 4 + 4 + 4 * RING + 1 + 4);
  }
}
