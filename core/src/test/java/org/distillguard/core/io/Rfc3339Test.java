package org.distillguard.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {
  @ParameterizedTest
  @ValueSource(longs = {11, 22, 33})
  void fastPathAgreesWithJavaTimeBothWays(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      long ms = r.nextLong(-2_000_000_000_000L, 250_000_000_000_000L);
      String text = Rfc3339.format(ms);
      assertThat(Instant.parse(text).toEpochMilli()).isEqualTo(ms);
      assertThat(Rfc3339.parseMillis(text)).isEqualTo(ms);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-13-01T00:00:00Z",
        "2026-01-01",
        "2026-01-01T25:00:00Z",
        "",
        "2026-01-01T00:00:00.Z"
      })
  void rejectsWhatIsNotADateTime(String s) {
    assertThatThrownBy(() -> Rfc3339.parseMillis(s)).isInstanceOf(IllegalArgumentException.class);
  }
}
