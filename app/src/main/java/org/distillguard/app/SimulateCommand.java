package org.distillguard.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.sim.PromptCorpus;
import org.distillguard.sim.Scenario;
import org.distillguard.sim.ScenarioLoader;
import org.distillguard.sim.SimulationOptions;
import org.distillguard.sim.Simulator;
import org.distillguard.sim.SimulatorInputException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distillguard simulate}: writes a labelled synthetic exchange log. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate API traffic (benign users and distillers) from real prompt sets and write a"
          + " Contract 1 exchange log plus one ground-truth label per account.",
      "",
      "Example:",
      "  distillguard simulate --scenario small --seed 1 --out events.jsonl.gz --labels labels.jsonl"
    },
    footer = {"", "Exit codes: 0 success, 1 internal error, 2 unusable arguments or input."})
final class SimulateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Exchange log to write; gzip when it ends in .gz; '-' for stdout.")
  String out;

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "FILE",
      description = "Labels to write, one JSON line per account ('-' for stdout).")
  String labels;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Random seed; the same seed gives byte-identical output (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--scale",
      defaultValue = "1.0",
      paramLabel = "F",
      description = "Multiply every population's account count by F (default ${DEFAULT-VALUE}).")
  double scale;

  @Option(
      names = "--scenario",
      defaultValue = "small",
      paramLabel = "NAME|FILE",
      description =
          "Built-in scenario (small, default, large) or a scenario JSON file (default ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--prompts",
      paramLabel = "DIR",
      description =
          "Folder of prompt sets (*.jsonl.gz). Default: ../shared/data/prompts if it exists, else examples/prompts.")
  @Nullable Path prompts;

  @Option(
      names = "--prompt-split",
      defaultValue = "all",
      paramLabel = "train|holdout|all",
      description = "Which prompt sets to use (default ${DEFAULT-VALUE}); see docs/SIMULATOR.md.")
  String split;

  @Option(
      names = "--progress",
      description = "Show a progress bar on stderr even when it is not a terminal.")
  boolean progress;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      PromptCorpus.Split sp;
      try {
        sp = PromptCorpus.Split.parse(split);
      } catch (IllegalArgumentException e) {
        return usage(err, "--prompt-split must be train, holdout or all, not '" + split + "'");
      }
      if (!(scale > 0) || Double.isInfinite(scale)) {
        return usage(err, "--scale must be a positive number, not " + scale);
      }
      if ("-".equals(out) && "-".equals(labels)) {
        return usage(err, "--out and --labels cannot both be stdout");
      }
      Scenario sc = ScenarioLoader.load(scenario);
      Path dir = prompts != null ? prompts : defaultPrompts();
      PromptCorpus corpus = PromptCorpus.load(dir, sp);
      Simulator sim = new Simulator(sc, corpus, new SimulationOptions(seed, scale));
      boolean bar = progress || interactive();
      ProgressBar pb = new ProgressBar(err, bar);
      Simulator.Summary s;
      try (Writer ev = open(out);
          Writer lb = open(labels)) {
        s = sim.write(ev, lb, pb);
      }
      pb.finish();
      err.printf(
          Locale.ROOT,
          "simulated %s: %,d events, %,d accounts (%,d distilling, %d campaigns), %s to %s, prompts"
              + " from %s (%s)%n",
          s.scenario(),
          s.events(),
          s.accounts(),
          s.distillAccounts(),
          s.campaigns(),
          s.events() == 0 ? "-" : Rfc3339.format(s.firstMillis()),
          s.events() == 0 ? "-" : Rfc3339.format(s.lastMillis()),
          corpus.dir(),
          split);
      err.flush();
      return Main.EXIT_OK;
    } catch (SimulatorInputException e) {
      return usage(err, e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      err.println("distillguard simulate: cannot write output: " + e.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    }
  }

  private static int usage(PrintWriter err, @Nullable String message) {
    err.println("distillguard simulate: " + message);
    err.flush();
    return Main.EXIT_USAGE;
  }

  /**
   * Whether a person is watching. Java 17 cannot ask about stderr alone; a console (terminal on
   * stdin and stdout) is the best proxy, and on JDK 22+, where a console always exists, its {@code
   * isTerminal()} says whether it really is one.
   */
  @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() is consulted where it exists
  static boolean interactive() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return true; // JDK 17-21: a non-null console is a terminal
    }
  }

  static Path defaultPrompts() {
    Path shared = Path.of("..", "shared", "data", "prompts");
    return Files.isDirectory(shared) ? shared : Path.of("examples", "prompts");
  }

  private Writer open(String target) throws IOException {
    if ("-".equals(target)) {
      // Not closed by us beyond flushing: stdout belongs to the caller.
      PrintWriter o = spec.commandLine().getOut();
      return new Writer() {
        @Override
        public void write(char[] cbuf, int off, int len) {
          o.write(cbuf, off, len);
        }

        @Override
        public void flush() {
          o.flush();
        }

        @Override
        public void close() {
          o.flush();
        }
      };
    }
    Path p = Path.of(target);
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IOException("folder " + parent + " does not exist");
    }
    OutputStream os = Files.newOutputStream(p);
    if (target.endsWith(".gz")) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
  }

  /** A one-line bar redrawn with carriage returns; silent unless enabled. */
  static final class ProgressBar implements Simulator.Progress {
    private final PrintWriter err;
    private final boolean enabled;
    private int lastPercent = -1;

    ProgressBar(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    @Override
    public void update(long events, double fraction) {
      if (!enabled) {
        return;
      }
      int pct = (int) Math.max(0, Math.min(100, Math.round(fraction * 100)));
      if (pct == lastPercent) {
        return;
      }
      lastPercent = pct;
      int filled = pct / 5;
      err.printf(
          Locale.ROOT,
          "\r[%s%s] %3d%% of period, %,d events",
          "#".repeat(filled),
          " ".repeat(20 - filled),
          pct,
          events);
      err.flush();
    }

    void finish() {
      if (enabled && lastPercent >= 0) {
        err.println();
      }
    }
  }
}
