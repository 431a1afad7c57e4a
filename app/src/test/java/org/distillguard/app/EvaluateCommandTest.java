package org.distillguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  Path write(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  void sample() throws IOException {
    write(
        "labels.jsonl",
        "{\"account\":\"b1\",\"class\":\"bulk\",\"distill\":true,\"campaign\":null,\"switch_at\":null}",
        "{\"account\":\"t1\",\"class\":\"turncoat\",\"distill\":true,\"campaign\":null,\"switch_at\":11}",
        "{\"account\":\"p1\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
        "{\"account\":\"pl\",\"class\":\"pipeline\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
        "{\"account\":\"gone\",\"class\":\"person\",\"distill\":false}");
    write(
        "verdicts.jsonl",
        "{\"account\":\"b1\",\"verdict\":\"distillation\",\"score\":0.9,\"requests\":100,"
            + "\"flagged_after\":10,\"flagged_at\":\"2026-11-03T14:02:11.250Z\",\"campaign\":null,"
            + "\"reasons\":[]}",
        "{\"account\":\"t1\",\"verdict\":\"distillation\",\"score\":0.9,\"requests\":50,"
            + "\"flagged_after\":30,\"flagged_at\":null,\"campaign\":null,\"reasons\":[]}",
        "{\"account\":\"p1\",\"verdict\":\"benign\",\"score\":0.1,\"requests\":5,"
            + "\"flagged_after\":null,\"flagged_at\":null,\"campaign\":null,\"reasons\":[]}",
        "{\"account\":\"pl\",\"verdict\":\"suspicious\",\"score\":0.6,\"requests\":500,"
            + "\"flagged_after\":null,\"flagged_at\":null,\"campaign\":null,\"reasons\":[]}",
        "oops");
  }

  @Test
  void printsTheTableAndWritesEvaluationJsonNextToTheVerdicts() throws IOException {
    sample();
    int code =
        run(
            "evaluate",
            "--labels",
            dir.resolve("labels.jsonl").toString(),
            "--verdicts",
            dir.resolve("verdicts.jsonl").toString());
    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString())
        .contains("Evaluated 4 accounts (5 labelled, 4 with a verdict)")
        .contains("distillers")
        .contains("100.00%")
        .contains("people_and_apps");
    assertThat(err.toString())
        .contains("verdicts.jsonl:5: not valid JSON")
        .contains("1 unusable input lines")
        .contains("1 labelled accounts have no verdict (e.g. gone)");
    String json = Files.readString(dir.resolve("evaluation.json"));
    // b1 leaks 10 of 100, t1 leaks 30-11+1 = 20 of 50-11+1 = 40
    assertThat(json).contains("\"leaked_requests\" : 30").contains("\"exposed_requests\" : 140");
  }

  @Test
  void writesCsvAndJsonWhereAsked() throws IOException {
    sample();
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--out=" + dir.resolve("e.json"),
            "--csv=" + dir.resolve("plots"));
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(dir.resolve("e.json")).exists();
    assertThat(Files.readString(dir.resolve("plots/requests_to_flag.csv")))
        .isEqualTo("class,requests_to_flag\nbulk,10\nturncoat,20\n");
    assertThat(Files.readString(dir.resolve("plots/classes.csv"))).startsWith("group,distill,");
  }

  @Test
  void readsDetectedCampaignsFromTheCampaignsFile() throws IOException {
    write(
        "labels.jsonl",
        "{\"account\":\"h1\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"op\"}",
        "{\"account\":\"h2\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"op\"}",
        "{\"account\":\"p1\",\"class\":\"person\",\"distill\":false}");
    write(
        "verdicts.jsonl",
        "{\"account\":\"h1\",\"verdict\":\"distillation\",\"requests\":9,\"flagged_after\":3}",
        "{\"account\":\"h2\",\"verdict\":\"distillation\",\"requests\":9,\"flagged_after\":4}",
        "{\"account\":\"p1\",\"verdict\":\"benign\",\"requests\":9}");
    write(
        "campaigns.jsonl", "{\"id\":\"c-1\",\"accounts\":[\"h1\",\"h2\",\"p1\"],\"requests\":27}");
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--campaigns=" + dir.resolve("campaigns.jsonl"));
    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString())
        .contains(
            "Campaigns: 1 true, 1 detected; coverage mean 100.00%, min 100.00%;"
                + " benign accounts in campaigns with distillers: 1");
  }

  @Test
  void exitsThreeWhenABoundFails() throws IOException {
    sample();
    write("bounds.json", "{\"recall_min\":0.95,\"fpr_people_apps_max\":0.0,\"leakage_max\":0.1}");
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--bounds=" + dir.resolve("bounds.json"));
    assertThat(code).isEqualTo(EvaluateCommand.EXIT_BOUNDS_FAILED).isEqualTo(3);
    assertThat(out.toString())
        .containsPattern("PASS +recall_min")
        .containsPattern("PASS +fpr_people_apps_max")
        .containsPattern("FAIL +leakage_max +limit 0.1 +actual 0.2143");
    assertThat(Files.readString(dir.resolve("evaluation.json"))).contains("\"pass\" : false");
  }

  @Test
  void exitsZeroWhenEveryBoundPasses() throws IOException {
    sample();
    write("bounds.json", "{\"recall_min\":0.95,\"median_requests_to_flag_single_max\":50}");
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--bounds=" + dir.resolve("bounds.json"));
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString()).doesNotContain("FAIL");
  }

  @Test
  void exitsTwoWhenLabelsAndVerdictsShareNoAccount() throws IOException {
    sample();
    write("other.jsonl", "{\"account\":\"zz\",\"verdict\":\"benign\",\"requests\":1}");
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("other.jsonl"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("share no account");
  }

  @Test
  void exitsTwoOnEmptyInputs() throws IOException {
    write("l.jsonl");
    write("v.jsonl");
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("l.jsonl"),
            "--verdicts=" + dir.resolve("v.jsonl"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void exitsTwoWithoutAStackTraceOnAMissingFileOrBadBounds() throws IOException {
    sample();
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("nope.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("nope.jsonl: no such file").doesNotContain("Exception");
    write("bounds.json", "{\"recall\":1}");
    code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--bounds=" + dir.resolve("bounds.json"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("unknown bound \"recall\"");
  }

  @Test
  void exitsTwoOnACorruptGzipOrAnUnwritableOutput() throws IOException {
    sample();
    Files.write(dir.resolve("v.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2});
    int code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("v.jsonl.gz"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("distillguard evaluate: ").doesNotContain("\tat ");
    code =
        run(
            "evaluate",
            "--labels=" + dir.resolve("labels.jsonl"),
            "--verdicts=" + dir.resolve("verdicts.jsonl"),
            "--out=" + dir.resolve("no/such/dir/e.json"));
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void helpDocumentsExitCodeThree() {
    int code = run("evaluate", "--help");
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString()).contains("--bounds").contains("3 a --bounds limit failed");
  }
}
