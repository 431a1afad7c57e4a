package org.distillguard.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.ExchangeWriter;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-event path of the detector, stage by stage: parsing a log line, analysing its text
 * (stateless, runs on the parse threads), and updating and scoring the account (the single-threaded
 * stage that bounds a detector's throughput). 10,000 accounts, so state does not sit in L1.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorBenchmark {
  private static final int N = 1 << 16;

  private Observation[] observations = new Observation[0];
  private Exchange[] exchanges = new Exchange[0];
  private byte[][] lines = new byte[0][];
  private final ExchangeParser parser = new ExchangeParser();
  private final PromptAnalyzer analyzer = PromptAnalyzer.standard();
  private Detector detector = Detector.standard();
  private Detector unlinked = Detector.standard();
  private int i;

  @Setup
  public void setUp() {
    List<Exchange> xs = SampleTraffic.exchanges(N, 10_000, 7);
    exchanges = xs.toArray(new Exchange[0]);
    observations = new Observation[N];
    lines = new byte[N][];
    for (int k = 0; k < N; k++) {
      observations[k] = Observation.of(exchanges[k], analyzer);
      lines[k] = ExchangeWriter.toJson(exchanges[k]).getBytes(StandardCharsets.UTF_8);
    }
    detector = Detector.standard();
    unlinked = new Detector(DetectorConfig.defaults(), ScoringModel.shipped(), analyzer, null);
    for (Observation o : observations) {
      detector.observe(o); // warm state: every account exists
      unlinked.observe(o);
    }
  }

  private int next() {
    return i++ & (N - 1);
  }

  /** Stage 1: one JSON line to an Exchange. */
  @Benchmark
  public Exchange parseLine() throws MalformedExchangeException {
    byte[] b = lines[next()];
    return parser.parse(b, 0, b.length);
  }

  /** Stage 2: text analysis of one request (template hashes, domains, phrases, style). */
  @Benchmark
  public PromptFeatures analyzeText() {
    return analyzer.analyze(exchanges[next()]);
  }

  /** Stage 3: the per-event update of account state, scoring, verdict and campaign linking. */
  @Benchmark
  public Verdict updateAccount() {
    return detector.observe(observations[next()]);
  }

  /** Stage 3 without campaign linking ({@code analyze --no-linking}), for comparison. */
  @Benchmark
  public Verdict updateAccountUnlinked() {
    return unlinked.observe(observations[next()]);
  }
}
