package org.distillguard.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.distillguard.core.event.Usage;

/**
 * Writes exchanges as Contract 1 JSON lines, the exact inverse of {@link ExchangeParser}.
 *
 * <p>Field order is fixed and absent fields are omitted, so the same exchange always gives the same
 * bytes: the simulator's determinism and the gateway's journal rely on it.
 */
public final class ExchangeWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ExchangeWriter() {}

  /** One JSON object, without the trailing newline. */
  public static String toJson(Exchange e) {
    StringWriter sw = new StringWriter(256);
    writeLine(e, sw, false);
    return sw.toString();
  }

  /** Writes one JSON object followed by {@code \n}. */
  public static void writeLine(Exchange e, Writer out) {
    writeLine(e, out, true);
  }

  private static void writeLine(Exchange e, Writer out, boolean newline) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.setRootValueSeparator(new SerializedString(""));
      write(e, g);
      g.flush();
      if (newline) {
        out.write('\n');
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Writes the exchange as one JSON object into an open generator. */
  public static void write(Exchange e, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id());
    g.writeStringField("time", Rfc3339.format(e.timeMillis()));
    g.writeStringField("account", e.account());
    optional(g, "org", e.org());
    optional(g, "api_key", e.apiKey());
    optional(g, "ip", e.ip());
    optional(g, "user_agent", e.userAgent());
    optional(g, "endpoint", e.endpoint());
    optional(g, "model", e.model());
    writeParams(e.params(), g);
    g.writeArrayFieldStart("messages");
    for (Message m : e.messages()) {
      g.writeStartObject();
      g.writeStringField("role", m.role());
      g.writeStringField("content", m.content());
      g.writeEndObject();
    }
    g.writeEndArray();
    optional(g, "conversation", e.conversation());
    writeUsage(e.usage(), g);
    optional(g, "output", e.output());
    if (e.status() != 0) {
      g.writeNumberField("status", e.status());
    }
    writeMeta(e.accountMeta(), g);
    g.writeEndObject();
  }

  private static void writeParams(Params p, JsonGenerator g) throws IOException {
    if (p.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart("params");
    if (p.maxTokens() != null) {
      g.writeNumberField("max_tokens", p.maxTokens());
    }
    if (p.temperature() != null) {
      g.writeNumberField("temperature", p.temperature());
    }
    if (p.topP() != null) {
      g.writeNumberField("top_p", p.topP());
    }
    if (p.n() != null) {
      g.writeNumberField("n", p.n());
    }
    if (p.logprobs() != null) {
      g.writeBooleanField("logprobs", p.logprobs());
    }
    if (p.topLogprobs() != null) {
      g.writeNumberField("top_logprobs", p.topLogprobs());
    }
    if (p.stream() != null) {
      g.writeBooleanField("stream", p.stream());
    }
    optional(g, "reasoning_effort", p.reasoningEffort());
    g.writeEndObject();
  }

  private static void writeUsage(Usage u, JsonGenerator g) throws IOException {
    if (u.equals(Usage.NONE)) {
      return;
    }
    g.writeObjectFieldStart("usage");
    if (u.inputTokens() >= 0) {
      g.writeNumberField("input_tokens", u.inputTokens());
    }
    if (u.outputTokens() >= 0) {
      g.writeNumberField("output_tokens", u.outputTokens());
    }
    if (u.reasoningTokens() >= 0) {
      g.writeNumberField("reasoning_tokens", u.reasoningTokens());
    }
    g.writeEndObject();
  }

  private static void writeMeta(AccountMeta m, JsonGenerator g) throws IOException {
    if (m.equals(AccountMeta.NONE)) {
      return;
    }
    g.writeObjectFieldStart("account_meta");
    if (m.hasCreated()) {
      g.writeStringField("created", Rfc3339.format(m.createdMillis()));
    }
    optional(g, "payment_fp", m.paymentFp());
    optional(g, "email_domain", m.emailDomain());
    optional(g, "tier", m.tier());
    optional(g, "country", m.country());
    g.writeEndObject();
  }

  private static void optional(
      JsonGenerator g, String name, @org.jspecify.annotations.Nullable String v)
      throws IOException {
    if (v != null) {
      g.writeStringField(name, v);
    }
  }
}
