package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.gateway.kafka.DecisionBook;
import org.distillguard.gateway.kafka.ExchangePublisher;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 end to end, every part real: a KRaft broker, the detector job on a MiniCluster, and two
 * gateways on loopback. The hydra campaign of {@code examples/small.jsonl.gz} (38 accounts) and the
 * log's people, developers and teams (105 accounts) send their logged requests over HTTP, each
 * account's requests alternating between the two gateways; the gateways publish every exchange to
 * Kafka, the job detects the campaign, and its decisions block the campaign's accounts at both
 * gateways while the benign accounts keep being served. In the middle of the traffic the broker is
 * stopped: the gateways keep serving, spill, say so in {@code /readyz}, and once the broker is back
 * the topic holds exactly the exchanges they answered.
 */
@Tag("slow")
class GatewaysOverKafkaTest {
  private static final Path LOG = Paths.get("..", "examples", "small.jsonl.gz");
  private static final Path LABELS = Paths.get("..", "examples", "small-labels.jsonl");
  private static final Path TMP = Paths.get("target", "tmp", "gateways-test");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> BENIGN = Set.of("person", "developer", "team");

  /** The log's exchanges of the hydra and of the benign classes above, in time order. */
  static List<Exchange> traffic(Map<String, String> classes) throws Exception {
    List<Exchange> out = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (LineSource src = LineSource.open(LOG.toString(), LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (src.next()) {
        Exchange e = parser.parse(src.buffer(), 0, src.length());
        String c = classes.get(e.account());
        if (c != null && (c.equals("hydra") || BENIGN.contains(c))) {
          out.add(e);
        }
      }
    }
    out.sort(Comparator.comparingLong(Exchange::timeMillis));
    return out;
  }

  static Map<String, String> classes() throws IOException {
    Map<String, String> m = new HashMap<>();
    for (String line : Files.readAllLines(LABELS)) {
      JsonNode n = JSON.readTree(line);
      m.put(n.get("account").asText(), n.get("class").asText());
    }
    return m;
  }

  /** Keys for every account of the traffic, created at the log's account creation time. */
  static void accounts(GatewayPair gws, List<Exchange> traffic) throws Exception {
    Set<String> seen = new HashSet<>();
    for (Exchange e : traffic) {
      if (seen.add(e.account())) {
        long created = e.accountMeta().createdMillis();
        gws.account(e.account(), e.org(), created == Exchange.NO_TIME ? e.timeMillis() : created);
      }
    }
    gws.refresh();
  }

  static JobConfig jobConfig(String bootstrap, String name, Path checkpoints, long interval) {
    return JobConfig.parse(
        new String[] {
          "--bootstrap",
          bootstrap,
          "--exchanges",
          name + ".exchanges",
          "--verdicts",
          name + ".verdicts",
          "--campaigns",
          name + ".campaigns",
          "--decisions",
          name + ".decisions",
          "--group",
          name,
          "--parallelism",
          "1",
          "--checkpoint-interval",
          Long.toString(interval),
          "--state-backend",
          "hashmap",
          "--checkpoint-dir",
          checkpoints.toUri().toString()
        });
  }

  /** The job, unbounded, restarting from its last checkpoint when Kafka goes away. */
  static JobClient startJob(JobConfig config) throws Exception {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
    DetectorJob.configure(env, config);
    DetectorJob.build(env, config);
    return env.executeAsync("gateways-" + config.group());
  }

  static void await(String what, Duration max, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  static ExchangePublisher publisher(GatewayPair gws, int i) {
    return java.util.Objects.requireNonNull(gws.kafka(i).publisher());
  }

  /** Milliseconds from each decision record to its enforcement at gateway i. */
  static List<Long> propagation(GatewayPair gws, int i) {
    List<Long> out = new ArrayList<>();
    for (DecisionBook.Entry e : gws.kafka(i).book().entries()) {
      if (e.recordMillis() >= 0 && e.appliedMillis() >= 0) {
        out.add(e.appliedMillis() - e.recordMillis());
      }
    }
    return out;
  }

  static long percentile(List<Long> xs, double q) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.isEmpty() ? -1 : s.get((int) Math.min(s.size() - 1, Math.ceil(q * s.size()) - 1));
  }

  @Test
  void aHydraSpreadOverTwoGatewaysIsBlockedAtBothAndAnOutageLosesNothing() throws Exception {
    deleteTree(TMP);
    Files.createDirectories(TMP);
    Map<String, String> classes = classes();
    List<Exchange> traffic = traffic(classes);
    try (TestKafka kafka = new TestKafka(TMP.resolve("kafka"))) {
      kafka.createTopic("e2e.exchanges", 2);
      for (String t : List.of("verdicts", "campaigns", "decisions")) {
        kafka.createTopic("e2e." + t, 1);
      }
      JobClient job =
          startJob(jobConfig(kafka.bootstrap(), "e2e", TMP.resolve("checkpoints"), 500));
      try (GatewayPair gws =
          new GatewayPair(
              TMP.resolve("gateways"), kafka.bootstrap(), "e2e.exchanges", "e2e.decisions")) {
        accounts(gws, traffic);
        int third = traffic.size() / 3;
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        Set<String> answeredAccounts = new HashSet<>();
        long answered = 0;
        for (int i = 0; i < traffic.size(); i++) {
          if (i == third) {
            await(
                "exchanges in Kafka",
                Duration.ofSeconds(60),
                () -> publisher(gws, 0).idle() && publisher(gws, 1).idle());
            kafka.stopBroker();
          }
          if (i == 2 * third) {
            // The broker has been away for a third of the traffic.
            for (int g = 0; g < 2; g++) {
              int gw = g;
              await(
                  "gateway " + g + " degraded", Duration.ofSeconds(30), () -> !gws.kafka(gw).up());
              var ready = gws.readyz(g);
              assertThat(ready.statusCode()).isEqualTo(200);
              assertThat(ready.body()).startsWith("degraded: ").contains("kafka unreachable");
              assertThat(publisher(gws, g).spilled()).isPositive();
            }
            kafka.startBroker();
          }
          Exchange e = traffic.get(i);
          int status = gws.send(e, i % 2);
          statuses.merge(status, 1, Integer::sum);
          if (status == 200) {
            answered++;
            answeredAccounts.add(e.account());
          }
        }
        // Served throughout: every request was answered, or refused by a decision (403 block,
        // 429 the tighter limits of a throttled suspicious account); none failed.
        assertThat(statuses.keySet()).as(statuses.toString()).isSubsetOf(200, 403, 429);
        await(
            "publishers drained",
            Duration.ofSeconds(120),
            () ->
                publisher(gws, 0).idle()
                    && publisher(gws, 1).idle()
                    && gws.kafka(0).up()
                    && gws.kafka(1).up());
        for (int g = 0; g < 2; g++) {
          assertThat(gws.readyz(g).body()).isEqualTo("ready\n");
          assertThat(publisher(gws, g).replayed()).isEqualTo(publisher(gws, g).spilled());
          assertThat(publisher(gws, g).dropped()).isZero();
        }
        // Nothing lost, nothing duplicated: the topic holds exactly the answered exchanges.
        List<Map.Entry<String, String>> inTopic = kafka.readCommitted("e2e.exchanges");
        Set<String> ids = new HashSet<>();
        ExchangeParser parser = new ExchangeParser();
        for (var r : inTopic) {
          byte[] b = r.getValue().getBytes(StandardCharsets.UTF_8);
          ids.add(parser.parse(b, 0, b.length).id());
        }
        assertThat(inTopic).hasSize((int) answered);
        assertThat(ids).hasSize((int) answered);

        // The job reads everything, and both gateways hold every decision it wrote.
        long total = inTopic.size();
        await("job caught up", Duration.ofSeconds(180), () -> committed(kafka, "e2e") >= total);
        Thread.sleep(3 * 500); // the decisions of the last checkpoint commit with the next one
        Map<String, String> decisions = TestKafka.latest(kafka.readCommitted("e2e.decisions"));
        await(
            "decisions at both gateways",
            Duration.ofSeconds(30),
            () ->
                gws.kafka(0).book().size() == decisions.size()
                    && gws.kafka(1).book().size() == decisions.size());

        Set<String> hydra = new HashSet<>();
        Set<String> benign = new HashSet<>();
        for (String a : answeredAccounts) {
          ("hydra".equals(classes.get(a)) ? hydra : benign).add(a);
        }
        int blockedAtBoth = 0;
        int throttledAtBoth = 0;
        for (String a : hydra) {
          JsonNode d = decisions.containsKey(a) ? JSON.readTree(decisions.get(a)) : null;
          if (d == null) {
            continue;
          }
          if (d.get("action").asText().equals("block")) {
            assertThat(gws.probe(a, 0)).as(a + " at gateway 0").isEqualTo(403);
            assertThat(gws.probe(a, 1)).as(a + " at gateway 1").isEqualTo(403);
            blockedAtBoth++;
          } else {
            // Throttled: its requests beyond 10 a minute are refused (429), and refused requests
            // are not evidence, so it may stay at suspicious. Both gateways hold the standing.
            for (int g = 0; g < 2; g++) {
              var s =
                  java.util.Objects.requireNonNull(
                      gws.kafka(g).book().standing(a), a + " at gateway " + g);
              assertThat(s.verdict()).isEqualTo(Verdict.SUSPICIOUS);
            }
            throttledAtBoth++;
          }
        }
        for (String a : benign) {
          assertThat(decisions).as("decision for benign " + a).doesNotContainKey(a);
          assertThat(gws.probe(a, 0)).as(a + " at gateway 0").isEqualTo(200);
          assertThat(gws.probe(a, 1)).as(a + " at gateway 1").isEqualTo(200);
        }
        List<Long> delays = new ArrayList<>(propagation(gws, 0));
        delays.addAll(propagation(gws, 1));
        System.out.printf(
            "gateways e2e: %d requests (%s), %d answered, %d in the topic; hydra %d accounts, %d"
                + " blocked and %d throttled at both gateways; benign %d accounts, 0 decisions;"
                + " spilled %d+%d;"
                + " propagation ms p50 %d p99 %d max %d over %d%n",
            traffic.size(),
            statuses,
            answered,
            inTopic.size(),
            hydra.size(),
            blockedAtBoth,
            throttledAtBoth,
            benign.size(),
            publisher(gws, 0).spilled(),
            publisher(gws, 1).spilled(),
            percentile(delays, 0.5),
            percentile(delays, 0.99),
            percentile(delays, 1.0),
            delays.size());
        // The campaign is detected by the job (36-38 of 38 accounts decided in runs here; the order
        // in which two gateways' records meet in a partition varies; bound 85%),
        // most of its accounts blocked outright.
        assertThat(blockedAtBoth + throttledAtBoth).isGreaterThanOrEqualTo(hydra.size() * 85 / 100);
        assertThat(blockedAtBoth).isGreaterThanOrEqualTo(hydra.size() * 2 / 3);
      } finally {
        job.cancel().get();
      }
    }
  }

  static long committed(TestKafka kafka, String group) {
    try {
      return kafka.committed(group, group + ".exchanges");
    } catch (Exception e) {
      return -1;
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
