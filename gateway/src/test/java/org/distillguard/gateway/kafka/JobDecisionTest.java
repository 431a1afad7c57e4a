package org.distillguard.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.distillguard.core.detect.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The gateway reads the decision topic in the exact format the Flink job writes (the golden lines
 * of {@code DecisionJsonTest} in the flink module; {@code DecisionContractTest} there feeds the
 * job's own writer into this parser).
 */
class JobDecisionTest {
  private static JobDecision parse(String s) {
    return JobDecision.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCampaignBlockIsReadWithItsCampaign() {
    JobDecision d =
        parse(
            "{\"id\":\"acct-7:distillation\",\"account\":\"acct-7\",\"action\":\"block\","
                + "\"verdict\":\"distillation\",\"reason\":\"campaign\",\"campaign\":\"campaign-3\","
                + "\"score\":0.9123,\"requests\":40,\"time\":\"2026-11-03T14:02:11.250Z\"}");
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
                1_793_714_531_250L));
    assertThat(d.byCampaign()).isTrue();
  }

  @Test
  void aSuspiciousAccountOnItsOwnScoreWithAnEscapedUnicodeAccount() {
    JobDecision d =
        parse(
            "{\"id\":\"a\\\"b-ü:suspicious\",\"account\":\"a\\\"b-ü\",\"action\":\"throttle\","
                + "\"verdict\":\"suspicious\",\"reason\":\"own_score\",\"campaign\":null,"
                + "\"score\":0.6,\"requests\":12,\"time\":\"2026-11-03T14:02:11.250Z\"}");
    assertThat(d.account()).isEqualTo("a\"b-ü");
    assertThat(d.verdict()).isEqualTo(Verdict.SUSPICIOUS);
    assertThat(d.campaign()).isNull();
    assertThat(d.byCampaign()).isFalse();
  }

  @Test
  void aBrokenRecordNamesWhatIsWrong() {
    assertThatThrownBy(() -> parse("not json")).hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> parse("[1]")).hasMessage("not a JSON object");
    assertThatThrownBy(() -> parse("{\"verdict\":\"distillation\"}"))
        .hasMessage("field 'account' is missing or not a string");
    assertThatThrownBy(
            () ->
                parse("{\"account\":\"a\",\"verdict\":\"evil\",\"time\":\"2026-11-03T14:02:11Z\"}"))
        .hasMessage("field 'verdict': unknown verdict 'evil'");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"account\":\"a\",\"verdict\":\"benign\",\"time\":\"2026-11-03T14:02:11Z\"}"))
        .hasMessage("field 'verdict': a decision is never benign");
    assertThatThrownBy(
            () -> parse("{\"account\":\"a\",\"verdict\":\"suspicious\",\"time\":\"yesterday\"}"))
        .hasMessage("field 'time': not an RFC 3339 time: 'yesterday'");
  }
}
