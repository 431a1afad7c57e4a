package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.distillguard.gateway.kafka.DecisionFeed;
import org.distillguard.gateway.kafka.KafkaBroker;
import org.distillguard.gateway.kafka.KafkaConfig;
import org.distillguard.gateway.kafka.KafkaLink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateways enforce the detector job's decisions before the job's transaction commits ({@code
 * kafka.decisions.isolation: read_uncommitted}, the default), and a decision of a transaction the
 * job aborts (a failure between two checkpoints) is harmless: the restored job writes it again and
 * the book ignores the copy. The job's side is played by a transactional producer doing what
 * Flink's exactly-once KafkaSink does (begin, send, flush; commit at the checkpoint, or abort).
 */
@Tag("slow")
class UncommittedDecisionsTest {
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

  /** A gateway that only follows the decision topic, at the given isolation (null: the default). */
  private static GatewayFixture gateway(
      Path dir, String run, String name, @Nullable String isolation) throws Exception {
    return new GatewayFixture(
        dir,
        c -> {
          c.kafka.bootstrapServers = kafka.bootstrap();
          c.kafka.instance = run + "-" + name;
          c.kafka.exchanges.mode = "off";
          c.kafka.decisions.topic = run + ".decisions";
          c.kafka.downAfterMs = 500;
          if (isolation != null) {
            c.kafka.decisions.isolation = isolation;
          }
        });
  }

  /** The job's sink: a transactional producer. */
  private static KafkaProducer<byte[], byte[]> job(String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
    return producer;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> job, String topic, String account, String verdict) {
    job.send(
        new ProducerRecord<>(
            topic,
            account.getBytes(StandardCharsets.UTF_8),
            KafkaGatewayTest.decision(account, verdict, "own_score", null)
                .getBytes(StandardCharsets.UTF_8)));
  }

  private static KafkaLink link(GatewayFixture g) {
    return Objects.requireNonNull(g.gateway.kafka());
  }

  private static DecisionFeed feed(GatewayFixture g) {
    return Objects.requireNonNull(link(g).feed());
  }

  private static int status(GatewayFixture g, String key) throws Exception {
    return g.post("/v1/chat/completions", key, GatewayFixture.chat("hi")).statusCode();
  }

  @Test
  void aDecisionInAnOpenTransactionIsEnforcedByDefaultAndUnderReadCommittedOnlyOnceCommitted(
      @TempDir Path dir) throws Exception {
    kafka.createTopic("open.decisions", 1);
    try (GatewayFixture early = gateway(dir.resolve("early"), "open", "early", null);
        GatewayFixture late =
            gateway(dir.resolve("late"), "open", "late", KafkaConfig.READ_COMMITTED);
        KafkaProducer<byte[], byte[]> job = job("open-job-decisions-0")) {
      String earlyKey = early.key("acct-7");
      String lateKey = late.key("acct-7");
      // A committed decision first: both gateways are following the topic.
      job.beginTransaction();
      send(job, "open.decisions", "acct-1", "distillation");
      job.commitTransaction();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> link(early).book().size() == 1 && link(late).book().size() == 1);
      assertThat(status(early, earlyKey)).isEqualTo(200);
      assertThat(status(late, lateKey)).isEqualTo(200);

      // The job decides acct-7 between two checkpoints: written, not committed.
      job.beginTransaction();
      send(job, "open.decisions", "acct-7", "distillation");
      job.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> link(early).book().standing("acct-7") != null);
      assertThat(status(early, earlyKey)).isEqualTo(403);
      // read_committed stops at the open transaction, however long it waits.
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> link(late).book().standing("acct-7") == null);
      assertThat(status(late, lateKey)).isEqualTo(200);

      // The checkpoint completes: the transaction commits and read_committed gets it too.
      job.commitTransaction();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> link(late).book().standing("acct-7") != null);
      assertThat(status(late, lateKey)).isEqualTo(403);
      // The early gateway read the same record once: applied once, no copy on commit.
      assertThat(feed(early).applied()).isEqualTo(2);
      assertThat(feed(late).applied()).isEqualTo(2);
    }
  }

  @Test
  void anAbortedTransactionsDecisionIsOnlySeenEarlyAndTheReplayedCopyChangesNothing(
      @TempDir Path dir) throws Exception {
    kafka.createTopic("abort.decisions", 1);
    String topic = "abort.decisions";
    try (GatewayFixture early = gateway(dir.resolve("early"), "abort", "early", null);
        GatewayFixture late =
            gateway(dir.resolve("late"), "abort", "late", KafkaConfig.READ_COMMITTED)) {
      String x = early.key("acct-x");
      String y = early.key("acct-y");
      // Before the failure: the job decides acct-x (block) and acct-y (throttle), uncommitted.
      try (KafkaProducer<byte[], byte[]> job = job("abort-job-decisions-0")) {
        job.beginTransaction();
        send(job, topic, "acct-x", "distillation");
        send(job, topic, "acct-y", "suspicious");
        job.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> link(early).book().size() == 2);
        assertThat(status(early, x)).isEqualTo(403);
        // The job fails before its checkpoint: Flink aborts the transaction.
        job.abortTransaction();
      }
      // Restored from the checkpoint, the job replays the same exchanges and writes the same
      // decisions (under the same transactional id, which fences the old producer), then one new
      // decision, and the next checkpoint commits them.
      try (KafkaProducer<byte[], byte[]> job = job("abort-job-decisions-0")) {
        job.beginTransaction();
        send(job, topic, "acct-x", "distillation");
        send(job, topic, "acct-y", "suspicious");
        send(job, topic, "acct-z", "distillation");
        job.commitTransaction();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> link(early).book().size() == 3 && link(late).book().size() == 3);
      // Nothing broke and nothing was counted twice: the aborted records, their abort marker and
      // the replayed copies went by; each account's decision was applied (and audited) once.
      assertThat(feed(early).applied()).isEqualTo(3);
      assertThat(feed(early).malformed()).isZero();
      assertThat(feed(late).applied()).isEqualTo(3);
      assertThat(
              early.gateway.operations().audit("account:acct-x", null, 10).stream()
                  .filter(e -> e.actor().equals("detector-job")))
          .hasSize(1);
      assertThat(status(early, x)).isEqualTo(403);
      assertThat(status(early, y)).isEqualTo(200); // suspicious: throttled, not blocked
      assertThat(status(early, early.key("acct-z"))).isEqualTo(403);
      // Both books are read past the abort marker: 2 aborted + marker + 3 committed + marker.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Long.valueOf(7).equals(link(early).book().position(0))
                      && Long.valueOf(7).equals(link(late).book().position(0)));

      // A restart reads the snapshot back: the same three decisions, resumed after the marker.
      early.restart();
      assertThat(link(early).book().size()).isEqualTo(3);
      assertThat(link(early).book().position(0)).isEqualTo(7);
      assertThat(status(early, x)).isEqualTo(403);
    }
  }
}
