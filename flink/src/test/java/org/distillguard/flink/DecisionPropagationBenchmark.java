package org.distillguard.flink;

import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.distillguard.core.io.LineSource;
import org.distillguard.gateway.kafka.DecisionBook;
import org.distillguard.gateway.kafka.KafkaConfig;
import org.distillguard.gateway.kafka.LogReplayer;

/**
 * Decision propagation on loopback: from the detector job's decision record (its timestamp is set
 * when the job's sink produces it) to enforcement at two gateways (the moment each gateway's
 * decision book holds it; the next request of the account is refused from then on). The log is fed
 * into the exchange topic in slices (a steady stream, not one burst); the job runs unbounded with
 * exactly-once sinks. The gateways run with their default {@code kafka.decisions.isolation} ({@code
 * read_uncommitted}), so a decision is enforced when the job's sink has written it, not when the
 * checkpoint after it completes. Not a test: run by hand, see {@code docs/PERFORMANCE.md}.
 *
 * <pre>java -cp ... org.distillguard.flink.DecisionPropagationBenchmark LOG
 *     [CHECKPOINT_MS=500] [SLICE_LINES=1000] [SLICE_GAP_MS=200] [ISOLATION=read_uncommitted]</pre>
 */
public final class DecisionPropagationBenchmark {
  private DecisionPropagationBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String log = args[0];
    long interval = args.length > 1 ? Long.parseLong(args[1]) : 500;
    int sliceLines = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    long gap = args.length > 3 ? Long.parseLong(args[3]) : 200;
    String isolation = args.length > 4 ? args[4] : KafkaConfig.READ_UNCOMMITTED;
    Path dir = Paths.get("target", "bench", "propagation-" + System.nanoTime());
    Files.createDirectories(dir);
    List<Path> slices = slice(Path.of(log), dir.resolve("slices"), sliceLines);
    try (TestKafka kafka = new TestKafka(dir.resolve("kafka"))) {
      kafka.createTopic("prop.exchanges", 2);
      for (String t : List.of("verdicts", "campaigns", "decisions")) {
        kafka.createTopic("prop." + t, 1);
      }
      JobClient job =
          GatewaysOverKafkaTest.startJob(
              GatewaysOverKafkaTest.jobConfig(
                  kafka.bootstrap(), "prop", dir.resolve("checkpoints"), interval));
      try (GatewayPair gws =
          new GatewayPair(
              dir.resolve("gateways"),
              kafka.bootstrap(),
              "prop.unused",
              "prop.decisions",
              isolation)) {
        long sent = 0;
        long t0 = System.nanoTime();
        for (Path s : slices) {
          sent +=
              LogReplayer.replay(kafka.bootstrap(), "prop.exchanges", List.of(s.toString())).sent();
          Thread.sleep(gap);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (GatewaysOverKafkaTest.committed(kafka, "prop") < sent) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the job did not catch up");
          }
          Thread.sleep(200);
        }
        Thread.sleep(3 * interval);
        int decisions = TestKafka.latest(kafka.readCommitted("prop.decisions")).size();
        while (gws.kafka(0).book().size() < decisions || gws.kafka(1).book().size() < decisions) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the gateways did not get every decision");
          }
          Thread.sleep(100);
        }
        Map<String, Long> worst = new HashMap<>();
        List<Long> per = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
          for (DecisionBook.Entry e : gws.kafka(g).book().entries()) {
            long d = e.appliedMillis() - e.recordMillis();
            per.add(d);
            worst.merge(e.decision().account(), d, Math::max);
          }
        }
        List<Long> both = new ArrayList<>(worst.values());
        out.printf(
            "log %s: %,d exchanges in %.1f s (%,.0f/s), checkpoint interval %d ms, gateways %s%n",
            log, sent, secs, sent / secs, interval, isolation);
        out.printf(
            "%d decisions (accounts); propagation to enforcement at BOTH gateways: p50 %d ms,"
                + " p90 %d ms, p99 %d ms, max %d ms%n",
            both.size(),
            GatewaysOverKafkaTest.percentile(both, 0.5),
            GatewaysOverKafkaTest.percentile(both, 0.9),
            GatewaysOverKafkaTest.percentile(both, 0.99),
            GatewaysOverKafkaTest.percentile(both, 1.0));
        out.printf(
            "per gateway (%d samples): p50 %d ms, p99 %d ms, min %d ms%n",
            per.size(),
            GatewaysOverKafkaTest.percentile(per, 0.5),
            GatewaysOverKafkaTest.percentile(per, 0.99),
            per.stream().mapToLong(Long::longValue).min().orElse(-1));
      } finally {
        job.cancel().get();
      }
    }
    System.exit(0);
  }

  /** Splits a log into plain JSON Lines files of {@code lines} lines each, in order. */
  private static List<Path> slice(Path log, Path dir, int lines) throws Exception {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    BufferedWriter w = null;
    int n = 0;
    try (LineSource src = LineSource.open(log.toString(), LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (src.next()) {
        if (w == null || n == lines) {
          if (w != null) {
            w.close();
          }
          Path p = dir.resolve(String.format("slice-%05d.jsonl", out.size()));
          out.add(p);
          w = Files.newBufferedWriter(p);
          n = 0;
        }
        w.write(new String(src.buffer(), 0, src.length(), StandardCharsets.UTF_8));
        w.write('\n');
        n++;
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    return out;
  }
}
