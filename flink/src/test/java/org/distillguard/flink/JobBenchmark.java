package org.distillguard.flink;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.distillguard.app.Main;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.CampaignStage;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ModelAges;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/**
 * The job's figures on this machine, all in one JVM and one run (broker, producer and job share the
 * two cores): Kafka-to-Kafka throughput of the detector job and of the same job with a no-op
 * detector at parallelism 1 and 2, {@code analyze} on the same log, and the state bytes per account
 * the job checkpoints. Not a test: run by hand, see {@code docs/PERFORMANCE.md}.
 *
 * <pre>java -Xmx3g -cp ... org.distillguard.flink.JobBenchmark LOG [hashmap|rocksdb]
 *     [DETECTORS=noop,standard] [PARALLELISMS=1,2] [ANALYZE=true] [ROUNDS=1]</pre>
 *
 * With several rounds the detectors alternate within each round and the median ratio of the
 * detector job to the no-op job is printed per parallelism. Detector names {@code single} and
 * {@code evidence} run the standard detector with that {@code --linking} (their ratios to {@code
 * noop} are printed too).
 */
public final class JobBenchmark {
  private JobBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String log = args[0];
    String backend = args.length > 1 ? args[1] : "hashmap";
    String[] detectors = (args.length > 2 ? args[2] : "noop,standard").split(",");
    String[] parallelisms = (args.length > 3 ? args[3] : "1,2").split(",");
    boolean withAnalyze = args.length <= 4 || Boolean.parseBoolean(args[4]);
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    Path dir = Paths.get("target", "bench");
    Files.createDirectories(dir);
    try (TestKafka kafka = new TestKafka(dir.resolve("kafka-" + System.nanoTime()))) {
      kafka.createTopic("bench.exchanges", 2);
      long t0 = System.nanoTime();
      Replayer.Result sent = Replayer.replay(kafka.bootstrap(), "bench.exchanges", List.of(log));
      out.printf("replayed %,d exchanges in %.1f s%n", sent.sent(), (System.nanoTime() - t0) / 1e9);

      List<String> rows = new ArrayList<>();
      int run = 0;
      for (String ps : parallelisms) {
        int p = Integer.parseInt(ps);
        Map<String, List<Double>> ratios = new java.util.TreeMap<>();
        Map<String, List<Double>> cost = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
          Map<String, Double> rate = new HashMap<>();
          // Detectors alternate within a round, so that a change in the machine's load hits
          // both sides of a ratio about equally.
          for (String detector : detectors) {
            String name = "bench" + (run++);
            long cpu0 = processCpuNanos();
            double secs = runJob(kafka, name, detector, p, backend, dir);
            double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / sent.sent();
            rate.put(detector, sent.sent() / secs);
            cost.computeIfAbsent(detector, d -> new ArrayList<>()).add(cpuMicros);
            String row =
                String.format(
                    "| %s | %d | %d | %s | %.1f s | %,.0f ev/s | %.1f µs CPU/event |",
                    detector, p, round, backend, secs, sent.sent() / secs, cpuMicros);
            out.println(row);
            rows.add(row);
          }
          for (String d : List.of("standard", "single", "evidence")) {
            if (rate.containsKey(d) && rate.containsKey("noop")) {
              ratios.computeIfAbsent(d, k -> new ArrayList<>()).add(rate.get(d) / rate.get("noop"));
            }
          }
        }
        for (var r : ratios.entrySet()) {
          List<Double> sorted = new ArrayList<>(r.getValue());
          sorted.sort(null);
          String row =
              String.format(
                  "| %s / noop at parallelism %d: rounds %s, median %.2f |",
                  r.getKey(),
                  p,
                  r.getValue().stream().map(x -> String.format("%.2f", x)).toList(),
                  sorted.get(sorted.size() / 2));
          out.println(row);
          rows.add(row);
        }
        for (String d : List.of("standard", "single", "evidence")) {
          if (cost.containsKey(d) && cost.containsKey("noop")) {
            // CPU per event of the whole process (broker, job, Flink) hardly depends on the load
            // of other work on the machine, unlike throughput: the load-free view of the ratio.
            double noop = median(cost.get("noop"));
            double standard = median(cost.get(d));
            String row =
                String.format(
                    "| CPU per event at parallelism %d: noop %.1f µs, %s %.1f µs, ratio %.2f |",
                    p, noop, d, standard, noop / standard);
            out.println(row);
            rows.add(row);
          }
        }
      }

