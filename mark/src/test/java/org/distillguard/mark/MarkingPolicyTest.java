package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkingPolicyTest {
  final MasterKey master = MarkerTest.MASTER;

  @Test
  void theMostSpecificKeyWins() {
    MarkingPolicy all = MarkingPolicy.of(master, "acme", MarkingPolicy.Mode.ALL);
    assertThat(all.keyFor("a1", "c-17", true)).contains(master.campaign("c-17"));
    assertThat(all.keyFor("a1", null, true)).contains(master.account("a1"));
    assertThat(all.keyFor("a1", null, false)).contains(master.member("acme"));
  }

  @Test
  void suspectsModeLeavesOrdinaryAccountsAloneAndOffMarksNobody() {
    MarkingPolicy suspects = MarkingPolicy.of(master, "acme", MarkingPolicy.Mode.SUSPECTS);
    assertThat(suspects.keyFor("a1", null, false)).isEmpty();
    assertThat(suspects.markerFor("a1", null, true)).isPresent();
    MarkingPolicy off = MarkingPolicy.of(master, "acme", MarkingPolicy.Mode.OFF);
    assertThat(off.markerFor("a1", "c-17", true)).isEmpty();
  }

  @Test
  void reusesOneMarkerPerKey() {
    MarkingPolicy all = MarkingPolicy.of(master, "acme", MarkingPolicy.Mode.ALL);
    assertThat(all.markerFor("a1", "c-1", false).orElseThrow())
        .isSameAs(all.markerFor("a2", "c-1", false).orElseThrow());
  }
}
