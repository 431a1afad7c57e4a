package org.distillguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.distillguard.core.io.ExchangeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  private static final String SAMPLE = Path.of("..", "examples", "prompts").toString();
  private static final String TINY =
      "{\"start\":\"2026-11-02\",\"days\":1,\"populations\":["
          + "{\"kind\":\"person\",\"count\":5},{\"kind\":\"bulk\",\"count\":1,"
          + "\"params\":{\"requests_per_hour\":100,\"active_hours\":2}},"
          + "{\"kind\":\"hydra\",\"count\":1,\"params\":{\"accounts\":4,\"requests_per_account\":5}}]}";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static Path tinyScenario(Path dir) throws Exception {
    Path f = dir.resolve("tiny.json");
    Files.writeString(f, TINY);
    return f;
  }

  @Test
  void writesAGzipLogAndLabelsAndASummary(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("events.jsonl.gz");
    Path labels = dir.resolve("labels.jsonl");
    int code =
        run(
            "simulate",
            "--scenario",
            tinyScenario(dir).toString(),
            "--prompts",
            SAMPLE,
            "--seed",
            "7",
            "--out",
            events.toString(),
            "--labels",
            labels.toString());
    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    List<String> lines;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(events))) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertThat(lines).hasSizeGreaterThan(50);
    ExchangeParser p = new ExchangeParser();
    for (String l : lines) {
      p.parse(l);
    }
    List<String> ls = Files.readAllLines(labels);
    assertThat(ls)
        .anyMatch(l -> l.contains("\"class\":\"hydra\"") && l.contains("\"campaign\":\"camp-"));
    assertThat(ls)
        .allMatch(l -> l.startsWith("{\"account\":\"acct-") && l.contains("\"switch_at\":"));
    assertThat(err.toString())
        .startsWith("simulated tiny: ")
        .contains(lines.size() + " events")
        .doesNotContain("Exception");
  }

  @Test
  void canWriteTheLogToStdout(@TempDir Path dir) throws Exception {
    int code =
        run(
            "simulate",
            "--scenario",
            tinyScenario(dir).toString(),
            "--prompts",
            SAMPLE,
            "--out",
            "-",
            "--labels",
            dir.resolve("l.jsonl").toString());
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString().lines().findFirst().orElseThrow()).startsWith("{\"id\":\"acct-");
  }

  @Test
  void aMissingPromptFolderIsAUsageError(@TempDir Path dir) {
    Path missing = dir.resolve("none");
    int code =
        run(
            "simulate",
            "--prompts",
            missing.toString(),
            "--out",
            dir.resolve("e.jsonl").toString(),
            "--labels",
            dir.resolve("l.jsonl").toString());
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString())
        .isEqualTo(
            "distillguard simulate: prompt sets not found at "
                + missing
                + ": pass --prompts DIR"
                + System.lineSeparator());
  }

  @Test
  void anUnknownScenarioIsAUsageError(@TempDir Path dir) {
    int code =
        run(
            "simulate",
            "--scenario",
            "huge",
            "--prompts",
            SAMPLE,
            "--out",
            dir.resolve("e.jsonl").toString(),
            "--labels",
            dir.resolve("l.jsonl").toString());
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("unknown scenario huge").doesNotContain("\tat ");
  }

  @Test
  void badOptionsAreUsageErrors(@TempDir Path dir) {
    String e = dir.resolve("e.jsonl").toString();
    String l = dir.resolve("l.jsonl").toString();
    assertThat(run("simulate", "--prompts", SAMPLE, "--out", e, "--labels", l, "--scale", "0"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--scale must be a positive number");
    assertThat(
            run(
                "simulate",
                "--prompts",
                SAMPLE,
                "--out",
                e,
                "--labels",
                l,
                "--prompt-split",
                "dev"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--prompt-split must be train, holdout or all");
    assertThat(run("simulate", "--out", e)).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("Missing required option: '--labels=FILE'");
    assertThat(run("simulate", "--prompts", SAMPLE, "--out", e, "--labels", l, "--seed", "x"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(
            run(
                "simulate",
                "--prompts",
                SAMPLE,
                "--out",
                dir.resolve("no/such/e.jsonl").toString(),
                "--labels",
                l))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("cannot write output").doesNotContain("\tat ");
  }

  @Test
  void theSameSeedWritesTheSameBytes(@TempDir Path dir) throws Exception {
    String sc = tinyScenario(dir).toString();
    run(
        "simulate",
        "--scenario",
        sc,
        "--prompts",
        SAMPLE,
        "--seed",
        "3",
        "--out",
        dir.resolve("a.jsonl.gz").toString(),
        "--labels",
        dir.resolve("a.l").toString());
    run(
        "simulate",
        "--scenario",
        sc,
        "--prompts",
        SAMPLE,
        "--seed",
        "3",
        "--out",
        dir.resolve("b.jsonl.gz").toString(),
        "--labels",
        dir.resolve("b.l").toString());
    assertThat(Files.readAllBytes(dir.resolve("a.jsonl.gz")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b.jsonl.gz")));
    assertThat(Files.readAllBytes(dir.resolve("a.l")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b.l")));
  }

  @Test
  void theShippedExampleIsExactlyWhatItsCommandProduces(@TempDir Path dir) throws Exception {
    // The golden file: if the simulator's output changes, regenerate examples/ (see its README).
    Path events = dir.resolve("small.jsonl.gz");
    Path labels = dir.resolve("small-labels.jsonl");
    int code =
        run(
            "simulate",
            "--scenario",
            "small",
            "--seed",
            "1",
            "--scale",
            "0.25",
            "--prompts",
            SAMPLE,
            "--out",
            events.toString(),
            "--labels",
            labels.toString());
    assertThat(code).isEqualTo(Main.EXIT_OK);
    Path examples = Path.of("..", "examples");
    assertThat(Files.readAllBytes(labels))
        .isEqualTo(Files.readAllBytes(examples.resolve("small-labels.jsonl")));
    assertThat(Files.readAllBytes(events))
        .isEqualTo(Files.readAllBytes(examples.resolve("small.jsonl.gz")));
  }

  @Test
  void helpExplainsTheOptions() {
    assertThat(run("simulate", "--help")).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString()).contains("--scenario", "--prompt-split", "--scale", "Example:");
  }
}
