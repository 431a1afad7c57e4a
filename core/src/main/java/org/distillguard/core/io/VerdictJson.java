package org.distillguard.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.event.Exchange;

/**
 * One line of {@code verdicts.jsonl} (Contract 2): fixed field order, so that the same run gives
 * the same bytes. {@code first_seen} and {@code last_seen} are optional additions to the contract.
 */
public final class VerdictJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private VerdictJson() {}

  public static String toJson(Assessment a) {
    String campaign = a.campaign();
    StringWriter sw = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("account", a.account());
      g.writeStringField("verdict", a.verdict().id());
      g.writeNumberField("score", a.score());
      g.writeNumberField("requests", a.requests());
      if (a.flagged()) {
        g.writeNumberField("flagged_after", a.flaggedAfter());
        g.writeStringField("flagged_at", Rfc3339.format(a.flaggedAtMillis()));
      } else {
        g.writeNullField("flagged_after");
        g.writeNullField("flagged_at");
      }
      if (campaign == null) {
        g.writeNullField("campaign");
      } else {
        g.writeStringField("campaign", campaign);
      }
      g.writeArrayFieldStart("reasons");
      for (Reason r : a.reasons()) {
        g.writeStartObject();
        g.writeStringField("signal", r.signal());
        g.writeNumberField("value", r.value());
        g.writeNumberField("contribution", r.contribution());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (a.firstSeenMillis() != Exchange.NO_TIME) {
        g.writeStringField("first_seen", Rfc3339.format(a.firstSeenMillis()));
        g.writeStringField("last_seen", Rfc3339.format(a.lastSeenMillis()));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
