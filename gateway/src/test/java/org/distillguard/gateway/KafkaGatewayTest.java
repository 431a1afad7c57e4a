package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.gateway.kafka.ExchangePublisher;
import org.distillguard.gateway.kafka.KafkaBroker;
import org.distillguard.gateway.kafka.KafkaLink;
import org.distillguard.gateway.store.ListEntry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway with its {@code kafka} section against a real KRaft broker: exchanges go to the
 * topic over real HTTP, the detector job's decisions (records in the job's exact format) are
 * enforced on the next request, and losing Kafka degrades the gateway without stopping it.
 */
@Tag("slow")
class KafkaGatewayTest {
  private static KafkaBroker kafka;
  @TempDir static Path shared;

  @BeforeAll
  static void broker() throws Exception {
    kafka = new KafkaBroker(shared.resolve("kafka"));
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  /** A decision record exactly as the job writes it (DecisionJsonTest has the golden lines). */
  static String decision(String account, String verdict, String reason, @Nullable String campaign) {
    return "{\"id\":\""
        + account
        + ":"
        + verdict
        + "\",\"account\":\""
        + account
        + "\",\"action\":\""
        + (verdict.equals("distillation") ? "block" : "throttle")
        + "\",\"verdict\":\""
        + verdict
        + "\",\"reason\":\""
        + reason
        + "\",\"campaign\":"
        + (campaign == null ? "null" : "\"" + campaign + "\"")
        + ",\"score\":0.91,\"requests\":40,\"time\":\"2026-11-03T14:02:11.250Z\"}";
  }

  private static GatewayFixture gateway(Path dir, String run, String mode) throws Exception {
    return new GatewayFixture(
        dir,
        c -> {
          c.kafka.bootstrapServers = kafka.bootstrap();
          c.kafka.instance = "gw-" + run;
          c.kafka.exchanges.topic = run + ".exchanges";
          c.kafka.exchanges.mode = mode;
          c.kafka.decisions.topic = run + ".decisions";
          c.kafka.downAfterMs = 500;
        });
  }

  private static KafkaLink link(GatewayFixture g) {
    return Objects.requireNonNull(g.gateway.kafka());
  }

  private static ExchangePublisher publisher(GatewayFixture g) {
    return Objects.requireNonNull(link(g).publisher());
  }

  /** Ids in the journal, in order; of one account, or of all when {@code account} is null. */
  private static List<String> journalIds(Path dir, @Nullable String account) throws Exception {
    List<String> ids = new ArrayList<>();
    ExchangeParser p = new ExchangeParser();
    for (String line : Files.readAllLines(dir.resolve("journal/exchanges.jsonl"))) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      var e = p.parse(b, 0, b.length);
      if (account == null || e.account().equals(account)) {
        ids.add(e.id());
      }
    }
    return ids;
  }

  private static List<String> topicIds(String topic, @Nullable String account) throws Exception {
    List<String> ids = new ArrayList<>();
    ExchangeParser p = new ExchangeParser();
    for (Map.Entry<String, String> r : kafka.read(topic)) {
      byte[] b = r.getValue().getBytes(StandardCharsets.UTF_8);
      var e = p.parse(b, 0, b.length);
      assertThat(e.account()).isEqualTo(r.getKey());
      if (account == null || e.account().equals(account)) {
        ids.add(e.id());
      }
    }
    return ids;
  }

