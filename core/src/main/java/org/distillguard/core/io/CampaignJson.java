package org.distillguard.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.Campaign;

/**
 * One line of {@code campaigns.jsonl} (Contract 2), fields in a fixed order so the same run gives
 * the same bytes. The format is documented in {@code docs/FORMATS.md}.
 */
public final class CampaignJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private CampaignJson() {}

  public static String toJson(Campaign c) {
    StringWriter sw = new StringWriter(1024);
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("verdict", c.confirmed() ? "distillation" : "suspicious");
      g.writeNumberField("score", c.score());
      g.writeNumberField("size", c.members().size());
      g.writeArrayFieldStart("accounts");
      for (Campaign.Member m : c.members()) {
        g.writeString(m.account());
      }
      g.writeEndArray();
      g.writeNumberField("requests", c.requests());
      g.writeNumberField("input_tokens", c.inputTokens());
      g.writeNumberField("output_tokens", c.outputTokens());
      g.writeStringField("first_seen", Rfc3339.format(c.firstSeenMillis()));
      g.writeStringField("last_seen", Rfc3339.format(c.lastSeenMillis()));
      if (c.confirmedAtMillis() == Exchange.NO_TIME) {
        g.writeNullField("confirmed_at");
      } else {
        g.writeStringField("confirmed_at", Rfc3339.format(c.confirmedAtMillis()));
      }
      g.writeArrayFieldStart("indicators");
      for (Campaign.Indicator i : c.indicators()) {
        g.writeStartObject();
        g.writeStringField("type", i.type());
        g.writeStringField("value", i.value());
        g.writeNumberField("accounts", i.accounts());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("members");
      for (Campaign.Member m : c.members()) {
        g.writeStartObject();
        g.writeStringField("account", m.account());
        g.writeStringField("joined_at", Rfc3339.format(m.joinedAtMillis()));
        g.writeArrayFieldStart("linked_by");
        for (String l : m.linkedBy()) {
          g.writeString(l);
        }
        g.writeEndArray();
        String via = m.via();
        if (via == null) {
          g.writeNullField("via");
        } else {
          g.writeStringField("via", via);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("reasons");
      for (Campaign.Factor f : c.reasons()) {
        g.writeStartObject();
        g.writeStringField("signal", f.signal());
        g.writeNumberField("value", f.value());
        g.writeNumberField("contribution", f.contribution());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
