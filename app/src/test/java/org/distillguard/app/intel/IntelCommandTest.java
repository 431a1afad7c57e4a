package org.distillguard.app.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.distillguard.app.Main;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IntelCommandTest {
  static final String NOW = "2026-11-06T00:00:00Z";
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  String keygen(String name) {
    Run r = run("intel", "keygen", "--out", tmp.resolve(name + ".key").toString());
    assertThat(r.code()).as(r.err()).isZero();
    return r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  void writeAnalysis(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("verdicts.jsonl"),
        "{\"account\":\"a1\",\"verdict\":\"distillation\",\"score\":0.93,\"requests\":40,\"flagged_after\":12,"
            + "\"flagged_at\":\"2026-11-03T15:00:00Z\",\"campaign\":\"campaign-1\",\"reasons\":[]}\n"
            + "{\"account\":\"a2\",\"verdict\":\"distillation\",\"score\":0.91,\"requests\":40,\"flagged_after\":12,"
            + "\"flagged_at\":\"2026-11-03T15:00:00Z\",\"campaign\":\"campaign-1\",\"reasons\":[]}\n");
    Files.writeString(
        dir.resolve("campaigns.jsonl"),
        "{\"id\":\"campaign-1\",\"verdict\":\"distillation\",\"score\":0.97,\"size\":2,\"accounts\":[\"a1\",\"a2\"],"
            + "\"requests\":80,\"first_seen\":\"2026-11-03T14:02:11.250Z\",\"last_seen\":\"2026-11-05T01:00:00Z\","
            + "\"indicators\":[{\"type\":\"ip_prefix\",\"value\":\"198.18.4.0/24\",\"accounts\":2},"
            + "{\"type\":\"payment_fp\",\"value\":\"pf-9a1c02ff\",\"accounts\":2}]}\n");
  }

  @Test
  void exportImportPublishAndPollFromTheCommandLine() throws Exception {
    String pubA = keygen("a");
    String pubB = keygen("b");
    assertThat(
            run(
                    "intel",
                    "keygen",
                    "--consortium",
                    "--out",
                    tmp.resolve("consortium.key").toString())
                .code())
        .isZero();
    assertThat(run("intel", "keygen", "--out", tmp.resolve("a.key").toString()).code())
        .as("refuses to overwrite a key")
        .isEqualTo(Main.EXIT_USAGE);
    int portA = freePort();
    Files.writeString(
        tmp.resolve("a.json"),
        "{\"member\":\"provider-a\",\"signing_key\":\"a.key\",\"consortium_key\":\"consortium.key\","
            + "\"state_dir\":\"state-a\",\"tlp\":\"green\","
            + "\"peers\":[{\"name\":\"provider-b\",\"public_key\":\""
            + pubB
            + "\"}],"
            + "\"server\":{\"port\":"
            + portA
            + ",\"tokens\":{\"provider-b\":\"token-b\"},\"publisher_token\":\"token-a\"}}");
    Files.writeString(
        tmp.resolve("b.json"),
        "{\"member\":\"provider-b\",\"signing_key\":\"b.key\",\"consortium_key\":\"consortium.key\","
            + "\"state_dir\":\"state-b\","
            + "\"peers\":[{\"name\":\"provider-a\",\"public_key\":\""
            + pubA
            + "\","
            + "\"taxii\":{\"url\":\"http://127.0.0.1:"
            + portA
            + "/taxii2/\",\"token\":\"token-b\"}}]}");
    Path analysis = tmp.resolve("out");
    writeAnalysis(analysis);
    String a = tmp.resolve("a.json").toString();
    String b = tmp.resolve("b.json").toString();
    String bundle = tmp.resolve("bundle.json").toString();

    Run export =
        run("intel", "export", "-c", a, "--now", NOW, "--out", bundle, analysis.toString());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(Files.readString(Path.of(bundle)))
        .contains("ISSUBSET '198.18.4.0/24'")
        .contains("TLP:GREEN")
        .doesNotContain("pf-9a1c02ff");

    Run imp = run("intel", "import", "-c", b, "--now", NOW, bundle);
    assertThat(imp.code()).as(imp.err()).isZero();
    assertThat(imp.out()).contains("0 rejected").contains("enforced: 2");
    Run list = run("intel", "indicators", "-c", b, "--now", NOW);
    assertThat(list.out()).contains("\"action\":\"block\"").contains("\"peer\":\"provider-a\"");

    // Over TAXII: A serves, publishes; a fresh member state polls.
    Files.writeString(
        tmp.resolve("b.json"),
        Files.readString(tmp.resolve("b.json")).replace("state-b", "state-b2"));
    try (IntelNode nodeA = IntelNode.open(IntelConfig.read(Path.of(a)), Clock.systemUTC())) {
      nodeA.serve();
      Run pub = run("intel", "publish", "-c", a, bundle);
      assertThat(pub.code()).as(pub.out() + pub.err()).isZero();
      Run poll = run("intel", "poll", "-c", b, "--now", NOW);
      assertThat(poll.code()).as(poll.out() + poll.err()).isZero();
      assertThat(poll.out()).contains("provider-a:").contains("0 rejected");
      Run again = run("intel", "poll", "-c", b, "--now", NOW);
      assertThat(again.out()).contains("provider-a: 0 accepted, 0 duplicates");
    }
  }

  @Test
  void unusableConfigurationIsAUsageErrorWithAMessage() throws IOException {
    Files.writeString(tmp.resolve("c.json"), "{\"member\":\"x\",\"signing_key\":\"missing.key\"}");
    Run r =
        run(
            "intel",
            "import",
            "-c",
            tmp.resolve("c.json").toString(),
            tmp.resolve("nothing.json").toString());
    assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("missing.key");
  }
}
