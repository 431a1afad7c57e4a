package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Campaign;
import org.junit.jupiter.api.Test;

/**
 * The detector with campaign linking, end to end on exchanges: a hydra whose first heads harvest
 * hard is confirmed from their evidence, its quiet members are flagged at confirmation, and the
 * heads that appear afterwards are flagged at their third request, with the campaign as reason.
 */
class CampaignDetectionTest {
  private static final long T0 = 1_793_577_600_000L; // 2026-11-02
  private static final String[] TASKS = {
    "Solve 17 * 23 and show your reasoning step by step.",
    "Write a Python function that merges two sorted lists. Explain step by step.",
    "Translate into German, step by step: the meeting moved to Friday.",
    "Explain step by step why ice floats on water.",
    "Classify the sentiment step by step: the battery died after an hour.",
    "Prove step by step that the sum of two even numbers is even.",
  };

  private long t = T0;

  private Exchange request(int head, int n) {
    t += 2_000;
    return Exchange.builder("r" + t, t, "head-" + head)
        .ip("198.18.77." + (1 + head % 250))
        .userAgent("python-requests/2.32.3")
        .params(Params.NONE.withMaxTokens(8192).withReasoningEffort("high").withTemperature(0.7))
        .accountMeta(
            new AccountMeta(
                T0 - 2 * 86_400_000L, "pf-hydra-" + (head % 2), "tmpmail.example", null, null))
        .prompt(
            "Task: "
                + TASKS[(head + n) % TASKS.length]
                + " #"
                + n
                + "\nProvide a comprehensive answer.")
        .build();
  }

  @Test
  void aConfirmedCampaignFlagsItsQuietMembersAndItsNewHeadsOnItsEvidence() {
    Detector d = Detector.standard();
    // Ten quiet heads send two requests each: nothing to judge them by alone.
    for (int n = 0; n < 2; n++) {
      for (int h = 10; h < 20; h++) {
        d.observe(request(h, n));
      }
    }
    // Six loud heads harvest at machine rate until the campaign is confirmed.
    List<String> raisedAtConfirmation = new ArrayList<>();
    for (int n = 0; n < 60 && raisedAtConfirmation.isEmpty(); n++) {
      for (int h = 0; h < 6; h++) {
        d.observe(request(h, n));
        raisedAtConfirmation.addAll(d.raisedByCampaign());
      }
    }
    assertThat(d.campaigns()).singleElement().satisfies(c -> assertThat(c.confirmed()).isTrue());
    Campaign c = d.campaigns().get(0);
    assertThat(c.accounts()).hasSize(16);
    // Quiet heads had 2 requests (< 3): not flagged at confirmation, flagged at their 3rd.
    assertThat(raisedAtConfirmation).noneMatch(a -> Integer.parseInt(a.substring(5)) >= 10);
    Assessment quiet = Objects.requireNonNull(d.assessment("head-10"));
    assertThat(quiet.flagged()).isFalse();
    assertThat(quiet.campaign()).isEqualTo(c.id());
    d.observe(request(10, 2));
    quiet = Objects.requireNonNull(d.assessment("head-10"));
    assertThat(quiet.verdict()).isEqualTo(Verdict.DISTILLATION);
    assertThat(quiet.flaggedAfter()).isEqualTo(3);
    assertThat(quiet.reasons().get(0).signal()).isEqualTo("campaign");
    assertThat(quiet.score()).isGreaterThanOrEqualTo(0.85);

    // A new head appears: flagged at its third request, not before.
    d.observe(request(40, 0));
    d.observe(request(40, 1));
    assertThat(Objects.requireNonNull(d.assessment("head-40")).flagged()).isFalse();
    d.observe(request(40, 2));
    Assessment late = Objects.requireNonNull(d.assessment("head-40"));
    assertThat(late.flaggedAfter()).isEqualTo(3);
    assertThat(late.campaign()).isEqualTo(c.id());
    assertThat(d.raisedByCampaign()).containsExactly("head-40");
  }

  @Test
  void withoutLinkingNobodyIsFlaggedOnAnotherAccountsEvidence() {
    Detector d =
        new Detector(
            DetectorConfig.defaults(),
            ScoringModel.shipped(),
            org.distillguard.core.text.PromptAnalyzer.standard(),
            null);
    for (int n = 0; n < 40; n++) {
      for (int h = 0; h < 6; h++) {
        d.observe(request(h, n));
        assertThat(d.raisedByCampaign()).isEmpty();
      }
    }
    for (int n = 0; n < 3; n++) {
      d.observe(request(40, n));
    }
    assertThat(Objects.requireNonNull(d.assessment("head-40")).flagged()).isFalse();
    assertThat(d.campaigns()).isEmpty();
  }
}
