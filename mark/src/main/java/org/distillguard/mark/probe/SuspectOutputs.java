package org.distillguard.mark.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads suspect outputs: JSON Lines with {@code output} (or {@code text}, {@code completion}) and
 * optional {@code id} and {@code prompt}; or, for any file that does not start with '{', the whole
 * file as one output. {@code .gz} is read transparently.
 */
public final class SuspectOutputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SuspectOutputs() {}

  /** Reads one file. */
  public static List<SuspectOutput> read(Path file) throws IOException {
    String text;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<SuspectOutput> out = new ArrayList<>();
    if (!text.stripLeading().startsWith("{")) {
      out.add(new SuspectOutput(file.getFileName().toString(), "", text));
      return out;
    }
    BufferedReader r = new BufferedReader(new java.io.StringReader(text));
    int lineNo = 0;
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + ":" + lineNo + ": not JSON", e);
      }
      JsonNode o =
          n.has("output") ? n.get("output") : n.has("text") ? n.get("text") : n.get("completion");
      if (o == null || !o.isTextual()) {
        throw new IOException(file + ":" + lineNo + ": no \"output\" string");
      }
      out.add(
          new SuspectOutput(
              n.path("id").asText("line-" + lineNo), n.path("prompt").asText(""), o.asText()));
    }
    return out;
  }

  /** Reads a prompt set: JSON Lines with {@code prompt} and optional {@code id} (gzip or not). */
  public static List<SuspectOutput> readPrompts(Path file) throws IOException {
    List<SuspectOutput> out = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (!n.path("prompt").isTextual()) {
          throw new IOException(file + ":" + lineNo + ": no \"prompt\" string");
        }
        out.add(
            new SuspectOutput(n.path("id").asText("p-" + lineNo), n.get("prompt").asText(), ""));
      }
    }
    return out;
  }
}
