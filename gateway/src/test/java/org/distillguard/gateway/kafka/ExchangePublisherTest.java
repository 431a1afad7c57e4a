package org.distillguard.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher against a real broker: everything reaches the topic keyed by account and in each
 * account's order, including across an outage (spilled to disk, replayed) and a graceful shutdown
 * during one.
 */
@Tag("slow")
class ExchangePublisherTest {
  private static final String PROMPT =
      "Explain step by step, with reasoning, how a Zürich café prices its crème brûlée. ";
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

  private static ExchangePublisher publisher(String topic, Path state, long buffer)
      throws Exception {
    return publisher(kafka.bootstrap(), topic, state, buffer);
  }

  private static ExchangePublisher publisher(
      String bootstrap, String topic, Path state, long buffer) throws Exception {
    return new ExchangePublisher(
        KafkaClients.producer(bootstrap, "test", buffer, 500, new Properties()),
        topic,
        new Spill(state.resolve("spill"), Clock.systemUTC()),
        new Spill(state.resolve("refused"), Clock.systemUTC()),
        buffer,
        65_536,
        1_000);
  }

  private static List<Exchange> exchanges(String run, int n, int accounts) {
    List<Exchange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Exchange.builder(run + "-" + i, 1_790_000_000_000L + i, "acct-" + (i % accounts))
              .endpoint("chat.completions")
              .model("gpt-test")
              .prompt(PROMPT + i)
              .status(200)
              .build());
    }
    return out;
  }

  /** Ids per key in topic order, after checking every value is a Contract 1 exchange of its key. */
  private static Map<String, List<String>> idsByAccount(List<Map.Entry<String, String>> records)
      throws Exception {
    ExchangeParser parser = new ExchangeParser();
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (var r : records) {
      byte[] b = r.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Exchange e = parser.parse(b, 0, b.length);
      assertThat(e.account()).isEqualTo(r.getKey());
      m.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(e.id());
    }
    return m;
  }

  private static Map<String, List<String>> expected(List<Exchange> sent) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (Exchange e : sent) {
      m.computeIfAbsent(e.account(), k -> new ArrayList<>()).add(e.id());
    }
    return m;
  }

  @Test
  void everyExchangeReachesTheTopicKeyedByAccountInItsOrder(@TempDir Path dir) throws Exception {
    kafka.createTopic("direct", 3);
    List<Exchange> sent = exchanges("direct", 500, 7);
    try (ExchangePublisher p = publisher("direct", dir, 1 << 20)) {
      sent.forEach(p::publish);
      await().atMost(Duration.ofSeconds(30)).until(p::idle);
      assertThat(p.published()).isEqualTo(500);
      assertThat(p.spilled()).isZero();
      assertThat(p.kafkaUp()).isTrue();
    }
    assertThat(idsByAccount(kafka.read("direct"))).isEqualTo(expected(sent));
  }

  @Test
  void anOutageSpillsToDiskAndTheSpillIsReplayedInOrderWithNothingLostOrDuplicated(
      @TempDir Path dir) throws Exception {
    kafka.createTopic("outage", 3);
    List<Exchange> before = exchanges("before", 200, 5);
    List<Exchange> during = exchanges("during", 3000, 5);
    List<Exchange> after = exchanges("after", 200, 5);
    try (ExchangePublisher p = publisher("outage", dir, 64 * 1024)) {
      before.forEach(p::publish);
      await().atMost(Duration.ofSeconds(30)).until(p::idle);
      kafka.stop();
      try {
        during.forEach(p::publish);
        // Beyond the 64 KiB buffer, exchanges go to disk; Kafka is reported down.
        await().atMost(Duration.ofSeconds(30)).until(() -> p.spilled() > 0 && !p.kafkaUp());
        await().atMost(Duration.ofSeconds(30)).until(() -> p.queued() == 0);
        assertThat(p.bufferBytes()).isLessThanOrEqualTo(64 * 1024 + 4096);
        assertThat(Files.list(dir.resolve("spill")).count()).isPositive();
      } finally {
        kafka.start();
      }
      after.forEach(p::publish);
      await().atMost(Duration.ofSeconds(60)).until(p::idle);
      assertThat(p.kafkaUp()).isTrue();
      assertThat(p.published() + p.replayed()).isEqualTo(3400);
      assertThat(p.replayed()).isEqualTo(p.spilled());
      assertThat(p.dropped()).isZero();
    }
    List<Exchange> all = new ArrayList<>(before);
    all.addAll(during);
    all.addAll(after);
    assertThat(idsByAccount(kafka.read("outage"))).isEqualTo(expected(all));
    // The spill is deleted once replayed.
    assertThat(Files.list(dir.resolve("spill")).count()).isZero();
  }

  @Test
  void whatKafkaHasNotAcknowledgedAtShutdownIsSentAtTheNextStart(@TempDir Path dir)
      throws Exception {
    kafka.createTopic("shutdown", 2);
    List<Exchange> first = exchanges("first", 1500, 4);
    List<Exchange> second = exchanges("second", 100, 4);
    kafka.stop();
    try {
      ExchangePublisher p = publisher("shutdown", dir, 64 * 1024);
      first.forEach(p::publish);
      await().atMost(Duration.ofSeconds(30)).until(() -> p.queued() == 0 && p.spilled() > 0);
      assertThat(p.bufferBytes()).isPositive(); // some are held by the producer, in memory
      p.close(Duration.ofMillis(200));
    } finally {
      kafka.start();
    }
    try (ExchangePublisher p = publisher("shutdown", dir, 64 * 1024)) {
      second.forEach(p::publish);
      await().atMost(Duration.ofSeconds(60)).until(p::idle);
    }
    List<Exchange> all = new ArrayList<>(first);
    all.addAll(second);
    assertThat(idsByAccount(kafka.read("shutdown"))).isEqualTo(expected(all));
  }

  @Test
  void withKafkaUnreachableFromTheStartNothingBlocksAndEverythingIsSpilled(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ExchangePublisher p = publisher("127.0.0.1:" + port, "nowhere", dir, 64 * 1024);
    List<Exchange> sent = exchanges("dark", 300, 3);
    // Handing over is a queue offer: it never waits for Kafka.
    assertThat(sent.stream().allMatch(p::publish)).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> p.queued() == 0 && !p.kafkaUp());
    p.close(Duration.ofMillis(100));
    assertThat(p.spilled() + p.bufferBytes()).isPositive();
    // Every exchange is on disk for the next start, in order.
    List<String> onDisk = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (var segs = Files.list(dir.resolve("spill"))) {
      for (Path seg : segs.sorted().toList()) {
        for (String line : Files.readAllLines(seg.resolve("exchanges.jsonl"))) {
          byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          onDisk.add(parser.parse(b, 0, b.length).id());
        }
      }
    }
    assertThat(onDisk).containsExactlyElementsOf(sent.stream().map(Exchange::id).toList());
  }
}
