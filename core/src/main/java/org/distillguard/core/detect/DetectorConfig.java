package org.distillguard.core.detect;

import java.util.Map;

/**
 * Settings of the detector.
 *
 * @param suspiciousAt score from which an account is {@code suspicious}
 * @param distillationAt score from which an account is {@code distillation}
 * @param minRequests requests an account must have sent before it can be flagged at all: a handful
 *     of requests is not evidence of harvesting
 * @param modelReleases epoch milliseconds at which each model was released, to recognise a sudden
 *     shift of traffic to a newly released model; models not listed are dated by their first
 *     appearance in the stream
 */
public record DetectorConfig(
    double suspiciousAt, double distillationAt, int minRequests, Map<String, Long> modelReleases)
    implements java.io.Serializable {

  public DetectorConfig {
    if (!(0 < suspiciousAt && suspiciousAt <= distillationAt && distillationAt < 1)) {
      throw new IllegalArgumentException(
          "need 0 < suspiciousAt <= distillationAt < 1, got "
              + suspiciousAt
              + ", "
              + distillationAt);
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be at least 1, got " + minRequests);
    }
    modelReleases = Map.copyOf(modelReleases);
  }

  public static DetectorConfig defaults() {
    return new DetectorConfig(0.5, 0.85, 12, Map.of());
  }
}
