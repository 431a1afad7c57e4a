package org.distillguard.sim.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Signal;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.junit.jupiter.api.Test;

class CalibratorTest {
  private static final long T0 = 1_767_225_600_000L;

  /** Harvesters: fast, step-by-step, big outputs. People: slow, chatty, default parameters. */
  private static Calibrator world(long seed) {
    Map<String, Calibrator.Truth> truth = new LinkedHashMap<>();
    for (int a = 0; a < 20; a++) {
      truth.put("h" + a, new Calibrator.Truth("bulk", true, null));
      truth.put("p" + a, new Calibrator.Truth("person", false, null));
    }
    Calibrator c = new Calibrator(truth);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 80; i++) {
      for (int a = 0; a < 20; a++) {
        c.accept(
            Exchange.builder("h" + a + "-" + i, T0 + i * 2_000L + a, "h" + a)
                .params(Params.NONE.withMaxTokens(8192).withReasoningEffort("high"))
                .prompt("Explain step by step: question " + r.nextInt(10_000))
                .build());
        c.accept(
            Exchange.builder("p" + a + "-" + i, T0 + i * 1_800_000L + a, "p" + a)
                .conversation("c" + a + "-" + i / 4)
                .prompt("hey, what should I cook tonight with " + r.nextInt(100) + " eggs?")
                .build());
      }
    }
    return c;
  }

  @Test
  void learnsToSeparateAndHonoursEachSignalsDirection() {
    Calibrator c = world(1);
    ScoringModel m = c.fit(1e-3, 4, Set.of());
    assertThat(c.sampleCount()).isPositive();
    double[] w = m.weights();
    for (Signal s : Signal.values()) {
      int dir = Calibrator.direction(s);
      if (dir > 0) {
        assertThat(w[s.ordinal()]).as(s.id()).isGreaterThanOrEqualTo(0);
      } else if (dir < 0) {
        assertThat(w[s.ordinal()]).as(s.id()).isLessThanOrEqualTo(0);
      }
    }
    assertThat(w[Signal.REASONING_ELICITATION.ordinal()]).isPositive();
  }

  @Test
  void ignoredSignalsGetNoWeight() {
    ScoringModel m =
        world(2).fit(1e-3, 4, Set.of(Signal.REASONING_ELICITATION, Signal.REQUEST_RATE));
    assertThat(m.weights()[Signal.REASONING_ELICITATION.ordinal()]).isZero();
    assertThat(m.weights()[Signal.REQUEST_RATE.ordinal()]).isZero();
  }

  @Test
  void theSameDataGivesTheSameModel() {
    assertThat(world(3).fit(1e-3, 4, Set.of()).toString())
        .isEqualTo(world(3).fit(1e-3, 4, Set.of()).toString());
  }

  @Test
  void refusesToFitWithoutLabelledSamples() {
    Calibrator c =
        new Calibrator(Map.of("someone-else", new Calibrator.Truth("person", false, null)));
    c.accept(Exchange.builder("r", T0, "unknown").prompt("hi").build());
    assertThatThrownBy(() -> c.fit(1e-3, 4, Set.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no labelled samples");
  }

  @Test
  void samplesEarlyRequestsDenselyAndLaterOnesSparsely() {
    assertThat(Calibrator.isSamplePoint(3)).isFalse();
    assertThat(Calibrator.isSamplePoint(4)).isTrue();
    assertThat(Calibrator.isSamplePoint(12)).isTrue();
    assertThat(Calibrator.isSamplePoint(13)).isFalse();
    assertThat(Calibrator.isSamplePoint(128)).isTrue();
    assertThat(Calibrator.isSamplePoint(129)).isFalse();
  }
}
