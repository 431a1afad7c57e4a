package org.distillguard.flink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Checkpointed bytes per account and recovery time with many accounts: N accounts (one request
 * each, linking traits included) go through the job, which is cancelled once a checkpoint holds
 * them all; the checkpoint's size on disk is measured; then the job is restored from it and the
 * time until it processes a new exchange (its verdict line written, read uncommitted) is measured.
 * Not a test: run by hand, see {@code docs/PERFORMANCE.md}.
 *
 * <pre>
 * java -Xmx6g -cp ... org.distillguard.flink.RecoveryBenchmark [ACCOUNTS] [hashmap|rocksdb] [evidence|single]
 * </pre>
 */
public final class RecoveryBenchmark {
  private RecoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String backend = args.length > 1 ? args[1] : "rocksdb";
    String linking = args.length > 2 ? args[2] : "evidence";
    Path dir = Paths.get("target", "bench", "recovery-" + System.nanoTime());
    Files.createDirectories(dir);
    try (TestKafka kafka = new TestKafka(dir.resolve("kafka"))) {
      kafka.createTopic("rec.exchanges", 2);
      for (String t : List.of("verdicts", "campaigns", "decisions")) {
        kafka.createTopic("rec." + t, 1);
      }
      produce(kafka, 0, n);
      JobConfig c =
          JobConfig.parse(
              new String[] {
                "--bootstrap", kafka.bootstrap(),
                "--exchanges", "rec.exchanges",
                "--verdicts", "rec.verdicts",
                "--campaigns", "rec.campaigns",
                "--decisions", "rec.decisions",
                "--group", "rec",
                "--parallelism", "2",
                "--checkpoint-interval", "5000",
                "--state-backend", backend,
                "--linking", linking,
                "--checkpoint-dir", dir.resolve("ckpt").toAbsolutePath().toUri().toString()
              });
      long t0 = System.nanoTime();
      JobClient job = start(c, null);
      while (kafka.committed("rec", "rec.exchanges") < n) {
        Thread.sleep(500);
      }
      out.printf("%,d accounts processed and checkpointed in %.1f s%n", n, secs(t0));
      job.cancel().get();
      Path chk = latest(dir.resolve("ckpt"));
      long bytes = size(chk);
      out.printf(
          "checkpoint %s: %,d bytes = %.0f bytes/account (%s)%n",
          chk.getFileName(), bytes, bytes / (double) n, backend);

      produce(kafka, n, n + 1);
      long r0 = System.nanoTime();
      JobClient resumed = start(c, chk.toUri().toString());
      if (!awaitVerdict(kafka, "rec.verdicts", "acct-" + n, resumed)) {
        out.println("the restored job ended without processing the new exchange:");
        try {
          resumed.getJobExecutionResult().get();
        } catch (Exception e) {
          e.printStackTrace(out);
        }
        return;
      }
      out.printf(
          "recovered from %,d accounts and processed a new exchange in %.1f s%n", n, secs(r0));
      resumed.cancel().get();
    }
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static JobClient start(JobConfig c, @Nullable String restore) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    DetectorJob.configure(env, c);
    DetectorJob.build(env, c);
    return env.executeAsync("recovery");
  }

  /** Accounts {@code from} to {@code to - 1}, one exchange each. */
  private static void produce(TestKafka kafka, int from, int to) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < to; i++) {
        String a = "acct-" + i;
        String json =
            "{\"id\":\"r-"
                + i
                + "\",\"time\":\"2026-11-03T14:02:11.250Z\",\"account\":\""
                + a
                + "\",\"ip\":\"198.51."
                + (i % 200)
                + "."
                + (i % 250)
                + "\",\"user_agent\":\"OpenAI/Python 1.54.0\",\"model\":\"m-large\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Explain step by step why"
                + " the sky is blue, case "
                + i
                + ".\"}],\"usage\":{\"input_tokens\":12,\"output_tokens\":640},"
                + "\"account_meta\":{\"created\":\"2026-11-01T09:00:00Z\",\"payment_fp\":\"pf-"
                + (i % 50_000)
                + "\"}}";
        producer.send(new ProducerRecord<>("rec.exchanges", a, json));
      }
    }
  }

  /** Whether the verdict line of {@code account} appeared before {@code job} ended. */
  private static boolean awaitVerdict(TestKafka kafka, String topic, String account, JobClient job)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + System.nanoTime());
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      while (!job.getJobStatus().get().isGloballyTerminalState()) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
          if (account.equals(r.key())) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static Path latest(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir, 3)) {
      return s.filter(x -> x.getFileName().toString().startsWith("chk-"))
          .filter(x -> Files.exists(x.resolve("_metadata")))
          .max(
              Comparator.comparingInt(
                  x -> Integer.parseInt(x.getFileName().toString().substring(4))))
          .orElseThrow();
    }
  }

  /** Bytes of a checkpoint: its own directory plus the shared files of incremental ones. */
  private static long size(Path chk) throws IOException {
    long total = 0;
    for (Path root : List.of(chk, chk.resolveSibling("shared"))) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          total += Files.size(f);
        }
      }
    }
    return total;
  }
}
