package org.distillguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Text analysis alone ({@link PromptAnalyzer#analyze(String, long)}, what the Flink job's accounts
 * task and {@code analyze}'s parse threads run per request) over the prompts of a real log: every
 * 8th exchange of its first 8 × 32,768 lines, so that a multi-turn log's mix of prompt sets and
 * lengths is what is measured, not {@link DetectorBenchmark}'s short synthetic prompts.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar TextAnalysisBenchmark -p log=LOG.jsonl.gz
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class TextAnalysisBenchmark {
  private static final int N = 1 << 15;
  private static final int STRIDE = 8;

  /** A Contract 1 log, plain or gzip ({@code simulate --scenario default --seed 22 ...}). */
  @Param({""})
  public String log = "";

  private final PromptAnalyzer analyzer = PromptAnalyzer.standard();
  private String[] prompts = new String[0];
  private long[] systems = new long[0];
  private int i;

  @Setup
  public void setUp() throws IOException, MalformedExchangeException {
    if (log.isEmpty()) {
      throw new IllegalArgumentException("give the log to sample prompts from: -p log=FILE");
    }
    List<String> ps = new ArrayList<>(N);
    List<Long> ss = new ArrayList<>(N);
    ExchangeParser parser = new ExchangeParser();
    long chars = 0;
    try (BufferedReader r = reader(Path.of(log))) {
      String line;
      for (int k = 0; ps.size() < N && (line = r.readLine()) != null; k++) {
        if (k % STRIDE == 0) {
          Exchange e = parser.parse(line);
          ps.add(e.lastUserPrompt());
          ss.add(PromptAnalyzer.systemHash(e.systemPrompt()));
          chars += e.lastUserPrompt().length();
        }
      }
    }
    if (ps.isEmpty()) {
      throw new IllegalArgumentException(log + " holds no exchanges");
    }
    prompts = ps.toArray(new String[0]);
    systems = ss.stream().mapToLong(Long::longValue).toArray();
    System.out.printf(
        "%n%,d prompts, %.0f chars on average%n", prompts.length, (double) chars / prompts.length);
  }

  private static BufferedReader reader(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    try {
      if (p.toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** One request's prompt: template hashes, domains, phrases, style score. */
  @Benchmark
  public PromptFeatures analyze() {
    int k = i++ % prompts.length;
    return analyzer.analyze(prompts[k], systems[k]);
  }
}
