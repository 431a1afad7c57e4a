package org.distillguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Ground truth for one simulated account: one line of the labels file.
 *
 * @param account the account id as it appears in the log
 * @param klass the population the account was drawn from ({@code person}, {@code hydra}, ...)
 * @param distill whether the account distils at any point
 * @param campaign the campaign id for hydra accounts, else {@code null}
 * @param switchAt for turncoats, the 1-based ordinal of the account's first distilling request;
 *     else {@code null}
 */
public record Label(
    String account,
    String klass,
    boolean distill,
    @Nullable String campaign,
    @Nullable Long switchAt) {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * {@code {"account":...,"class":...,"distill":...,"campaign":...,"switch_at":...}}, fields always
   * present and in this order.
   */
  public String toJson() {
    StringWriter sw = new StringWriter(96);
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("account", account);
      g.writeStringField("class", klass);
      g.writeBooleanField("distill", distill);
      if (campaign == null) {
        g.writeNullField("campaign");
      } else {
        g.writeStringField("campaign", campaign);
      }
      if (switchAt == null) {
        g.writeNullField("switch_at");
      } else {
        g.writeNumberField("switch_at", switchAt);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
