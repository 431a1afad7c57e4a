package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Linking keyed by evidence value, as the Flink job runs it, is the linker: each account's {@link
 * AccountEvidence} kept with the account, each value's {@link EvidenceValue} kept with the value
 * (both through bytes after every change, as keyed state is), the links found by {@link
 * AccountEvidence#links} from what the values answer, and a {@link CampaignStage} fed only those
 * links ({@link CampaignStage#observeLinked}). Run in the log's order, it reaches exactly the
 * {@link Detector}'s assessments and campaigns; the job differs only in the order links arrive.
 */
class EvidenceKeyedLinkingTest {
  private static final DetectorConfig CONFIG = DetectorConfig.defaults();
  private static final LinkerConfig LINKING = LinkerConfig.defaults();
  private static final ScoringModel MODEL = ScoringModel.shipped();
  private static final PromptAnalyzer ANALYZER = PromptAnalyzer.standard();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void onRandomLogsLinkingKeyedByEvidenceInLogOrderReachesTheDetectorsAnswers(long seed) {
    run(NoLookAheadTest.randomLog(seed, 800));
  }

  @Test
  void onTheExampleLogItFindsTheSameHydraCampaignLinkForLink() throws Exception {
    List<Exchange> log = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (LineSource lines =
        LineSource.open("../examples/small.jsonl.gz", LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (lines.next()) {
        log.add(parser.parse(lines.buffer(), 0, lines.length()));
      }
    }
    Detector whole = run(log);
    assertThat(whole.campaigns()).isNotEmpty();
  }

  /** Runs both on {@code log}, requires the same answers; returns the whole detector. */
  private static Detector run(List<Exchange> log) {
    Detector whole = new Detector(CONFIG, MODEL, ANALYZER, LINKING);
    AccountDetector perAccount = new AccountDetector(CONFIG, MODEL);
    ModelAges ages = new ModelAges(CONFIG);
    CampaignStage groups = new CampaignStage(CONFIG, LINKING, true);
    Map<String, AccountDetector.Account> accounts = new HashMap<>();
    Map<String, byte[]> evidence = new HashMap<>();
    Map<Long, byte[]> values = new HashMap<>();
    int links = 0;
    int skipped = 0;
    for (Exchange e : log) {
      Observation o = Observation.of(e, ANALYZER);
      Verdict expected = whole.observe(o);
      AccountDetector.Account acct =
          accounts.computeIfAbsent(o.account(), k -> perAccount.newAccount());
      perAccount.observe(acct, o, ages.age(o.model(), o.timeMillis()));

      // the accounts operator: the account's evidence, from bytes and back
      byte[] before = evidence.get(o.account());
      AccountEvidence ev = before == null ? new AccountEvidence() : read(before);
      boolean skippable =
          AccountEvidence.unchangedBy(
              acct.requests(), o.traits().createdMillis(), acct.createdMillis());
      List<AccountEvidence.Told> told =
          ev.observeAndTell(acct.requests(), acct.firstSeen(), o.traits(), LINKING.youngMillis());
      byte[] after = bytes(ev::write);
      if (skippable) {
        // the job skips reading the evidence on such requests: nothing may change
        assertThat(told).isNull();
        assertThat(after).isEqualTo(before);
        skipped++;
      }
      evidence.put(o.account(), after);

      List<AccountEvidence.Link> found = List.of();
      AccountEvidence copy = null;
      if (told != null) {
        copy = ev.linkingCopy();
        // the evidence operator, keyed by value
        Map<Long, Integer> established = new HashMap<>();
        List<List<EvidenceValue.Holder>> candidates = new ArrayList<>();
        for (AccountEvidence.Told t : told) {
          byte[] stored = values.get(t.key());
          EvidenceValue v = stored == null ? new EvidenceValue() : readValue(stored);
          if (t.claim()) {
            EvidenceValue.Claimed c = v.claim(t.kind(), o.account(), copy, t.label());
            established.put(t.key(), c.established());
            candidates.add(c.candidates());
            if (c.newLabel() != null) {
              groups.label(t.key(), c.newLabel());
            }
          } else {
            v.refresh(o.account(), copy);
            established.put(t.key(), v.established());
          }
          values.put(t.key(), bytes(v::write));
        }
        // the pairing operator, keyed by account
        found =
            copy.links(
                o.account(),
                candidates,
                k -> AccountEvidence.rarity(established.getOrDefault(k, 0)),
                LINKING);
        links += found.size();
      }
      // the groups stage
      int a = groups.index(o.account());
      groups.observeLinked(
          a,
          o.account(),
          o.timeMillis(),
          o.traits().inputTokens(),
          o.traits().outputTokens(),
          copy,
          found,
          acct.requests(),
          acct.lastSeen(),
          acct.verdict(),
          acct.peakScore(),
          null);
      assertThat(groups.verdict(a))
          .as("verdict after a request of %s", o.account())
          .isEqualTo(expected);
    }
    List<Assessment> split = new ArrayList<>();
    for (var entry : accounts.entrySet()) {
      split.add(
          perAccount.assess(
              entry.getKey(), entry.getValue(), groups, groups.index(entry.getKey())));
    }
    assertThat(sorted(split)).isEqualTo(sorted(whole.assessments()));
    assertThat(groups.campaigns()).isEqualTo(whole.campaigns());
    assertThat(skipped).as("requests whose evidence need not be read").isPositive();
    if (!whole.campaigns().isEmpty()) {
      assertThat(links).as("links behind the campaigns").isPositive();
    }
    return whole;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  private static AccountEvidence read(byte[] b) {
    try {
      return AccountEvidence.read(new DataInputStream(new ByteArrayInputStream(b)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EvidenceValue readValue(byte[] b) {
    try {
      return EvidenceValue.read(new DataInputStream(new ByteArrayInputStream(b)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Assessment> sorted(List<Assessment> all) {
    List<Assessment> out = new ArrayList<>(all);
    out.sort(Comparator.comparing(Assessment::account));
    return out;
  }
}
