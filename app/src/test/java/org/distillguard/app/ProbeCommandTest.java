package org.distillguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MasterKey;
import org.distillguard.mark.canary.Canaries;
import org.distillguard.mark.canary.CanaryLedger;
import org.distillguard.mark.canary.Serving;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProbeCommandTest {
  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void findsTheCampaignKeyAndItsCanaryInASuspectsOutputs() throws Exception {
    byte[] secret = new byte[32];
    for (int i = 0; i < 32; i++) {
      secret[i] = (byte) (i * 7 + 3);
    }
    Path keyFile =
        Files.writeString(dir.resolve("master.hex"), HexFormat.of().formatHex(secret) + "\n");
    MasterKey master = MasterKey.fromHex(HexFormat.of().formatHex(secret));
    MarkKey campaign = master.campaign("c-17");
    Marker m = Marker.of(campaign);
    String[] subjects = {
      "model",
      "server",
      "parser",
      "worker",
      "library",
      "script",
      "compiler",
      "cache",
      "student",
      "teacher",
      "network",
      "database",
      "engineer",
      "browser",
      "function",
      "garden",
      "recipe",
      "doctor",
      "city",
      "report",
      "museum",
      "market",
      "printer",
      "router",
      "editor"
    };
    String[] adverbs = {"often", "maybe", "nearly", "mainly", "quickly", "rarely"};
    StringBuilder jsonl = new StringBuilder();
    int n = 0;
    for (String s : subjects) {
      for (String a : adverbs) {
        String text = m.mark("", "The " + s + " " + a + " works as planned.");
        jsonl
            .append("{\"id\":\"o")
            .append(n++)
            .append("\",\"output\":\"")
            .append(text)
            .append("\"}\n");
      }
    }
    Canaries.Canary c = Canaries.mint(master.account("acct-9"), "Give me an example order id");
    jsonl
        .append("{\"id\":\"canary\",\"output\":\"Your order ")
        .append(c.value())
        .append(" is ready.\"}\n");
    Path outputs = Files.writeString(dir.resolve("suspect.jsonl"), jsonl);
    Path ledger = dir.resolve("ledger.jsonl");
    CanaryLedger.append(
        ledger, List.of(new Serving("2026-11-23T10:00:00Z", "acct-9", "c-17", c.hash(), "ph")));

    int code =
        run(
            "probe",
            "--master-key-file",
            keyFile.toString(),
            "--key",
            "member:default",
            "--key",
            "campaign:c-17",
            "--outputs",
            outputs.toString(),
            "--ledger",
            ledger.toString(),
            "--decoys",
            "50",
            "--out",
            dir.resolve("out").toString());

    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString())
        .contains("watermark: DETECTED", "canary: account acct-9 reproduced 1 of 1");
    assertThat(dir.resolve("out/probe.json")).content().contains("\"campaign:c-17\"");
    assertThat(dir.resolve("out/probe.html")).content().contains("Watermark detected", "acct-9");
  }

  @Test
  void theShippedExampleStillShowsCampaignC17AndItsCanary() {
    Path ex = Path.of("..", "examples", "probe");
    int code =
        run(
            "probe",
            "--master-key-file",
            ex.resolve("master.hex").toString(),
            "--key",
            "member:default",
            "--key",
            "campaign:c-17",
            "--outputs",
            ex.resolve("suspect.jsonl").toString(),
            "--ledger",
            ex.resolve("ledger.jsonl").toString(),
            "--out",
            dir.resolve("ex").toString());
    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString())
        .contains(
            "121 outputs", "watermark: DETECTED", "canary: account acct-4411 reproduced 1 of 1");
  }

  @Test
  void refusesAmbiguousInput() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("k.hex"), "00112233445566778899aabbccddeeff");
    assertThat(run("probe", "--master-key-file", keyFile.toString())).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("either --outputs");
    assertThat(
            run(
                "probe",
                "--master-key-file",
                keyFile.toString(),
                "--outputs",
                "x",
                "--key",
                "nope"))
        .isEqualTo(Main.EXIT_USAGE);
  }
}
