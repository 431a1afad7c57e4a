package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.CampaignLinker;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The split detector — {@link AccountDetector} per account, {@link CampaignStage} for linking — is
 * the {@link Detector}: fed the same events in the same order it reaches the same assessments, even
 * when every account's state goes through bytes after every request and the campaign stage is
 * checkpointed and restored mid-stream, as a Flink job's state is.
 */
class AccountDetectorTest {
  private static final DetectorConfig CONFIG = DetectorConfig.defaults();
  private static final ScoringModel MODEL = ScoringModel.shipped();
  private static final PromptAnalyzer ANALYZER = PromptAnalyzer.standard();

  private static List<Assessment> sorted(List<Assessment> all) {
    List<Assessment> out = new ArrayList<>(all);
    out.sort(Comparator.comparing(Assessment::account));
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void splitDetectorThroughBytesReachesTheDetectorsAssessments(long seed) {
    List<Exchange> log = NoLookAheadTest.randomLog(seed, 800);
    Detector whole = new Detector(CONFIG, MODEL, ANALYZER, LinkerConfig.defaults());
    AccountDetector perAccount = new AccountDetector(CONFIG, MODEL);
    ModelAges ages = new ModelAges(CONFIG);
    CampaignStage stage = new CampaignStage(CONFIG, LinkerConfig.defaults(), true);
    Map<String, byte[]> states = new HashMap<>();
    int restoreAt = log.size() / 2;
    List<Integer> flagged = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      Exchange e = log.get(i);
      Observation o = Observation.of(e, ANALYZER);
      Verdict expected = whole.observe(o);

      // As the Flink job runs it: the exchange parsed on one thread into an observation that
      // holds only its system prompt's hash, the prompt analysed on another.
      Observation parsed =
          Observation.of(
              e,
              new PromptFeatures(
                  0, 0, 0, PromptAnalyzer.systemHash(e.systemPrompt()), 0, 0, 0, 0, 0));
      assertThat(
              parsed.withText(ANALYZER.analyze(parsed.traits().prompt(), parsed.text().system())))
          .isEqualTo(o);

      byte[] before = states.get(o.account());
      AccountDetector.Account acct =
          before == null ? perAccount.newAccount() : AccountDetector.restore(before);
      perAccount.observe(acct, o, ages.age(o.model(), o.timeMillis()));
      states.put(o.account(), AccountDetector.snapshot(acct));
      int a = stage.index(o.account());
      stage.observe(
          a,
          o.account(),
          o.timeMillis(),
          // and the campaign stage sent only what the linker reads of requests it does not sample
          CampaignLinker.samples(acct.requests()) ? o.traits() : o.traits().slim(),
          acct.requests(),
          acct.lastSeen(),
          acct.verdict(),
          acct.peakScore(),
          flagged::add);
      assertThat(stage.verdict(a)).isEqualTo(expected);
      assertThat(perAccount.lastScore()).isEqualTo(whole.lastScore());
      if (i == restoreAt) {
        stage = CampaignStage.restore(stage.snapshot());
        Map<String, Long> dates = ages.firstSeen();
        ages = new ModelAges(CONFIG);
        ages.restore(dates);
      }
    }
    List<Assessment> split = new ArrayList<>();
    for (var entry : states.entrySet()) {
      int a = stage.index(entry.getKey());
      split.add(
          perAccount.assess(entry.getKey(), AccountDetector.restore(entry.getValue()), stage, a));
    }
    assertThat(sorted(split)).isEqualTo(sorted(whole.assessments()));
    assertThat(stage.campaigns()).isEqualTo(whole.campaigns());
    assertThat(flagged).doesNotHaveDuplicates();
    for (int a : flagged) {
      assertThat(stage.flaggedByCampaign(a)).isTrue();
    }
  }

  @Test
  void aRestoredAccountBehavesLikeTheOriginalOnEveryLaterRequest() {
    List<Exchange> log = NoLookAheadTest.randomLog(42, 400);
    AccountDetector d = new AccountDetector(CONFIG, MODEL);
    AccountDetector.Account kept = d.newAccount();
    byte[] restoredBytes = AccountDetector.snapshot(kept);
    ModelAges ages = new ModelAges(CONFIG);
    for (Exchange e : log) {
      Observation o = Observation.of(e, ANALYZER);
      long age = ages.age(o.model(), o.timeMillis());
      Verdict v1 = d.observe(kept, o, age);
      double s1 = d.lastScore();
      AccountDetector.Account restored = AccountDetector.restore(restoredBytes);
      Verdict v2 = d.observe(restored, o, age);
      restoredBytes = AccountDetector.snapshot(restored);
      assertThat(v2).isEqualTo(v1);
      assertThat(d.lastScore()).isEqualTo(s1);
      assertThat(restoredBytes).isEqualTo(AccountDetector.snapshot(kept));
    }
    assertThat(d.assess("x", AccountDetector.restore(restoredBytes), null, 0))
        .isEqualTo(d.assess("x", kept, null, 0));
    assertThat(restoredBytes.length).isLessThan(1024);
  }

  @Test
  void rejectsBytesThatAreNotASnapshot() {
    assertThatThrownBy(() -> AccountDetector.restore(new byte[] {9, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CampaignStage.restore(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
