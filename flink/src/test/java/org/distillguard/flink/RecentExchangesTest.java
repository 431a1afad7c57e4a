package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An account's recent exchange ids: a copy within the window is recognised, beyond it is not. */
class RecentExchangesTest {
  @Test
  void nothingIsSeenAtFirst() {
    assertThat(RecentExchanges.contains(RecentExchanges.none(), 0)).isFalse();
    assertThat(RecentExchanges.contains(RecentExchanges.none(), 42)).isFalse();
  }

  @Test
  void oneAddedIsSeen() {
    long[] r = RecentExchanges.add(RecentExchanges.none(), -7);
    assertThat(RecentExchanges.contains(r, -7)).isTrue();
    assertThat(RecentExchanges.contains(r, 7)).isFalse();
    assertThat(RecentExchanges.none()).isEmpty(); // the shared empty array is never written
  }

  @Test
  void theWindowKeepsTheLastSizeAndForgetsOlderOnes() {
    long[] r = RecentExchanges.none();
    int n = RecentExchanges.SIZE * 3 + 5;
    for (long h = 1; h <= n; h++) {
      r = RecentExchanges.add(r, h);
      assertThat(r.length).isEqualTo((int) Math.min(h, RecentExchanges.SIZE));
    }
    for (long h = 1; h <= n; h++) {
      assertThat(RecentExchanges.contains(r, h))
          .as("hash %d", h)
          .isEqualTo(h > n - RecentExchanges.SIZE);
    }
    // Oldest first.
    assertThat(r[0]).isEqualTo(n - RecentExchanges.SIZE + 1);
    assertThat(r[RecentExchanges.SIZE - 1]).isEqualTo(n);
  }
}
