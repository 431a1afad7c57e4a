package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.distillguard.app.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code distillguard replay} against a real broker (here because this module has one). */
@Tag("slow")
class ReplayCommandTest {
  private static final Path TMP = Paths.get("target", "tmp", "replay-test");
  private static TestKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    GatewaysOverKafkaTest.deleteTree(TMP);
    kafka = new TestKafka(TMP.resolve("kafka"));
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.newCommandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void replaysEveryValidLineKeyedByAccountAndNamesTheInvalidOnes() throws Exception {
    kafka.createTopic("cli.exchanges", 2);
    Path log = TMP.resolve("mixed.jsonl");
    Files.createDirectories(TMP);
    Files.write(
        log,
        List.of(
            "{\"id\":\"e1\",\"time\":\"2026-11-02T00:00:00Z\",\"account\":\"acct-ü\",\"messages\":[]}",
            "{\"id\":\"e2\",\"time\":\"2026-11-02T00:00:01Z\"}",
            "",
            "not json",
            "{\"id\":\"e3\",\"time\":\"2026-11-02T00:00:02Z\",\"account\":\"acct-ü\",\"messages\":[]}"));
    Run r =
        run(
            "replay",
            "--bootstrap-servers",
            kafka.bootstrap(),
            "--topic",
            "cli.exchanges",
            log.toString(),
            "../examples/small.jsonl.gz");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("replayed 17,214 exchanges from 2 file(s) into cli.exchanges");
    assertThat(r.out()).contains("2 invalid line(s) skipped");
    assertThat(r.err()).contains("mixed.jsonl:2: ").contains("mixed.jsonl:4: ");
    var records = kafka.readCommitted("cli.exchanges");
    assertThat(records).hasSize(17_214);
    assertThat(records.stream().filter(e -> e.getKey().equals("acct-ü")).count()).isEqualTo(2);
  }

  @Test
  void aMissingTopicOrAnUnreachableBrokerIsOneClearLine() throws Exception {
    Run missing =
        run("replay", "-b", kafka.bootstrap(), "-t", "no.such.topic", "../examples/small.jsonl.gz");
    assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(missing.err())
        .isEqualTo(
            "distillguard replay: topic 'no.such.topic' does not exist at "
                + kafka.bootstrap()
                + " (create it first)\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run down =
        run("replay", "-b", "127.0.0.1:" + port, "--timeout", "2", "../examples/small.jsonl.gz");
    assertThat(down.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(down.err())
        .isEqualTo(
            "distillguard replay: cannot reach Kafka at 127.0.0.1:" + port + " within 2 s\n");
    Run noFile = run("replay", "-b", kafka.bootstrap(), "-t", "no.such.topic", "missing.jsonl");
    assertThat(noFile.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noFile.err()).isEqualTo("distillguard replay: cannot read missing.jsonl\n");
    assertThat(noFile.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
