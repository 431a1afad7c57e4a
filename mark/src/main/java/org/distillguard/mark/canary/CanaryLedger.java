package org.distillguard.mark.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of canaries served, as JSON Lines ({@code {"time","account","campaign","canary",
 * "prompt"}} with hashes only). The gateway appends to it (later: the store); the probe reads it.
 */
public final class CanaryLedger {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Serving> servings = new ArrayList<>();

  public CanaryLedger add(Serving s) {
    servings.add(s);
    return this;
  }

  public List<Serving> servings() {
    return servings;
  }

  /** Reads a ledger file. */
  public static CanaryLedger read(Path file) throws IOException {
    CanaryLedger l = new CanaryLedger();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (!n.hasNonNull("account") || !n.hasNonNull("canary")) {
          throw new IOException(file + ":" + lineNo + ": needs \"account\" and \"canary\"");
        }
        l.add(
            new Serving(
                n.path("time").asText(""),
                n.get("account").asText(),
                n.hasNonNull("campaign") ? n.get("campaign").asText() : null,
                n.get("canary").asText(),
                n.path("prompt").asText("")));
      }
    }
    return l;
  }

  /** Appends servings to a ledger file. */
  public static void append(Path file, List<Serving> servings) throws IOException {
    try (BufferedWriter w =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (Serving s : servings) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", s.time());
        n.put("account", s.account());
        if (s.campaign() != null) {
          n.put("campaign", s.campaign());
        }
        n.put("canary", s.canaryHash());
        n.put("prompt", s.promptHash());
        w.write(JSON.writeValueAsString(n));
        w.write('\n');
      }
    }
  }
}
