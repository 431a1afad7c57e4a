package org.distillguard.intel.sanitize;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A keyed MinHash sketch of a set of prompt shingles: {@link #SIZE} minima, each the upper 32 bits
 * of a keyed 64-bit hash. The fraction of equal positions between two sketches estimates the
 * Jaccard similarity of the underlying sets with standard error about {@code sqrt(J(1-J)/64)} (≤
 * 0.0625). Without the consortium key the minima cannot be linked to any text.
 *
 * @param keyId the consortium key the sketch was computed under (sketches under different keys do
 *     not compare)
 * @param minima the {@link #SIZE} minima, unsigned 32-bit values held in ints
 * @param shingles how many distinct shingles went into the sketch
 * @param prompts how many prompts contributed
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; never shared
public record TemplateSketch(String keyId, int[] minima, int shingles, int prompts) {
  /** Number of hash functions. */
  public static final int SIZE = 64;

  public TemplateSketch {
    if (minima.length != SIZE) {
      throw new IllegalArgumentException("a sketch has " + SIZE + " minima, got " + minima.length);
    }
    minima = minima.clone();
  }

  /** The minima as 512 lower-case hex digits, 8 per minimum, big-endian. */
  public String hex() {
    byte[] b = new byte[SIZE * 4];
    for (int i = 0; i < SIZE; i++) {
      int v = minima[i];
      b[4 * i] = (byte) (v >>> 24);
      b[4 * i + 1] = (byte) (v >>> 16);
      b[4 * i + 2] = (byte) (v >>> 8);
      b[4 * i + 3] = (byte) v;
    }
    return HexFormat.of().formatHex(b);
  }

  /** Parses {@link #hex()}. */
  public static int[] parseHex(String hex) {
    if (hex.length() != SIZE * 8) {
      throw new IllegalArgumentException("a sketch is " + SIZE * 8 + " hex digits");
    }
    byte[] b = HexFormat.of().parseHex(hex);
    int[] m = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      m[i] =
          ((b[4 * i] & 0xff) << 24)
              | ((b[4 * i + 1] & 0xff) << 16)
              | ((b[4 * i + 2] & 0xff) << 8)
              | (b[4 * i + 3] & 0xff);
    }
    return m;
  }

  /** Estimated Jaccard similarity: the fraction of equal minima (0 for sketches of no shingle). */
  public static double similarity(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < SIZE; i++) {
      if (a[i] == b[i] && a[i] != -1) {
        same++;
      }
    }
    return same / (double) SIZE;
  }

  @Override
  public int[] minima() {
    return minima.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TemplateSketch s
        && keyId.equals(s.keyId)
        && Arrays.equals(minima, s.minima)
        && shingles == s.shingles
        && prompts == s.prompts;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(minima);
  }

  @Override
  public String toString() {
    return "TemplateSketch[" + keyId + ", " + shingles + " shingles, " + prompts + " prompts]";
  }
}
