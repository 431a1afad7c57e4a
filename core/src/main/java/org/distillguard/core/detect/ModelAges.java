package org.distillguard.core.detect;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How long before a request its model was released: the configured release date, or else the
 * model's first appearance in the stream. The first-appearance dates are the one piece of detector
 * state shared across accounts; a partitioned runtime keeps one table per partition (and so may
 * date a model a little later than a single pass would; configured releases avoid that).
 */
public final class ModelAges {
  private final Map<String, Long> releases;
  private final Map<String, Long> firstSeen = new HashMap<>();

  public ModelAges(DetectorConfig config) {
    this.releases = config.modelReleases();
  }

  /**
   * The age of {@code model} at {@code timeMillis}, never negative; {@code Long.MAX_VALUE} without
   * a model. A model neither configured nor seen before is dated at this request.
   */
  public long age(@Nullable String model, long timeMillis) {
    if (model == null) {
      return Long.MAX_VALUE;
    }
    Long released = releases.get(model);
    if (released == null) {
      released = firstSeen.get(model);
      if (released == null) {
        released = timeMillis;
        firstSeen.put(model, released);
      }
    }
    return Math.max(0, timeMillis - released);
  }

  /** The first-appearance dates learned so far, for checkpoints. */
  public Map<String, Long> firstSeen() {
    return Map.copyOf(firstSeen);
  }

  /** Learns first-appearance dates from a checkpoint; the earliest date of a model wins. */
  public void restore(Map<String, Long> dates) {
    dates.forEach((m, t) -> firstSeen.merge(m, t, Math::min));
  }
}
