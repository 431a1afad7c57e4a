package org.distillguard.intel.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.intel.stix.Json;
import org.jspecify.annotations.Nullable;

/**
 * What {@code analyze} wrote (Contract 2): {@code verdicts.jsonl} and {@code campaigns.jsonl}.
 * Unknown fields are ignored and optional fields may be absent; a line that cannot be read is
 * reported with its file and line number.
 */
public record Analysis(List<Verdict> verdicts, List<Campaign> campaigns) {
  public Analysis {
    verdicts = List.copyOf(verdicts);
    campaigns = List.copyOf(campaigns);
  }

  /** A signal and its value, as in the {@code reasons} arrays. */
  public record Reason(String signal, double value) {}

  /** One line of {@code verdicts.jsonl}. */
  public record Verdict(
      String account,
      String verdict,
      double score,
      long requests,
      @Nullable Long flaggedAt,
      @Nullable String campaign,
      List<Reason> reasons) {
    public boolean isDistillation() {
      return "distillation".equals(verdict);
    }
  }

  /** A shared indicator of a campaign: type, local value, how many member accounts share it. */
  public record SharedIndicator(String type, String value, int accounts) {}

  /** One line of {@code campaigns.jsonl}. */
  public record Campaign(
      String id,
      String verdict,
      double score,
      int size,
      List<String> accounts,
      long requests,
      long inputTokens,
      long outputTokens,
      long firstSeen,
      long lastSeen,
      @Nullable Long confirmedAt,
      List<SharedIndicator> indicators,
      List<Reason> reasons) {}

  /** Thrown for an unreadable analysis directory; the message names file and line. */
  public static final class AnalysisException extends Exception {
    private static final long serialVersionUID = 1L;

    public AnalysisException(String message) {
      super(message);
    }
  }

  /** Reads {@code dir/verdicts.jsonl} and {@code dir/campaigns.jsonl} (the latter may be empty). */
  public static Analysis read(Path dir) throws AnalysisException {
    List<Verdict> verdicts = new ArrayList<>();
    List<Campaign> campaigns = new ArrayList<>();
    readLines(dir.resolve("verdicts.jsonl"), (n, where) -> verdicts.add(verdict(n, where)));
    readLines(dir.resolve("campaigns.jsonl"), (n, where) -> campaigns.add(campaign(n, where)));
    return new Analysis(verdicts, campaigns);
  }

  private interface LineHandler {
    void accept(JsonNode node, String where) throws AnalysisException;
  }

  private static void readLines(Path file, LineHandler h) throws AnalysisException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + no;
        JsonNode n;
        try {
          n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          throw new AnalysisException(where + ": invalid JSON");
        }
        if (!n.isObject()) {
          throw new AnalysisException(where + ": expected a JSON object");
        }
        h.accept(n, where);
      }
    } catch (NoSuchFileException e) {
      throw new AnalysisException(file + ": no such file (is this an analyze output directory?)");
    } catch (IOException e) {
      throw new AnalysisException(file + ": " + e.getMessage());
    }
  }

  private static Verdict verdict(JsonNode n, String where) throws AnalysisException {
    return new Verdict(
        text(n, "account", where),
        text(n, "verdict", where),
        n.path("score").asDouble(0),
        n.path("requests").asLong(0),
        time(n, "flagged_at", where),
        optText(n, "campaign"),
        reasons(n));
  }

  private static Campaign campaign(JsonNode n, String where) throws AnalysisException {
    List<String> accounts = new ArrayList<>();
    n.path("accounts").forEach(a -> accounts.add(a.asText()));
    List<SharedIndicator> ind = new ArrayList<>();
    for (JsonNode i : n.path("indicators")) {
      String type = i.path("type").asText("");
      String value = i.path("value").asText("");
      if (!type.isEmpty() && !value.isEmpty()) {
        ind.add(new SharedIndicator(type, value, i.path("accounts").asInt(0)));
      }
    }
    Long first = time(n, "first_seen", where);
    Long last = time(n, "last_seen", where);
    if (first == null || last == null) {
      throw new AnalysisException(where + ": campaign needs first_seen and last_seen");
    }
    return new Campaign(
        text(n, "id", where),
        n.path("verdict").asText("distillation"),
        n.path("score").asDouble(0),
        n.path("size").asInt(accounts.size()),
        accounts,
        n.path("requests").asLong(0),
        n.path("input_tokens").asLong(0),
        n.path("output_tokens").asLong(0),
        first,
        last,
        time(n, "confirmed_at", where),
        ind,
        reasons(n));
  }

  private static List<Reason> reasons(JsonNode n) {
    List<Reason> out = new ArrayList<>();
    for (JsonNode r : n.path("reasons")) {
      String s = r.path("signal").asText("");
      if (!s.isEmpty() && r.path("value").isNumber()) {
        out.add(new Reason(s, r.path("value").asDouble()));
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field, String where) throws AnalysisException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new AnalysisException(where + ": missing field '" + field + "'");
    }
    return v.asText();
  }

  private static @Nullable String optText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }

  private static @Nullable Long time(JsonNode n, String field, String where)
      throws AnalysisException {
    String s = optText(n, field);
    if (s == null) {
      return null;
    }
    try {
      return Rfc3339.parseMillis(s);
    } catch (IllegalArgumentException e) {
      throw new AnalysisException(where + ": field '" + field + "': " + e.getMessage());
    }
  }
}
