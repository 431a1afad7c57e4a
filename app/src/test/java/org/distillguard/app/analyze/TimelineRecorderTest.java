package org.distillguard.app.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Objects;
import org.junit.jupiter.api.Test;

class TimelineRecorderTest {
  @Test
  void accountsBelowTheThresholdCostNothing() {
    TimelineRecorder r = new TimelineRecorder(0.3);
    r.record("quiet", 1, 1000, 0.1);
    assertThat(r.get("quiet")).isNull();
  }

  @Test
  void aShortLineStaysSmallAndKeepsEveryPoint() {
    TimelineRecorder r = new TimelineRecorder(0.3);
    for (int i = 1; i <= 5; i++) {
      r.record("a", i, 1000L * i, 0.5);
    }
    TimelineRecorder.Line l = Objects.requireNonNull(r.get("a"));
    assertThat(l.requests()).containsExactly(1, 2, 3, 4, 5);
    assertThat(l.request.length).isLessThanOrEqualTo(8);
  }

  @Test
  void aLongLineIsThinnedToBoundedSizeKeepingItsShape() {
    TimelineRecorder r = new TimelineRecorder(0.3);
    for (int i = 1; i <= 100_000; i++) {
      r.record("a", i, 1000L * i, 0.4 + i / 1_000_000.0);
    }
    TimelineRecorder.Line l = Objects.requireNonNull(r.get("a"));
    long[] req = l.requests();
    assertThat(req.length).isBetween(TimelineRecorder.CAP, 2 * TimelineRecorder.CAP);
    assertThat(req[0]).isEqualTo(1);
    assertThat(req[req.length - 1]).isGreaterThan(90_000);
    for (int i = 1; i < req.length; i++) {
      assertThat(req[i]).isGreaterThan(req[i - 1]);
    }
    assertThat(l.times()).hasSize(req.length);
  }
}
