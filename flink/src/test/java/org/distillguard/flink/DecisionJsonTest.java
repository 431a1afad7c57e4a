package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.distillguard.core.detect.Verdict;
import org.junit.jupiter.api.Test;

/** The decision topic's format is a contract with the gateways: fixed fields, fixed order. */
class DecisionJsonTest {
  private static final long T = 1_793_714_531_250L; // 2026-11-03T14:02:11.250Z

  @Test
  void aCampaignBlockNamesItsCampaign() {
    assertThat(
            DecisionJson.toJson(
                "acct-7", Verdict.DISTILLATION, "campaign", "campaign-3", 0.912345, 40, T))
        .isEqualTo(
            "{\"id\":\"acct-7:distillation\",\"account\":\"acct-7\",\"action\":\"block\","
                + "\"verdict\":\"distillation\",\"reason\":\"campaign\",\"campaign\":\"campaign-3\","
                + "\"score\":0.9123,\"requests\":40,\"time\":\"2026-11-03T14:02:11.250Z\"}");
  }

  @Test
  void aSuspiciousAccountIsThrottledOnItsOwnScore() {
    assertThat(DecisionJson.toJson("a\"b", Verdict.SUSPICIOUS, "own_score", null, 0.6, 12, T))
        .isEqualTo(
            "{\"id\":\"a\\\"b:suspicious\",\"account\":\"a\\\"b\",\"action\":\"throttle\","
                + "\"verdict\":\"suspicious\",\"reason\":\"own_score\",\"campaign\":null,"
                + "\"score\":0.6,\"requests\":12,\"time\":\"2026-11-03T14:02:11.250Z\"}");
  }
}
