package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScoringModelTest {
  @Test
  void writesWhatItReads() throws Exception {
    ScoringModel shipped = ScoringModel.shipped();
    StringWriter w = new StringWriter();
    shipped.write(w, "round trip");
    ScoringModel back = ScoringModel.read(new StringReader(w.toString()));
    assertThat(back.bias()).isCloseTo(shipped.bias(), org.assertj.core.data.Offset.offset(1e-6));
    for (int i = 0; i < Signal.COUNT; i++) {
      assertThat(back.weights()[i])
          .isCloseTo(shipped.weights()[i], org.assertj.core.data.Offset.offset(1e-6));
      assertThat(back.refs()[i])
          .isCloseTo(shipped.refs()[i], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void unknownSignalsAndNonNumbersAreNamed() {
    assertThatThrownBy(() -> ScoringModel.read(new StringReader("rate.weight=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown signal in 'rate.weight'");
    assertThatThrownBy(() -> ScoringModel.read(new StringReader("request_rate.weight=high")))
        .hasMessageContaining("'request_rate.weight' is not a number");
    assertThatThrownBy(() -> ScoringModel.read(new StringReader("request_rate.scale=2")))
        .hasMessageContaining("unknown key 'request_rate.scale'");
  }

  @Test
  void anUnknownSignalValueIsNeutralAndReasonsLeaveItOut() {
    double[] w = new double[Signal.COUNT];
    w[Signal.YOUNG_ACCOUNT.ordinal()] = 3;
    ScoringModel m = new ScoringModel(0, w, new double[Signal.COUNT]);
    float[] x = new float[Signal.COUNT];
    Arrays.fill(x, 0f);
    x[Signal.YOUNG_ACCOUNT.ordinal()] = Float.NaN;
    assertThat(m.score(x)).isEqualTo(0.5);
    assertThat(m.reasons(x)).isEmpty();
    x[Signal.YOUNG_ACCOUNT.ordinal()] = 1f;
    assertThat(m.score(x)).isGreaterThan(0.95);
    assertThat(m.reasons(x)).extracting(Reason::signal).containsExactly("young_account");
  }
}
