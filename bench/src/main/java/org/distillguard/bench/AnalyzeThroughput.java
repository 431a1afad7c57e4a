package org.distillguard.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.distillguard.app.Main;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.LogProblem;
import org.distillguard.core.io.ParallelLogReader;

/**
 * End-to-end throughput of {@code distillguard analyze} against the same run spending its time only
 * on parsing JSON (the same reader, the same threads, no text analysis, no detector, no output),
 * and against {@code analyze --no-linking} (the cost of campaign linking), measured alternately in
 * one JVM so that all three see the same machine noise.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.distillguard.bench.AnalyzeThroughput LOG [ROUNDS]
 * </pre>
 */
public final class AnalyzeThroughput {
  private AnalyzeThroughput() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: AnalyzeThroughput LOG [ROUNDS]");
      System.exit(2);
    }
    String log = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = Runtime.getRuntime().availableProcessors();
    Path out = Files.createTempDirectory("dg-bench");
    long events = parseOnly(log, threads); // warm-up of both paths
    analyze(log, out, true);
    analyze(log, out, false);
    double bestParse = Double.MAX_VALUE;
    double bestAnalyze = Double.MAX_VALUE;
    double bestUnlinked = Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      parseOnly(log, threads);
      double p = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      analyze(log, out, false);
      double u = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      analyze(log, out, true);
      double a = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "round %d: parse-only %.2f s (%,.0f ev/s)  analyze --no-linking %.2f s (%,.0f ev/s)"
              + "  analyze %.2f s (%,.0f ev/s)  analyze/parse %.2f  linked/unlinked %.2f%n",
          r + 1,
          p,
          events / p,
          u,
          events / u,
          a,
          events / a,
          a / p,
          a / u);
      bestParse = Math.min(bestParse, p);
      bestUnlinked = Math.min(bestUnlinked, u);
      bestAnalyze = Math.min(bestAnalyze, a);
    }
    System.out.printf(
        Locale.ROOT,
        "events %,d, threads %d%nbest parse-only          %.2f s = %,.0f events/s%n"
            + "best analyze --no-linking %.2f s = %,.0f events/s%n"
            + "best analyze             %.2f s = %,.0f events/s%n"
            + "ratio analyze/parse-only %.2f; linking costs %.1f%% of unlinked throughput%n",
        events,
        threads,
        bestParse,
        events / bestParse,
        bestUnlinked,
        events / bestUnlinked,
        bestAnalyze,
        events / bestAnalyze,
        bestAnalyze / bestParse,
        100 * (1 - bestUnlinked / bestAnalyze));
  }

  static long parseOnly(String log, int threads) throws Exception {
    long[] n = new long[1];
    new ParallelLogReader<Exchange>(
            List.of(log), e -> e, threads, LineSource.DEFAULT_MAX_LINE_BYTES)
        .run(
            new ParallelLogReader.Consumer<>() {
              @Override
              public void accept(Exchange item) {
                n[0]++;
              }

              @Override
              public boolean problem(LogProblem problem) {
                return true;
              }
            });
    return n[0];
  }

  static void analyze(String log, Path out, boolean linking) {
    StringWriter sink = new StringWriter();
    String[] args =
        linking
            ? new String[] {"analyze", "--no-progress", "--out", out.toString(), log}
            : new String[] {
              "analyze", "--no-progress", "--no-linking", "--out", out.toString(), log
            };
    int code =
        Main.newCommandLine()
            .setOut(new PrintWriter(sink))
            .setErr(new PrintWriter(sink))
            .execute(args);
    if (code != 0) {
      throw new IllegalStateException("analyze failed: " + sink);
    }
  }
}