  @Test
  void everyAnsweredExchangeIsPublishedKeyedByAccountBesidesTheJournal(@TempDir Path dir)
      throws Exception {
    kafka.createTopic("also.exchanges", 2);
    kafka.createTopic("also.decisions", 1);
    try (GatewayFixture g = gateway(dir, "also", "also")) {
      String alice = g.key("alice");
      String bob = g.key("bob");
      for (int i = 0; i < 10; i++) {
        assertThat(
                g.post("/v1/chat/completions", alice, GatewayFixture.chat("Grüße " + i))
                    .statusCode())
            .isEqualTo(200);
        assertThat(
                g.post("/v1/chat/completions", bob, GatewayFixture.chat("日本語 " + i)).statusCode())
            .isEqualTo(200);
      }
      // A refused request is not evidence of a harvest: not published.
      assertThat(g.post("/v1/chat/completions", alice, "{not json").statusCode()).isEqualTo(400);
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher(g).idle());
      g.awaitDetector();
      assertThat(publisher(g).published()).isEqualTo(20);
      assertThat(publisher(g).spilled()).isZero();
      g.close();
      List<String> journal = journalIds(dir, null);
      assertThat(journal).hasSize(20);
      assertThat(topicIds("also.exchanges", null)).containsExactlyInAnyOrderElementsOf(journal);
      // Each account's exchanges keep their order.
      for (String account : List.of("alice", "bob")) {
        assertThat(topicIds("also.exchanges", account))
            .containsExactlyElementsOf(journalIds(dir, account));
      }
    }
  }

  @Test
  void insteadOfTheJournalWritesNoJournal(@TempDir Path dir) throws Exception {
    kafka.createTopic("instead.exchanges", 1);
    kafka.createTopic("instead.decisions", 1);
    try (GatewayFixture g = gateway(dir, "instead", "instead")) {
      String alice = g.key("alice");
      for (int i = 0; i < 5; i++) {
        assertThat(g.post("/v1/chat/completions", alice, GatewayFixture.chat("q" + i)).statusCode())
            .isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher(g).idle());
      assertThat(topicIds("instead.exchanges", "alice")).hasSize(5);
    }
    assertThat(dir.resolve("journal/exchanges.jsonl")).doesNotExist();
  }

  @Test
  void aDecisionOfTheJobAppliesOnTheAccountsNextRequestAndAManualAllowStillWins(@TempDir Path dir)
      throws Exception {
    kafka.createTopic("dec.exchanges", 1);
    kafka.createTopic("dec.decisions", 1);
    try (GatewayFixture g = gateway(dir, "dec", "also")) {
      String bad = g.key("acct-bad");
      String head = g.key("acct-head");
      String sus = g.key("acct-sus");
      String good = g.key("acct-good");
      for (String k : List.of(bad, head, sus, good)) {
        assertThat(g.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
            .isEqualTo(200);
      }
      kafka.send(
          "dec.decisions",
          List.of(
              Map.entry("acct-bad", decision("acct-bad", "distillation", "own_score", null)),
              Map.entry(
                  "acct-head", decision("acct-head", "distillation", "campaign", "campaign-3")),
              Map.entry("acct-sus", decision("acct-sus", "suspicious", "own_score", null)),
              Map.entry("junk", "{\"account\":\"junk\"}")));
      await().atMost(Duration.ofSeconds(30)).until(() -> link(g).book().size() == 3);
      var blocked = g.post("/v1/chat/completions", bad, GatewayFixture.chat("hi"));
      assertThat(blocked.statusCode()).isEqualTo(403);
      assertThat(blocked.body()).contains("policy_blocked").contains("Reference: DG-");
      assertThat(g.post("/v1/chat/completions", head, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(403);
      assertThat(g.post("/v1/chat/completions", good, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(200);
      // Suspicious: throttled (10 rpm, 2 concurrent), not blocked.
      assertThat(g.post("/v1/chat/completions", sus, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(200);
      assertThat(
              Objects.requireNonNull(Objects.requireNonNull(g.gateway.kafka()).feed()).malformed())
          .isEqualTo(1);
      // Each decision this gateway enforces is audited; the refusal quotes that entry.
      var audit = g.gateway.operations().audit("account:acct-bad", null, 10);
      assertThat(audit)
          .anySatisfy(
              e -> {
                assertThat(e.actor()).isEqualTo("detector-job");
                assertThat(e.action()).isEqualTo("verdict.distillation");
                assertThat(blocked.body()).contains(e.id());
              });
      // A decision that does not escalate changes nothing; a manual allow beats the job.
      kafka.send(
          "dec.decisions",
          List.of(Map.entry("acct-bad", decision("acct-bad", "suspicious", "own_score", null))));
      g.gateway
          .operations()
          .list("test", ListEntry.ListType.ALLOW, ListEntry.Kind.ACCOUNT, "acct-bad", "contract");
      g.gateway.refresh();
      assertThat(g.post("/v1/chat/completions", bad, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void losingKafkaDegradesTheGatewayWhichKeepsServingSpillingAndEnforcingItsLastDecisions(
      @TempDir Path dir) throws Exception {
    kafka.createTopic("down.exchanges", 2);
    kafka.createTopic("down.decisions", 1);
    int requests = 0;
    GatewayFixture g = gateway(dir, "down", "also");
    try {
      String bad = g.key("acct-bad");
      String good = g.key("acct-good");
      kafka.send(
          "down.decisions",
          List.of(Map.entry("acct-bad", decision("acct-bad", "distillation", "own_score", null))));
      await().atMost(Duration.ofSeconds(30)).until(() -> link(g).book().size() == 1);
      for (int i = 0; i < 5; i++) {
        assertThat(g.post("/v1/chat/completions", good, GatewayFixture.chat("a" + i)).statusCode())
            .isEqualTo(200);
        requests++;
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher(g).idle());
      assertThat(g.get(g.adminUrl() + "/readyz").body()).isEqualTo("ready\n");

      kafka.stop();
      try {
        for (int i = 0; i < 40; i++) {
          assertThat(
                  g.post("/v1/chat/completions", good, GatewayFixture.chat("b" + i)).statusCode())
              .isEqualTo(200);
          requests++;
        }
        assertThat(g.post("/v1/chat/completions", bad, GatewayFixture.chat("x")).statusCode())
            .isEqualTo(403);
        await().atMost(Duration.ofSeconds(30)).until(() -> !link(g).up());
        var ready = g.get(g.adminUrl() + "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("degraded: ").contains("kafka unreachable");
        var pub = g.get(g.url() + "/readyz");
        assertThat(pub.statusCode()).isEqualTo(200);
        assertThat(pub.body()).startsWith("degraded: ");
        assertThat(g.get(g.adminUrl() + "/metrics").body()).contains("distillguard_kafka_up 0.0");

        // A restart while Kafka is away: the last known decisions come from the snapshot.
        g.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> !link(g).up());
        assertThat(g.post("/v1/chat/completions", bad, GatewayFixture.chat("y")).statusCode())
            .isEqualTo(403);
        for (int i = 0; i < 10; i++) {
          assertThat(
                  g.post("/v1/chat/completions", good, GatewayFixture.chat("c" + i)).statusCode())
              .isEqualTo(200);
          requests++;
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher(g).queued() == 0);
        assertThat(publisher(g).spilled()).isPositive();
      } finally {
        kafka.start();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> publisher(g).idle() && link(g).up());
      assertThat(g.get(g.adminUrl() + "/readyz").body()).isEqualTo("ready\n");
      assertThat(g.get(g.adminUrl() + "/metrics").body())
          .contains("distillguard_kafka_up 1.0")
          .contains("distillguard_kafka_exchanges_replayed_total");
    } finally {
      g.close();
    }
    // Nothing lost, nothing duplicated: the topic holds exactly the journal's exchanges.
    List<String> journal = journalIds(dir, null);
    assertThat(journal).hasSize(requests);
    assertThat(topicIds("down.exchanges", null)).containsExactlyInAnyOrderElementsOf(journal);
    assertThat(topicIds("down.exchanges", "acct-good"))
        .containsExactlyElementsOf(journalIds(dir, "acct-good"));
  }
}
