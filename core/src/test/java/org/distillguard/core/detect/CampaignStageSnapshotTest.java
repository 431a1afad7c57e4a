package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The campaign stage's binary snapshot is exact: a stage restored from its bytes writes the same
 * bytes, and fed the same requests afterwards it reaches the same verdicts, flags and campaigns as
 * the stage that was never written — whenever the snapshot is taken.
 */
class CampaignStageSnapshotTest {
  private static final DetectorConfig CONFIG = DetectorConfig.defaults();
  private static final PromptAnalyzer ANALYZER = PromptAnalyzer.standard();
  private static final String[] PROMPTS = {
    "Explain step by step why the sky is blue, case ",
    "### Instruction:\nTranslate into German, item ",
    "日本語で説明してください：項目 ",
    "x".repeat(63) + "\uD83D\uDE00 prompt whose 64th character is half of an emoji ",
    "Rate the following answer on a scale of 1 to 10. Answer ",
  };

  /** Many accounts sharing evidence from small pools: links, campaigns and confirmations. */
  static List<Exchange> log(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Exchange> out = new ArrayList<>(n);
    long t = 1_767_225_600_000L;
    int accounts = 20 + r.nextInt(300);
    for (int i = 0; i < n; i++) {
      t += r.nextInt(30_000);
      int k = r.nextInt(accounts);
      String account = (k % 7 == 0 ? "cuenta-ñ-" : "acct-") + k;
      out.add(
          Exchange.builder("r" + i, t, account)
              .ip("198.18." + (k % 5) + "." + (1 + r.nextInt(200)))
              .userAgent(k % 3 == 0 ? "python-requests/2.32.3" : "OpenAI/Python 1.54.0")
              .accountMeta(
                  new AccountMeta(
                      1_767_225_600_000L - 86_400_000L * (k % 4 == 0 ? 400 : 2),
                      "pf-" + (k % 9),
                      k % 2 == 0 ? "tmpmail.example" : null,
                      null,
                      null))
              .model("m-" + (k % 3))
              .prompt(PROMPTS[k % PROMPTS.length] + r.nextInt(1000))
              .build());
    }
    return out;
  }

  private static final class Run {
    final AccountDetector detector = new AccountDetector(CONFIG, ScoringModel.shipped());
    final ModelAges ages = new ModelAges(CONFIG);
    final Map<String, AccountDetector.Account> accounts = new HashMap<>();
    CampaignStage stage = new CampaignStage(CONFIG, LinkerConfig.defaults(), true);
    final List<String> flagged = new ArrayList<>();

    void observe(Exchange e) {
      Observation o = Observation.of(e, ANALYZER);
      AccountDetector.Account a = accounts.computeIfAbsent(o.account(), x -> detector.newAccount());
      detector.observe(a, o, ages.age(o.model(), o.timeMillis()));
      int i = stage.index(o.account());
      CampaignStage s = stage;
      stage.observe(
          i,
          o.account(),
          o.timeMillis(),
          o.traits(),
          a.requests(),
          a.lastSeen(),
          a.verdict(),
          a.peakScore(),
          m -> flagged.add(s.account(m)));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aRestoredStageIsTheStageItWasAtAnyPoint(long seed) {
    List<Exchange> log = log(seed, 3_000);
    Run kept = new Run();
    Run restored = new Run();
    int every = 1 + new SplittableRandom(seed * 17).nextInt(700);
    for (int i = 0; i < log.size(); i++) {
      kept.observe(log.get(i));
      restored.observe(log.get(i));
      if (i % every == 0) {
        byte[] bytes = restored.stage.snapshot();
        restored.stage = CampaignStage.restore(bytes);
        assertThat(restored.stage.snapshot()).as("bytes of the restored stage").isEqualTo(bytes);
      }
    }
    CampaignStage a = kept.stage;
    CampaignStage b = restored.stage;
    assertThat(b.accountCount()).isEqualTo(a.accountCount());
    for (int i = 0; i < a.accountCount(); i++) {
      assertThat(b.account(i)).isEqualTo(a.account(i));
      assertThat(b.verdict(i)).isEqualTo(a.verdict(i));
      assertThat(b.campaignFlaggedAfter(i)).isEqualTo(a.campaignFlaggedAfter(i));
      assertThat(b.campaignFlaggedAt(i)).isEqualTo(a.campaignFlaggedAt(i));
      assertThat(b.campaignId(i)).isEqualTo(a.campaignId(i));
      assertThat(b.campaignScore(i)).isEqualTo(a.campaignScore(i));
    }
    assertThat(b.campaigns()).isEqualTo(a.campaigns());
    assertThat(restored.flagged).isEqualTo(kept.flagged);
    assertThat(b.snapshot()).isEqualTo(a.snapshot());
  }

  @Test
  void theLogsExerciseLinking() {
    Run run = new Run();
    log(3, 3_000).forEach(run::observe);
    assertThat(run.stage.campaigns()).isNotEmpty();
    assertThat(run.flagged).isNotEmpty();
  }

  @Test
  void anEmptyStageRoundTrips() {
    CampaignStage empty = new CampaignStage(CONFIG, LinkerConfig.defaults(), true);
    CampaignStage back = CampaignStage.restore(empty.snapshot());
    assertThat(back.accountCount()).isZero();
    assertThat(back.campaigns()).isEmpty();
    assertThat(back.snapshot()).isEqualTo(empty.snapshot());
    assertThat(back.index("first")).isZero();
  }

  @Test
  void theSnapshotIsCompact() {
    Run run = new Run();
    log(5, 3_000).forEach(run::observe);
    int accounts = run.stage.accountCount();
    // Java serialization of the same state took about 500 bytes an account (arrays at capacity).
    assertThat(run.stage.snapshot().length / (double) accounts).isLessThan(400);
  }

  @Test
  void truncatedOrForeignBytesAreRejectedWithTheReason() {
    Run run = new Run();
    log(2, 500).forEach(run::observe);
    byte[] bytes = run.stage.snapshot();
    assertThatThrownBy(() -> CampaignStage.restore(Arrays.copyOf(bytes, bytes.length / 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a campaign stage snapshot");
    assertThatThrownBy(() -> CampaignStage.restore(Arrays.copyOf(bytes, bytes.length + 1)))
        .hasMessageContaining("bytes left");
    byte[] otherVersion = bytes.clone();
    otherVersion[4] = 99;
    assertThatThrownBy(() -> CampaignStage.restore(otherVersion))
        .hasMessageContaining("version 99");
    assertThatThrownBy(() -> CampaignStage.restore(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
