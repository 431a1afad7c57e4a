package org.distillguard.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Signal;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.LogProblem;
import org.distillguard.core.io.ParallelLogReader;
import org.distillguard.sim.calibrate.Calibrator;
import org.distillguard.sim.eval.GroundTruth;
import org.distillguard.sim.eval.Problems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code distillguard calibrate}: fits the scoring model to labelled traffic. */
@Command(
    name = "calibrate",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Fits the detector's scoring model to labelled traffic (a simulated log and its labels, or"
          + " your own labelled accounts) and writes it as a .properties file that"
          + " 'analyze --scoring-model' reads.",
      "",
      "Samples each account's signals at log-spaced points of its history and fits a weighted"
          + " logistic regression in which every traffic class carries the same total weight."
    },
    footer = {
      "",
      "Example:",
      "  distillguard simulate --prompt-split train --scenario default --out train.jsonl.gz"
          + " --labels train-labels.jsonl",
      "  distillguard calibrate --labels train-labels.jsonl --out model.properties train.jsonl.gz"
    })
public final class CalibrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Labelled exchange logs.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "FILE",
      description = "One JSON line per account: account, class, distill, switch_at.")
  Path labels = Path.of("labels.jsonl");

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Where to write the model (.properties).")
  Path out = Path.of("scoring-model.properties");

  @Option(
      names = "--l2",
      paramLabel = "X",
      description = "L2 penalty on the squared weights (default: ${DEFAULT-VALUE}).")
  double l2 = 1e-3;

  @Option(
      names = "--negative-weight",
      paramLabel = "X",
      description =
          "Extra weight of benign samples; higher trades recall for fewer false positives"
              + " (default: ${DEFAULT-VALUE}).")
  double negativeWeight = 4;

  @Option(
      names = "--ignore",
      paramLabel = "SIGNAL",
      split = ",",
      description = "Signals to leave out of the model (weight 0); repeatable or comma-separated.")
  List<String> ignore = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (!(l2 >= 0) || !(negativeWeight > 0)) {
      err.println("distillguard calibrate: --l2 must be >= 0 and --negative-weight > 0");
      return Main.EXIT_USAGE;
    }
    Problems problems = new Problems();
    Map<String, GroundTruth> truth;
    try (BufferedReader r = Files.newBufferedReader(labels, StandardCharsets.UTF_8)) {
      truth = GroundTruth.read(r, labels.toString(), problems);
    } catch (NoSuchFileException e) {
      err.println("distillguard calibrate: " + labels + ": no such file");
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      err.println("distillguard calibrate: " + labels + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    problems.kept().forEach(p -> err.println("distillguard calibrate: skipped " + p));
    Map<String, Calibrator.Truth> byAccount = new LinkedHashMap<>();
    truth.forEach(
        (k, v) ->
            byAccount.put(
                k,
                new Calibrator.Truth(
                    v.cls(), v.distill(), v.turncoat() ? Long.valueOf(v.switchAt()) : null)));
    Calibrator calibrator = new Calibrator(byAccount);
    long[] invalid = {0};
    try {
      new ParallelLogReader<Exchange>(files, e -> e, 1, LineSource.DEFAULT_MAX_LINE_BYTES)
          .run(
              new ParallelLogReader.Consumer<>() {
                @Override
                public void accept(Exchange e) {
                  calibrator.accept(e);
                }

                @Override
                public boolean problem(LogProblem p) {
                  if (invalid[0]++ < 20) {
                    err.println("distillguard calibrate: skipped " + p);
                  }
                  return true;
                }
              });
    } catch (InputException e) {
      err.println("distillguard calibrate: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (calibrator.sampleCount() == 0) {
      err.println(
          "distillguard calibrate: no labelled samples: do the labels belong to these logs?");
      return Main.EXIT_USAGE;
    }
    Set<Signal> ignored = EnumSet.noneOf(Signal.class);
    for (String id : ignore) {
      Signal sig = Signal.byId(id);
      if (sig == null) {
        err.println("distillguard calibrate: --ignore: unknown signal '" + id + "'");
        return Main.EXIT_USAGE;
      }
      ignored.add(sig);
    }
    ScoringModel model = calibrator.fit(l2, negativeWeight, ignored);
    String comment =
        String.format(
            Locale.ROOT,
            "Fitted by 'distillguard calibrate' on %s (%d samples, l2=%s, negative-weight=%s,"
                + " ignored=%s)",
            String.join(" ", files),
            calibrator.sampleCount(),
            l2,
            negativeWeight,
            ignore);
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      model.write(w, comment);
    } catch (IOException e) {
      err.println("distillguard calibrate: cannot write " + out + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    stdout.printf(
        Locale.ROOT,
        "calibrated on %,d samples from %,d labelled accounts; wrote %s%n",
        calibrator.sampleCount(),
        truth.size(),
        out);
    double[] w = model.weights();
    for (Signal s : Signal.values()) {
      stdout.printf(Locale.ROOT, "  %-24s %+8.3f%n", s.id(), w[s.ordinal()]);
    }
    stdout.printf(Locale.ROOT, "  %-24s %+8.3f%n", "bias", model.bias());
    return Main.EXIT_OK;
  }
}
