package org.distillguard.mark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Real English text for the figures and the end-to-end tests: the human- and GPT-written prompt
 * sets in {@code ../shared/data/prompts} (licences in its README). Only English sets, only texts of
 * at least {@code minWords} words. Absent on a plain clone: tests skip themselves.
 */
public final class Corpus {
  /** Sets of ordinary English prose (the Chinese and code-heavy sets are left out). */
  public static final List<String> ENGLISH =
      List.of(
          "awesome_chatgpt_prompts",
          "gpteacher_roleplay",
          "gpteacher_toolformer",
          "oasst1_en_validation",
          "oasst_prompt_lottery_250",
          "dolly_open_qa",
          "sharegpt_sample_1003",
          "hh_rlhf_harmless_test",
          "instructionwild_v2_users",
          "stanford_alpaca");

  private Corpus() {}

  /** The shared prompt folder, or null when absent. */
  public static @Nullable Path folder() {
    String env = System.getenv("DISTILLGUARD_SHARED");
    Path p = Path.of(env == null ? "../../shared" : env).resolve("data/prompts");
    return Files.isDirectory(p) ? p : null;
  }

  /** Texts (prompts and their later turns) of the English sets, in file order. */
  public static List<String> texts(Path folder, int minWords) {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    for (String name : ENGLISH) {
      Path f = folder.resolve(name + ".jsonl.gz");
      if (!Files.exists(f)) {
        continue;
      }
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f));
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode n = json.readTree(line);
          List<String> parts = new ArrayList<>();
          if (n.has("turns")) {
            n.get("turns").forEach(t -> parts.add(t.asText()));
          } else {
            parts.add(n.path("prompt").asText());
          }
          for (String t : parts) {
            if (t.split("\\s+").length >= minWords && mostlyAscii(t)) {
              out.add(t);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static boolean mostlyAscii(String t) {
    int ascii = 0;
    for (int i = 0; i < t.length(); i++) {
      ascii += t.charAt(i) < 128 ? 1 : 0;
    }
    return ascii >= 0.97 * t.length();
  }
}
