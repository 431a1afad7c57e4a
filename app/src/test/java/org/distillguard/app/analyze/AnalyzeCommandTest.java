package org.distillguard.app.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.app.Main;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.io.ExchangeWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
  @TempDir Path dir;
  private Path log;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** A harvester sweeping with step-by-step prompts at machine rate, and ten quiet people. */
  @BeforeEach
  void writeLog() throws IOException {
    String[] sweep = {
      "Write a Python function that parses CSV files. Explain step by step.",
      "Solve the equation 5x - 3 = 17 and show your reasoning step by step.",
      "Translate into French, step by step: the train leaves at noon.",
      "Write a short poem about the sea, then explain your reasoning step by step.",
      "Classify the sentiment of this review step by step: terrible battery life.",
      "Who founded the city of Rome? Explain step by step.",
    };
    List<String> lines = new ArrayList<>();
    long t = 1_767_225_600_000L;
    for (int i = 0; i < 400; i++) {
      t += 1500;
      lines.add(
          ExchangeWriter.toJson(
              Exchange.builder("h-" + i, t, "harvester")
                  .params(Params.NONE.withMaxTokens(8192).withReasoningEffort("high"))
                  .prompt(sweep[i % sweep.length] + " #" + i)
                  .build()));
      if (i % 40 == 0) {
        for (int p = 0; p < 10; p++) {
          lines.add(
              ExchangeWriter.toJson(
                  Exchange.builder("p-" + p + "-" + i, t + p, "person-" + p)
                      .conversation("c-" + p)
                      .prompt("can you help me plan a birthday party for my daughter")
                      .build()));
        }
      }
    }
    log = dir.resolve("log.jsonl");
    Files.write(log, lines, StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    return Main.newCommandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void writesTheThreeOutputsAndAVerdictForEveryAccount() throws IOException {
    Path o = dir.resolve("out");
    assertThat(run("analyze", "--out", o.toString(), log.toString())).isZero();
    List<String> verdicts = Files.readAllLines(o.resolve("verdicts.jsonl"));
    assertThat(verdicts).hasSize(11);
    assertThat(verdicts.get(0))
        .startsWith("{\"account\":\"harvester\",\"verdict\":\"distillation\"");
    assertThat(verdicts.stream().filter(l -> l.contains("\"person-")))
        .allMatch(
            l -> l.contains("\"verdict\":\"benign\"") && l.contains("\"flagged_after\":null"));
    assertThat(o.resolve("campaigns.jsonl")).exists();
    assertThat(o.resolve("report.html")).exists();
    assertThat(out.toString())
        .contains("500 events")
        .contains("harvester")
        .contains("distillation");
  }

  @Test
  void outputIsIdenticalWhateverTheThreadCount() throws IOException {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertThat(run("analyze", "--threads", "1", "--out", one.toString(), log.toString())).isZero();
    assertThat(run("analyze", "--threads", "3", "--out", two.toString(), log.toString())).isZero();
    assertThat(Files.readAllBytes(one.resolve("verdicts.jsonl")))
        .isEqualTo(Files.readAllBytes(two.resolve("verdicts.jsonl")));
  }

  /** The shipped example holds hydra campaigns: linking finds them and names their members. */
  @Test
  void linksTheExamplesHydrasIntoCampaignsThatTheVerdictsName() throws IOException {
    Path example = Path.of("../examples/small.jsonl.gz");
    Path o = dir.resolve("linked");
    assertThat(run("analyze", "--threads", "1", "--out", o.toString(), example.toString()))
        .isZero();
    List<String> campaigns = Files.readAllLines(o.resolve("campaigns.jsonl"));
    assertThat(campaigns).isNotEmpty();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Set<String> ids = new java.util.HashSet<>();
    java.util.Set<String> members = new java.util.HashSet<>();
    boolean confirmed = false;
    for (String line : campaigns) {
      var c = mapper.readTree(line);
      ids.add(c.get("id").asText());
      c.get("accounts").forEach(a -> members.add(a.asText()));
      confirmed |= !c.get("confirmed_at").isNull();
      assertThat(c.get("size").asInt()).isEqualTo(c.get("accounts").size());
      assertThat(c.get("indicators")).isNotEmpty();
      assertThat(c.get("members").get(0).get("linked_by")).isNotEmpty();
    }
    assertThat(confirmed).isTrue();
    for (String line : Files.readAllLines(o.resolve("verdicts.jsonl"))) {
      var v = mapper.readTree(line);
      boolean inCampaign = members.contains(v.get("account").asText());
      assertThat(v.get("campaign").isNull()).isEqualTo(!inCampaign);
      if (inCampaign) {
        assertThat(ids).contains(v.get("campaign").asText());
      }
    }
    assertThat(out.toString()).containsPattern("campaigns: \\d+ \\(\\d+ confirmed");

    Path two = dir.resolve("linked-3");
    assertThat(run("analyze", "--threads", "3", "--out", two.toString(), example.toString()))
        .isZero();
    assertThat(Files.readAllBytes(two.resolve("campaigns.jsonl")))
        .isEqualTo(Files.readAllBytes(o.resolve("campaigns.jsonl")));

    Path off = dir.resolve("unlinked");
    assertThat(run("analyze", "--no-linking", "--out", off.toString(), example.toString()))
        .isZero();
    assertThat(Files.readAllLines(off.resolve("campaigns.jsonl"))).isEmpty();
    assertThat(Files.readString(off.resolve("verdicts.jsonl"))).doesNotContain("\"campaign\":\"");
  }

  @Test
  void reportsAnInvalidLineWithItsNumberAndKeepsGoing() throws IOException {
    Files.writeString(log, "{not json}\n", java.nio.file.StandardOpenOption.APPEND);
    Path o = dir.resolve("out");
    assertThat(run("analyze", "--out", o.toString(), log.toString())).isZero();
    assertThat(err.toString()).contains("log.jsonl:501: invalid JSON");
    assertThat(out.toString()).contains("invalid lines skipped: 1");
    assertThat(Files.readAllLines(o.resolve("verdicts.jsonl"))).hasSize(11);
  }

  @Test
  void strictStopsAtTheFirstInvalidLineWithExitTwo() throws IOException {
    Files.writeString(log, "{\"id\":3}\n", java.nio.file.StandardOpenOption.APPEND);
    Path o = dir.resolve("out");
    assertThat(run("analyze", "--strict", "--out", o.toString(), log.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(":501: field 'id': expected a string, got a number")
        .contains("--strict");
    assertThat(o.resolve("verdicts.jsonl")).doesNotExist();
  }

  @Test
  void anEmptyLogGivesEmptyOutputsAndSuccess() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    Path o = dir.resolve("out");
    assertThat(run("analyze", "--out", o.toString(), empty.toString())).isZero();
    assertThat(Files.readAllLines(o.resolve("verdicts.jsonl"))).isEmpty();
    assertThat(out.toString()).contains("accounts: 0");
  }

  @Test
  void aMissingFileIsAUsageErrorNamingTheFile() {
    assertThat(
            run(
                "analyze",
                "--out",
                dir.resolve("o").toString(),
                dir.resolve("nope.jsonl").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("nope.jsonl: no such file").doesNotContain("Exception");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(run("analyze", "--threads", "0", log.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--threads must be between 1 and 256");
    assertThat(run("analyze", "--bogus", log.toString())).isEqualTo(2);
    assertThat(run("analyze")).isEqualTo(2);
    assertThat(run("analyze", "--suspicious-at", "0.9", "--distillation-at", "0.5", log.toString()))
        .isEqualTo(2);
    assertThat(run("analyze", "--link-threshold", "0", log.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--link-threshold must be positive");
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  @Test
  void helpExplainsEveryOption() {
    assertThat(run("analyze", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--out",
            "--strict",
            "--threads",
            "progress",
            "--min-requests",
            "--model-release",
            "--no-linking",
            "--link-threshold",
            "Exit codes");
  }
}
