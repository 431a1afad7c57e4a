package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
  @Test
  void derivesOneStableKeyPerScopeAndId() {
    MasterKey m = MasterKey.fromHex("00112233445566778899aabbccddeeff");
    assertThat(m.campaign("c-1"))
        .isEqualTo(MasterKey.fromHex(" 00112233445566778899AABBCCDDEEFF\n").campaign("c-1"));
    Set<String> prints = new HashSet<>();
    for (Scope s : Scope.values()) {
      prints.add(m.derive(s, "x").fingerprint());
    }
    prints.add(m.account("y").fingerprint());
    assertThat(prints).hasSize(Scope.values().length + 1);
    assertThat(m.member("x").label()).isEqualTo("member:x");
    assertThat(m.toString()).doesNotContain("0011");
  }

  @Test
  void refusesShortMasterKeys() {
    assertThatThrownBy(() -> MasterKey.fromHex("0011"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyedChoicesAreFairCoins() {
    MarkKey.Chooser c = MarkerTest.MASTER.member("coins").chooser();
    int b = 0;
    for (int i = 0; i < 20_000; i++) {
      b += c.choosesB("often|frequently", "w" + i) ? 1 : 0;
    }
    assertThat(b).isBetween(9_600, 10_400);
  }
}