      if (!withAnalyze) {
        return;
      }
      Path analyzeOut = dir.resolve("analyze-out");
      long a0 = System.nanoTime();
      StringWriter sink = new StringWriter();
      int code =
          Main.newCommandLine()
              .setOut(new PrintWriter(sink))
              .setErr(new PrintWriter(sink))
              .execute("analyze", "--threads", "2", "--out", analyzeOut.toString(), log);
      double analyzeSecs = (System.nanoTime() - a0) / 1e9;
      String row =
          String.format(
              "| analyze (file, 2 threads, exit %d) | - | - | %.1f s | %,.0f ev/s |",
              code, analyzeSecs, sent.sent() / analyzeSecs);
      out.println(row);
      rows.add(row);
      out.println();
      rows.forEach(out::println);
    }
    stateBytes(out, log);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    int n = sorted.size();
    // An even count takes the mean of the middle two (the upper one alone overstated the ratio).
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The linking mode a detector name asks for: {@code single} and {@code evidence} are the standard
   * detector with that {@code --linking}; null for the others (standard = the default).
   */
  private static @Nullable String linking(String detector) {
    return detector.equals("single") || detector.equals("evidence") ? detector : null;
  }

  /** Runs one bounded job over the replayed topic; returns its net runtime in seconds. */
  private static double runJob(
      TestKafka kafka, String name, String detector, int p, String backend, Path dir)
      throws Exception {
    for (String t : List.of("verdicts", "campaigns", "decisions")) {
      kafka.createTopic(name + "." + t, 1);
    }
    JobConfig c =
        JobConfig.parse(
            new String[] {
              "--bootstrap",
              kafka.bootstrap(),
              "--exchanges",
              "bench.exchanges",
              "--verdicts",
              name + ".verdicts",
              "--campaigns",
              name + ".campaigns",
              "--decisions",
              name + ".decisions",
              "--group",
              name,
              "--parallelism",
              Integer.toString(p),
              "--checkpoint-interval",
              "10000",
              "--state-backend",
              backend,
              "--checkpoint-dir",
              dir.resolve(name + "-ckpt").toAbsolutePath().toUri().toString(),
              "--bounded",
              "true",
              "--detector",
              linking(detector) == null ? detector : "standard",
              "--linking",
              linking(detector) == null ? "evidence" : linking(detector)
            });
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    DetectorJob.configure(env, c);
    DetectorJob.build(env, c);
    JobExecutionResult r = env.execute(name);
    return r.getNetRuntime() / 1000.0;
  }

  /** The bytes the job checkpoints per account: keyed state and the campaign stage's share. */
  private static void stateBytes(PrintStream out, String log) throws Exception {
    DetectorConfig config = DetectorConfig.defaults();
    AccountDetector d = new AccountDetector(config, ScoringModel.shipped());
    CampaignStage stage = new CampaignStage(config, LinkerConfig.defaults(), true);
    ModelAges ages = new ModelAges(config);
    PromptAnalyzer analyzer = PromptAnalyzer.standard();
    ExchangeParser parser = new ExchangeParser();
    Map<String, AccountDetector.Account> accounts = new HashMap<>();
    try (LineSource lines = LineSource.open(log, LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (lines.next()) {
        Exchange e;
        try {
          e = parser.parse(lines.buffer(), 0, lines.length());
        } catch (MalformedExchangeException ex) {
          continue;
        }
        Observation o = Observation.of(e, analyzer);
        AccountDetector.Account a = accounts.computeIfAbsent(o.account(), k -> d.newAccount());
        d.observe(a, o, ages.age(o.model(), o.timeMillis()));
        stage.observe(
            stage.index(o.account()),
            o.account(),
            o.timeMillis(),
            o.traits(),
            a.requests(),
            a.lastSeen(),
            a.verdict(),
            a.peakScore(),
            null);
      }
    }
    long keyed = 0;
    long keys = 0;
    for (var e : accounts.entrySet()) {
      int key = e.getKey().getBytes(StandardCharsets.UTF_8).length;
      keyed += AccountDetector.snapshot(e.getValue()).length;
      keys += key;
      // The recent exchange ids (RecentExchanges): a long[] (length, then the hashes), stored under
      // the account's key a second time.
      keyed += 4 + 8L * Math.min(e.getValue().requests(), RecentExchanges.SIZE) + key;
    }
    int n = accounts.size();
    long blob = stage.snapshot().length;
    out.printf(
        "state: %,d accounts; keyed state %.0f B/account (+ key %.0f B); campaign stage blob %,d B"
            + " = %.0f B/account; total %.0f B/account%n",
        n,
        keyed / (double) n,
        keys / (double) n,
        blob,
        blob / (double) n,
        (keyed + keys + blob) / (double) n);
  }
}
