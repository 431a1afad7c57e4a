package org.distillguard.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.io.Rfc3339;
import org.jspecify.annotations.Nullable;

/**
 * One line of the decision topic: what a gateway should enforce on an account, keyed by account.
 *
 * <pre>{@code
 * {"id":"acct-7:distillation","account":"acct-7","action":"block","verdict":"distillation",
 *  "reason":"campaign","campaign":"campaign-3","score":0.91,"requests":40,
 *  "time":"2026-11-03T14:02:11.250Z"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code action}: {@code block} for {@code distillation}, {@code throttle} for {@code
 *       suspicious}; a gateway maps them onto its own policy (degrade instead of block, say).
 *   <li>{@code reason}: {@code own_score} (the account's own signals) or {@code campaign} (its
 *       confirmed campaign's evidence; {@code campaign} names it).
 *   <li>{@code time}: event time at which the detector reached the decision (the flagging request's
 *       time), not wall-clock time.
 *   <li>{@code id}: account and verdict; a verdict is reached at most once per account, so the id
 *       is unique and a consumer can drop replays by it.
 * </ul>
 *
 * Decisions only escalate (benign → suspicious → distillation), like verdicts; a consumer keeps the
 * latest per account. Clearing an account is an analyst's act, not the detector's.
 */
public final class DecisionJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private DecisionJson() {}

  public static String toJson(
      String account,
      Verdict verdict,
      String reason,
      @Nullable String campaign,
      double score,
      long requests,
      long timeMillis) {
    StringWriter sw = new StringWriter(192);
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("id", account + ":" + verdict.id());
      g.writeStringField("account", account);
      g.writeStringField("action", verdict == Verdict.DISTILLATION ? "block" : "throttle");
      g.writeStringField("verdict", verdict.id());
      g.writeStringField("reason", reason);
      if (campaign == null) {
        g.writeNullField("campaign");
      } else {
        g.writeStringField("campaign", campaign);
      }
      g.writeNumberField("score", Math.round(score * 10_000) / 10_000.0);
      g.writeNumberField("requests", requests);
      g.writeStringField("time", Rfc3339.format(timeMillis));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
