package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ModelAges;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;
import org.distillguard.core.link.LinkerConfig;
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

  @Test
  void evidenceClaimsRepliesAndLinkedUpdatesTravelExactly() throws Exception {
    java.util.Map<String, AccountEvidence> evidence = new java.util.HashMap<>();
    java.util.Map<String, Long> requests = new java.util.HashMap<>();
    java.util.Map<Long, EvidenceValue> values = new java.util.HashMap<>();
    int claims = 0;
    int candidates = 0;
    for (Exchange e : example(4_000)) {
      Observation o =
          Observation.of(
              e, ObservationSerializer.unanalysed(PromptAnalyzer.systemHash(e.systemPrompt())));
      long n = requests.merge(o.account(), 1L, Long::sum);
      AccountEvidence ev = evidence.computeIfAbsent(o.account(), k -> new AccountEvidence());
      var told =
          ev.observeAndTell(n, o.timeMillis(), o.traits(), LinkerConfig.defaults().youngMillis());
      AccountEvidence back = UpdateTest.roundTrip(ev, EvidenceStateSerializers.OfAccount.INSTANCE);
      assertThat(back).isEqualTo(ev);
      if (told == null) {
        continue;
      }
      AccountEvidence copy = ev.linkingCopy();
      for (int q = 0; q < told.size(); q++) {
        var t = told.get(q);
        Claim c =
            new Claim(
                t.key(), t.claim(), t.kind(), o.account(), n, q, told.size(), copy, t.label());
        assertThat(UpdateTest.roundTrip(c, Claim.Serializer.INSTANCE)).isEqualTo(c);
        claims++;
        EvidenceValue v = values.computeIfAbsent(t.key(), k -> new EvidenceValue());
        if (t.claim()) {
          EvidenceValue.Claimed r = v.claim(t.kind(), o.account(), copy, t.label());
          Reply reply =
              new Reply(
                  o.account(),
                  n,
                  q,
                  told.size(),
                  t.key(),
                  true,
                  r.established(),
                  r.candidates(),
                  r.newLabel());
          assertThat(UpdateTest.roundTrip(reply, Reply.Serializer.INSTANCE)).isEqualTo(reply);
          candidates += r.candidates().size();
        }
        EvidenceValue vb = UpdateTest.roundTrip(v, EvidenceStateSerializers.OfValue.INSTANCE);
        assertThat(bytes(vb)).isEqualTo(bytes(v));
      }
      Update u =
          new Update(
              false,
              o.account(),
              o.timeMillis(),
              n,
              o.timeMillis(),
              Verdict.SUSPICIOUS,
              0.5,
              o.traits().slim(),
              null,
              new Linking(
                  copy,
                  told.size(),
                  List.of(new AccountEvidence.Link("acct-ü", 0x1FF)),
                  List.of(new Linking.Label(t0(told), "pf-ü"))));
      Update ub = UpdateTest.roundTrip(u, UpdateSerializer.INSTANCE);
      assertThat(ub.linking()).isEqualTo(u.linking());
      assertThat(ub.account()).isEqualTo(u.account());
    }
    assertThat(claims).isGreaterThan(100);
    assertThat(candidates).as("some values are shared").isPositive();
  }

  private static long t0(List<AccountEvidence.Told> told) {
    return told.isEmpty() ? 1 : told.get(0).key();
  }

  private static byte[] bytes(EvidenceValue v) throws java.io.IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
      v.write(out);
    }
    return b.toByteArray();
  }
}
