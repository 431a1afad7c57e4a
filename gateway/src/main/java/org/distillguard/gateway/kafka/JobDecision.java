package org.distillguard.gateway.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.io.Rfc3339;
import org.jspecify.annotations.Nullable;

/**
 * One record of the decision topic, as the Flink job writes it ({@code
 * org.distillguard.flink.DecisionJson}, docs/SCALE-OUT.md):
 *
 * <pre>{@code
 * {"id":"acct-7:distillation","account":"acct-7","action":"block","verdict":"distillation",
 *  "reason":"campaign","campaign":"campaign-3","score":0.91,"requests":40,
 *  "time":"2026-11-03T14:02:11.250Z"}
 * }</pre>
 *
 * The gateway enforces the {@code verdict} through its own policy (the {@code action} is the job's
 * suggestion); {@code reason=campaign} means the account was flagged on its confirmed campaign's
 * evidence.
 */
public record JobDecision(
    String id,
    String account,
    String action,
    Verdict verdict,
    String reason,
    @Nullable String campaign,
    double score,
    long requests,
    long timeMillis) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Flagged on the evidence of its confirmed campaign (rather than its own signals). */
  public boolean byCampaign() {
    return reason.equals("campaign") && campaign != null;
  }

  /** Parses one record; the message names the field that is wrong. */
  public static JobDecision parse(byte[] json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String account = text(n, "account");
    String verdictId = text(n, "verdict");
    Verdict v;
    try {
      v = Verdict.fromId(verdictId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field 'verdict': unknown verdict '" + verdictId + "'");
    }
    if (v == Verdict.BENIGN) {
      throw new IllegalArgumentException("field 'verdict': a decision is never benign");
    }
    JsonNode c = n.get("campaign");
    String time = text(n, "time");
    long t;
    try {
      t = Rfc3339.parseMillis(time);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("field 'time': not an RFC 3339 time: '" + time + "'");
    }
    JsonNode id = n.get("id");
    return new JobDecision(
        id != null && id.isTextual() ? id.asText() : account + ":" + v.id(),
        account,
        n.path("action").asText(v == Verdict.DISTILLATION ? "block" : "throttle"),
        v,
        n.path("reason").asText("own_score"),
        c == null || c.isNull() ? null : c.asText(),
        n.path("score").asDouble(0),
        n.path("requests").asLong(0),
        t);
  }

  private static String text(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual() || f.asText().isEmpty()) {
      throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
    }
    return f.asText();
  }
}
