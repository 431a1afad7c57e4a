package org.distillguard.core.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.MalformedExchangeException;

/**
 * The old analyzer ({@code frozen}) against the current one on the same prompts in one JVM,
 * alternating in rounds and timed by the thread's CPU time: on a machine shared with other builds
 * wall-clock benchmarks swing by 2–3x between runs, but the ratio of two alternating measurements
 * holds. Not a test; run by hand (see {@code docs/PERFORMANCE.md}).
 *
 * <pre>java -cp core/target/classes:core/target/test-classes:JACKSON
 *     org.distillguard.core.text.AnalyzerSpeedComparison LOG [ROUNDS]</pre>
 *
 * Prompts: the last user turn of every 8th exchange of the log's first 262,144 lines, as {@code
 * TextAnalysisBenchmark} samples them.
 */
public final class AnalyzerSpeedComparison {
  private static final int PROMPTS = 1 << 15;
  private static final int REPEATS = 5;
  private static long sink;

  private AnalyzerSpeedComparison() {}

  public static void main(String[] args) throws IOException, MalformedExchangeException {
    if (args.length < 1) {
      System.err.println("usage: AnalyzerSpeedComparison LOG [ROUNDS]");
      System.exit(2);
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    List<String> ps = new ArrayList<>();
    List<Long> ss = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (BufferedReader r = reader(Path.of(args[0]))) {
      String line;
      for (int k = 0; ps.size() < PROMPTS && (line = r.readLine()) != null; k++) {
        if (k % 8 == 0) {
          Exchange e = parser.parse(line);
          ps.add(e.lastUserPrompt());
          ss.add(PromptAnalyzer.systemHash(e.systemPrompt()));
        }
      }
    }
    String[] prompts = ps.toArray(new String[0]);
    long[] systems = ss.stream().mapToLong(Long::longValue).toArray();
    PromptAnalyzer now = PromptAnalyzer.standard();
    org.distillguard.core.text.frozen.PromptAnalyzer before =
        org.distillguard.core.text.frozen.PromptAnalyzer.standard();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    double[] tBefore = new double[rounds];
    double[] tNow = new double[rounds];
    double[] ratio = new double[rounds];
    for (int round = -3; round < rounds; round++) { // three rounds of warm-up
      long c0 = cpu.getCurrentThreadCpuTime();
      for (int rep = 0; rep < REPEATS; rep++) {
        for (int i = 0; i < prompts.length; i++) {
          sink += before.analyze(prompts[i], systems[i]).exact();
        }
      }
      long c1 = cpu.getCurrentThreadCpuTime();
      for (int rep = 0; rep < REPEATS; rep++) {
        for (int i = 0; i < prompts.length; i++) {
          sink += now.analyze(prompts[i], systems[i]).exact();
        }
      }
      long c2 = cpu.getCurrentThreadCpuTime();
      if (round >= 0) {
        tBefore[round] = (c1 - c0) / (double) (REPEATS * prompts.length);
        tNow[round] = (c2 - c1) / (double) (REPEATS * prompts.length);
        ratio[round] = tNow[round] / tBefore[round];
      }
    }
    Arrays.sort(tBefore);
    Arrays.sort(tNow);
    Arrays.sort(ratio);
    System.out.printf(
        Locale.ROOT,
        "%,d prompts, %d rounds: CPU ns/prompt before %.0f (min %.0f), now %.0f (min %.0f);"
            + " now/before median %.2f (rounds %.2f-%.2f)  [%d]%n",
        prompts.length,
        rounds,
        tBefore[rounds / 2],
        tBefore[0],
        tNow[rounds / 2],
        tNow[0],
        ratio[rounds / 2],
        ratio[0],
        ratio[rounds - 1],
        sink & 1);
  }

  private static BufferedReader reader(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    if (p.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }
}
