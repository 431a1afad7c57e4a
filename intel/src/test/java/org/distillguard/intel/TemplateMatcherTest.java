package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sanitize.TemplateMatcher;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.distillguard.intel.stix.Json;
import org.junit.jupiter.api.Test;

/**
 * Template sketches against live prompts, on the shipped simulation (examples/small.jsonl.gz): the
 * hydra campaign's template sketch, built as the exporter builds it, is compared with every request
 * of the log under many consortium keys.
 */
class TemplateMatcherTest {
  static final int KEYS = 12;

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    return Files.isDirectory(p.resolve("examples")) ? p : Objects.requireNonNull(p.getParent());
  }

  @Test
  @org.junit.jupiter.api.Tag("slow")
  void theHydrasTemplateMatchesItsPromptsAndNoBenignPromptUnderAnyKey() throws Exception {
    Map<String, JsonNode> labels = new HashMap<>();
    for (String line :
        Files.readAllLines(
            repoRoot().resolve("examples/small-labels.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode l = Json.MAPPER.readTree(line);
      labels.put(l.get("account").asText(), l);
    }
    List<Exchange> events = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (LineSource src =
        LineSource.open(
            repoRoot().resolve("examples/small.jsonl.gz").toString(),
            LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (src.next()) {
        events.add(parser.parse(src.buffer(), 0, src.length()));
      }
    }
    Map<String, List<String>> prompts = new HashMap<>();
    for (Exchange x : events) {
      if ("hydra".equals(Objects.requireNonNull(labels.get(x.account())).path("class").asText())) {
        List<String> l = prompts.computeIfAbsent(x.account(), k -> new ArrayList<>());
        if (l.size() < 2_000 && !x.lastUserPrompt().isEmpty()) {
          l.add(x.lastUserPrompt());
        }
      }
    }
    List<String> campaign = new ArrayList<>();
    prompts.values().forEach(campaign::addAll);
    Map<String, Integer> benignHits = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      byte[] secret = new byte[32];
      new Random(k).nextBytes(secret);
      PromptSketcher sketcher = new PromptSketcher(new ConsortiumKey(secret));
      TemplateSketch t = sketcher.templateSketch(campaign, 0.05, 3);
      TemplateMatcher m = new TemplateMatcher(sketcher, List.of(t.minima()), List.of(t.shingles()));
      int hydra = 0;
      int hydraHit = 0;
      for (Exchange x : events) {
        JsonNode l = Objects.requireNonNull(labels.get(x.account()));
        boolean hit = m.match(x.lastUserPrompt()) != null;
        if ("hydra".equals(l.path("class").asText())) {
          hydra++;
          hydraHit += hit ? 1 : 0;
        } else if (!l.path("distill").asBoolean() && hit) {
          benignHits.merge(l.path("class").asText() + ": " + x.lastUserPrompt(), 1, Integer::sum);
        }
      }
      // Per request the template is a weak signal (a hydra prompt is mostly its own content; the
      // estimate has 64 positions), but it must fire on a fair share of the campaign's requests.
      assertThat(hydraHit).as("key %d: hydra requests matched", k).isGreaterThan(hydra / 20);
    }
    assertThat(benignHits).as("benign prompts matched under some key").isEmpty();
  }

  @Test
  void emptyShortAndUnrelatedPromptsNeverMatchAndTheTemplateItselfDoes() {
    PromptSketcher sketcher = new PromptSketcher(new ConsortiumKey(new byte[32]));
    List<String> filled = new ArrayList<>();
    for (String topic : List.of("tides", "rust", "jazz", "ohm's law", "taxes", "mitosis", "zinc")) {
      filled.add(template(topic));
    }
    TemplateSketch t = sketcher.templateSketch(filled, 0.05, 3);
    TemplateMatcher m = new TemplateMatcher(sketcher, List.of(t.minima()), List.of(t.shingles()));
    assertThat(m.match("")).isNull();
    assertThat(m.match("Please respond helpfully")).isNull();
    assertThat(m.match("ℌ𝔢𝔩𝔩𝔬 ✨ 日本語のテキストです。 emoji 🎉🎉")).isNull();
    assertThat(m.match("What is the boiling point of water at the top of Mount Everest, roughly?"))
        .isNull();
    TemplateMatcher.Hit hit = m.match(template("the byzantine empire"));
    assertThat(hit).isNotNull();
    assertThat(Objects.requireNonNull(hit).index()).isZero();
    assertThat(hit.promptShare()).isGreaterThanOrEqualTo(TemplateMatcher.MIN_PROMPT_SHARE);
    // Only the start of a huge prompt is looked at: the template at its start still matches.
    assertThat(m.match(template("x") + " filler".repeat(100_000))).isNotNull();
    assertThat(m.match("filler ".repeat(100_000) + template("x"))).isNull();
    assertThat(new TemplateMatcher(sketcher, List.of(), List.of()).match(template("y"))).isNull();
  }

  static String template(String topic) {
    return "You are a meticulous professor. Explain in precise technical language, with a worked"
        + " example, everything a graduate student must know about "
        + topic
        + ", then list three common misconceptions and correct each one.";
  }
}
