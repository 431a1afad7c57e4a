package org.distillguard.sim.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the simulator knows about one account: one line of {@code labels.jsonl}.
 *
 * <pre>{"account":"a-1","class":"turncoat","distill":true,"campaign":null,"switch_at":120}</pre>
 *
 * @param account the account id
 * @param cls the traffic class that generated it ({@code person}, {@code bulk}, ...); any name is
 *     accepted
 * @param distill whether the account distils (at any point)
 * @param campaign the true campaign (operator) the account belongs to, or null for a lone account
 * @param switchAt for a turncoat, the 1-based ordinal of its first distilling request; {@link
 *     #NO_SWITCH} otherwise
 */
public record GroundTruth(
    String account, String cls, boolean distill, @Nullable String campaign, long switchAt) {

  /** {@link #switchAt} of an account that distils from its first request, or never. */
  public static final long NO_SWITCH = -1;

  /** True if the account starts benign and begins distilling at {@link #switchAt}. */
  public boolean turncoat() {
    return switchAt > 0;
  }

  /**
   * Reads {@code labels.jsonl}. Unusable lines and repeated accounts are recorded in {@code
   * problems} and skipped.
   *
   * @return the labels by account, in file order
   */
  public static Map<String, GroundTruth> read(BufferedReader in, String file, Problems problems)
      throws IOException {
    Map<String, GroundTruth> out = new LinkedHashMap<>();
    JsonLines.read(
        in,
        file,
        problems,
        (o, line) -> {
          GroundTruth g = parse(o, file, line, problems);
          if (g == null) {
            return;
          }
          if (out.putIfAbsent(g.account(), g) != null) {
            problems.add(file, line, "account " + g.account() + " labelled twice; kept the first");
          }
        });
    return out;
  }

  private static @Nullable GroundTruth parse(
      JsonNode o, String file, long line, Problems problems) {
    String account = JsonLines.text(o, "account");
    if (account == null) {
      problems.add(file, line, "\"account\" missing or not a non-empty string");
      return null;
    }
    String cls = JsonLines.text(o, "class");
    if (cls == null) {
      problems.add(file, line, "\"class\" missing or not a non-empty string");
      return null;
    }
    JsonNode d = o.get("distill");
    if (d == null || !d.isBoolean()) {
      problems.add(file, line, "\"distill\" missing or not true/false");
      return null;
    }
    String campaign = null;
    if (!JsonLines.absent(o, "campaign")) {
      campaign = JsonLines.text(o, "campaign");
      if (campaign == null) {
        problems.add(file, line, "\"campaign\" is neither null nor a non-empty string");
        return null;
      }
    }
    long switchAt = NO_SWITCH;
    if (!JsonLines.absent(o, "switch_at")) {
      switchAt = JsonLines.whole(o, "switch_at");
      if (switchAt < 1) {
        problems.add(file, line, "\"switch_at\" is neither null nor a whole number >= 1");
        return null;
      }
    }
    return new GroundTruth(account, cls, d.asBoolean(), campaign, switchAt);
  }
}
