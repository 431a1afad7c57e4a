package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ModelAges;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.text.PromptAnalyzer;
import org.junit.jupiter.api.Test;

/** What travels between the job's operators and lives in its keyed state comes back unchanged. */
class SerializersTest {
  /** The first {@code n} exchanges of the shipped example log (multi-turn, real prompt text). */
  static List<Exchange> example(int n) throws Exception {
    List<Exchange> out = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (LineSource lines =
        LineSource.open("../examples/small.jsonl.gz", LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (out.size() < n && lines.next()) {
        out.add(parser.parse(lines.buffer(), 0, lines.length()));
      }
    }
    return out;
  }

  @Test
  void observationsComeBackWholeBeforeAndAfterTheirPromptIsAnalysed() throws Exception {
    PromptAnalyzer analyzer = PromptAnalyzer.standard();
    for (Exchange e : example(2_000)) {
      Observation parsed =
          Observation.of(
              e, ObservationSerializer.unanalysed(PromptAnalyzer.systemHash(e.systemPrompt())));
      assertThat(UpdateTest.roundTrip(parsed, ObservationSerializer.INSTANCE)).isEqualTo(parsed);
      Observation analysed = Observation.of(e, analyzer);
      assertThat(UpdateTest.roundTrip(analysed, ObservationSerializer.INSTANCE))
          .isEqualTo(analysed);
    }
  }

  @Test
  void unicodeHugeAndEmptyPromptsTravelExactly() {
    for (String prompt : List.of("", "\uD83D\uDE00", "\uD83D", "日本語のプロンプト", "x".repeat(200_000))) {
      Exchange e = Exchange.builder("r1", 1_000, "acct-ü").prompt(prompt).build();
      Observation o = Observation.of(e, PromptAnalyzer.standard());
      assertThat(UpdateTest.roundTrip(o, ObservationSerializer.INSTANCE)).isEqualTo(o);
    }
  }

  @Test
  void anAccountInStateIsItsDetectorSnapshot() throws Exception {
    DetectorConfig config = DetectorConfig.defaults();
    AccountDetector d = new AccountDetector(config, ScoringModel.shipped());
    AccountDetector.Account a = AccountSerializer.INSTANCE.createInstance();
    ModelAges ages = new ModelAges(config);
    PromptAnalyzer analyzer = PromptAnalyzer.standard();
    String first = example(1).get(0).account();
    for (Exchange e : example(2_000)) {
      if (!e.account().equals(first)) {
        continue;
      }
      Observation o = Observation.of(e, analyzer);
      d.observe(a, o, ages.age(o.model(), o.timeMillis()));
    }
    AccountDetector.Account back = UpdateTest.roundTrip(a, AccountSerializer.INSTANCE);
    assertThat(AccountDetector.snapshot(back)).isEqualTo(AccountDetector.snapshot(a));
    AccountDetector.Account copy = AccountSerializer.INSTANCE.copy(a);
    assertThat(copy).isNotSameAs(a);
    assertThat(a.requests()).isGreaterThan(5);
    assertThat(AccountDetector.snapshot(copy)).isEqualTo(AccountDetector.snapshot(a));
  }
}
