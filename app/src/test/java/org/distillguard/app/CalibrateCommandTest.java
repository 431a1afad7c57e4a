package org.distillguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.io.ExchangeWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrateCommandTest {
  @TempDir Path dir;
  private Path log;
  private Path labels;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeLabelledLog() throws Exception {
    List<String> lines = new ArrayList<>();
    long t = 1_767_225_600_000L;
    for (int i = 0; i < 60; i++) {
      lines.add(
          ExchangeWriter.toJson(
              Exchange.builder("h" + i, t + i * 2_000L, "harvester")
                  .params(Params.NONE.withMaxTokens(8192))
                  .prompt("Explain step by step: item " + i)
                  .build()));
      lines.add(
          ExchangeWriter.toJson(
              Exchange.builder("p" + i, t + i * 1_800_000L, "person")
                  .conversation("c" + i / 3)
                  .prompt("what's a good name for a cat")
                  .build()));
    }
    log = Files.write(dir.resolve("log.jsonl"), lines, StandardCharsets.UTF_8);
    labels =
        Files.writeString(
            dir.resolve("labels.jsonl"),
            "{\"account\":\"harvester\",\"class\":\"bulk\",\"distill\":true,\"campaign\":null,\"switch_at\":null}\n"
                + "{\"account\":\"person\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}\n");
  }

  private int run(String... args) {
    return Main.newCommandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void writesAModelThatAnalyzeLoads() {
    Path model = dir.resolve("model.properties");
    assertThat(
            run(
                "calibrate",
                "--labels",
                labels.toString(),
                "--out",
                model.toString(),
                log.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("calibrated on").contains("reasoning_elicitation");
    assertThat(
            run(
                "analyze",
                "--scoring-model",
                model.toString(),
                "--out",
                dir.resolve("o").toString(),
                log.toString()))
        .as(err.toString())
        .isZero();
  }

  @Test
  void badInputIsAUsageErrorThatSaysWhat() throws Exception {
    Path model = dir.resolve("model.properties");
    assertThat(
            run(
                "calibrate",
                "--labels",
                dir.resolve("none.jsonl").toString(),
                "--out",
                model.toString(),
                log.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("none.jsonl: no such file");
    assertThat(
            run(
                "calibrate",
                "--ignore",
                "rate",
                "--labels",
                labels.toString(),
                "--out",
                model.toString(),
                log.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown signal 'rate'");
    Path other =
        Files.writeString(
            dir.resolve("other.jsonl"),
            "{\"account\":\"x\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}\n");
    assertThat(
            run(
                "calibrate",
                "--labels",
                other.toString(),
                "--out",
                model.toString(),
                log.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no labelled samples");
    assertThat(
            run(
                "calibrate",
                "--l2",
                "-1",
                "--labels",
                labels.toString(),
                "--out",
                model.toString(),
                log.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  @Test
  void analyzeNamesABrokenScoringModel() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.properties"), "request_rate.weight=lots\n");
    assertThat(
            run(
                "analyze",
                "--scoring-model",
                bad.toString(),
                "--out",
                dir.resolve("o").toString(),
                log.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'request_rate.weight' is not a number");
  }
}
