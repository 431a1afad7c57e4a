package org.distillguard.sim.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Line-by-line JSON reading with user-readable reasons; package-private plumbing. */
final class JsonLines {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonLines() {}

  /** Receives each usable object with its 1-based line number. */
  interface Sink {
    void accept(JsonNode object, long line);
  }

  /**
   * Reads every non-blank line of {@code in} as a JSON object; a line that is not one is added to
   * {@code problems} and skipped.
   */
  static void read(BufferedReader in, String file, Problems problems, Sink sink)
      throws IOException {
    long lineNo = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = MAPPER.readTree(line);
      } catch (JsonProcessingException e) {
        problems.add(file, lineNo, "not valid JSON: " + firstLine(e.getOriginalMessage()));
        continue;
      }
      if (node == null || !node.isObject()) {
        problems.add(file, lineNo, "not a JSON object");
        continue;
      }
      sink.accept(node, lineNo);
    }
  }

  /** A required non-empty string field, or null if missing or of another type. */
  static @Nullable String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }

  /** True if the field is absent or JSON null. */
  static boolean absent(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull();
  }

  /** An integral field as a long, or {@code Long.MIN_VALUE} if it is not a whole number. */
  static long whole(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isNumber()) {
      return Long.MIN_VALUE;
    }
    if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
      return v.asLong();
    }
    return Long.MIN_VALUE;
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String one = nl < 0 ? s : s.substring(0, nl);
    return one.length() > 120 ? one.substring(0, 117) + "..." : one;
  }
}
