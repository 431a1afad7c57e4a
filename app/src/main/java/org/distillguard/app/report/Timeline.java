package org.distillguard.app.report;

/**
 * An account's score over its requests, downsampled for a chart. The three arrays have the same
 * length, one entry per point, in increasing {@code requestIndex}.
 *
 * @param timeMillis the time of the point's request
 * @param score the account's score after that request, 0..1
 * @param requestIndex the 1-based ordinal of that request within the account
 */
@SuppressWarnings("ArrayRecordComponent") // compact columns for 100k points; not compared
public record Timeline(long[] timeMillis, float[] score, long[] requestIndex) {
  public Timeline {
    if (timeMillis.length != score.length || score.length != requestIndex.length) {
      throw new IllegalArgumentException(
          "timeline arrays differ in length: "
              + timeMillis.length
              + ", "
              + score.length
              + ", "
              + requestIndex.length);
    }
  }

  /** Number of points. */
  public int size() {
    return score.length;
  }
}
