package org.distillguard.core.link;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.distillguard.core.state.Bulk;
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
final class ValueTable {

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

  /**
   * Writes the table: its capacity and every value in use at its slot, so that {@link #read} gives
   * back the same table, slot for slot.
   */
  void write(DataOutput out) throws IOException {
    out.writeInt(mask + 1);
    out.writeInt(size);
    int[] slots = new int[size];
    int n = 0;
    for (int i = 0; i <= mask; i++) {
      if (keys[i] != 0) {
        slots[n++] = i;
      }
    }
    long[] k = new long[size];
    int[] acc = new int[size];
    int[] est = new int[size];
    int[] rng = new int[size * RING];
    byte[] nxt = new byte[size];
    @Nullable String[] lab = new String[size];
    for (int j = 0; j < size; j++) {
      int i = slots[j];
      k[j] = keys[i];
      acc[j] = accounts[i];
      est[j] = established[i];
      System.arraycopy(ring, i * RING, rng, j * RING, RING);
      nxt[j] = ringNext[i];
      lab[j] = labels[i];
    }
    Bulk.writeInts(out, slots, size);
    Bulk.writeLongs(out, k, size);
    Bulk.writeInts(out, acc, size);
    Bulk.writeInts(out, est, size);
    Bulk.writeInts(out, rng, size * RING);
    Bulk.writeBytes(out, nxt, size);
    Bulk.writeStrings(out, lab, size);
  }

  /** The table {@link #write} wrote. */
  static ValueTable read(DataInput in) throws IOException {
    int capacity = in.readInt();
    int n = in.readInt();
    if (capacity < 1 || Integer.bitCount(capacity) != 1 || n < 0 || n > capacity) {
      throw new IOException("not a value table: capacity " + capacity + ", size " + n);
    }
    int[] slots = Bulk.readInts(in, n, 0);
    long[] k = Bulk.readLongs(in, n, 0);
    int[] acc = Bulk.readInts(in, n, 0);
    int[] est = Bulk.readInts(in, n, 0);
    int[] rng = Bulk.readInts(in, n * RING, 0);
    byte[] nxt = Bulk.readBytes(in, n, 0);
    @Nullable String[] lab = Bulk.readStrings(in, n, 0);
    ValueTable t = new ValueTable();
    t.allocate(capacity);
    for (int j = 0; j < n; j++) {
      int i = slots[j];
      if (i < 0 || i >= capacity || k[j] == 0) {
        throw new IOException("not a value table: slot " + i);
      }
      t.keys[i] = k[j];
      t.accounts[i] = acc[j];
      t.established[i] = est[j];
      System.arraycopy(rng, j * RING, t.ring, i * RING, RING);
      t.ringNext[i] = nxt[j];
      t.labels[i] = lab[j];
    }
    t.size = n;
    return t;
  }

  /** Bytes held, for memory accounting. */
  long bytes() {
    return (long) keys.length * (8 + 4 + 4 + 4 * RING + 1 + 4);
  }
}
