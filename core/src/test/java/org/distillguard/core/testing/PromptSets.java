package org.distillguard.core.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The shared prompt sets ({@code ../shared/data/prompts}) for tests and the training tool. Tests
 * that need them skip themselves when the folder is absent (a plain clone).
 */
public final class PromptSets {
  /** The split the detector is calibrated on; the others are held out. */
  public static final List<String> TRAIN_DISTILL =
      List.of("stanford_alpaca", "gpteacher_codegen", "gpteacher_roleplay");

  public static final List<String> TRAIN_ORGANIC =
      List.of(
          "dolly_open_qa",
          "msmarco_queries",
          "hh_rlhf_harmless_test",
          "oasst1_en_validation",
          "awesome_chatgpt_prompts");

  public static final List<String> HOLDOUT_DISTILL =
      List.of("t0_templated_prompts", "gpteacher_toolformer", "alpaca_zh_translated");

  public static final List<String> HOLDOUT_ORGANIC =
      List.of(
          "nq_open",
          "sharegpt_sample_1003",
          "instructionwild_v2_users",
          "oasst_prompt_lottery_250",
          "trec_session_2013");

  private PromptSets() {}

  /** The prompt-set folder, or null when this checkout has no shared data beside it. */
  public static @Nullable Path folder() {
    String env = System.getenv("DISTILLGUARD_SHARED");
    List<Path> candidates = new ArrayList<>();
    if (env != null) {
      candidates.add(Path.of(env, "data", "prompts"));
    }
    candidates.add(Path.of("..", "..", "shared", "data", "prompts"));
    candidates.add(Path.of("..", "shared", "data", "prompts"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve("stanford_alpaca.jsonl.gz"))) {
        return p;
      }
    }
    return null;
  }

  /** The {@code prompt} field of the first {@code limit} lines of a set. */
  public static List<String> prompts(Path folder, String set, int limit) {
    List<String> out = new ArrayList<>();
    JsonFactory f = new JsonFactory();
    try (InputStream in =
            new GZIPInputStream(Files.newInputStream(folder.resolve(set + ".jsonl.gz")));
        JsonParser p = f.createParser(in)) {
      while (out.size() < limit && p.nextToken() == JsonToken.START_OBJECT) {
        String prompt = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if ("prompt".equals(name)) {
            prompt = p.getText();
          } else {
            p.skipChildren();
          }
        }
        if (prompt != null) {
          out.add(prompt);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
