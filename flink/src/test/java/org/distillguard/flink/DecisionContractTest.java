package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.kafka.JobDecision;
import org.junit.jupiter.api.Test;

/** What the job writes to the decision topic is what the gateways read: the job's own writer. */
class DecisionContractTest {
  private static final long T = 1_793_714_531_250L;

  private static JobDecision roundTrip(String json) {
    return JobDecision.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCampaignBlockReachesTheGatewayIntact() {
    JobDecision d =
        roundTrip(
            DecisionJson.toJson(
                "acct-7", Verdict.DISTILLATION, "campaign", "campaign-3", 0.912345, 40, T));
    assertThat(d)
        .isEqualTo(
            new JobDecision(
                "acct-7:distillation",
                "acct-7",
                "block",
                Verdict.DISTILLATION,
                "campaign",
                "campaign-3",
                0.9123,
                40,
                T));
    assertThat(d.byCampaign()).isTrue();
  }

  @Test
  void aThrottleOnOwnScoreWithAnAwkwardAccountName() {
    JobDecision d =
        roundTrip(
            DecisionJson.toJson("a\"b\\ü 日本", Verdict.SUSPICIOUS, "own_score", null, 0.6, 12, T));
    assertThat(d.account()).isEqualTo("a\"b\\ü 日本");
    assertThat(d.id()).isEqualTo("a\"b\\ü 日本:suspicious");
    assertThat(d.action()).isEqualTo("throttle");
    assertThat(d.campaign()).isNull();
    assertThat(d.timeMillis()).isEqualTo(T);
  }
}
