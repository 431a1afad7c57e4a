package org.distillguard.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distillguard.sim.eval.Bounds;
import org.distillguard.sim.eval.EvalInputException;
import org.distillguard.sim.eval.Evaluation;
import org.distillguard.sim.eval.EvaluationJson;
import org.distillguard.sim.eval.EvaluationText;
import org.distillguard.sim.eval.Evaluator;
import org.distillguard.sim.eval.GroundTruth;
import org.distillguard.sim.eval.Problem;
import org.distillguard.sim.eval.Problems;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distillguard evaluate}: scores {@code analyze} verdicts against simulator labels. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a detector's verdicts against the simulator's ground truth: recall and false"
          + " positives per class, requests to flag, leakage, campaign coverage.",
      "",
      "Example:",
      "  distillguard evaluate --labels sim/labels.jsonl \\",
      "      --verdicts out/verdicts.jsonl --campaigns out/campaigns.jsonl \\",
      "      --bounds bounds.json --csv out/plots",
      ""
    },
    footer = {
      "",
      "Metric definitions: docs/EVALUATION.md.",
      "Exit codes: 0 success, 1 internal error, 2 unusable arguments or input (including"
          + " labels and verdicts sharing no account), 3 a --bounds limit failed."
    })
public final class EvaluateCommand implements Callable<Integer> {
  /** A {@code --bounds} limit was not met. */
  public static final int EXIT_BOUNDS_FAILED = 3;

  private static final int PROBLEMS_SHOWN = 20;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "FILE",
      description = "Ground truth written by the simulator (labels.jsonl, .gz accepted).")
  Path labels;

  @Option(
      names = "--verdicts",
      required = true,
      paramLabel = "FILE",
      description = "verdicts.jsonl written by 'distillguard analyze' (.gz accepted).")
  Path verdicts;

  @Option(
      names = "--campaigns",
      paramLabel = "FILE",
      description =
          "campaigns.jsonl written by 'analyze'; optional, the verdicts' campaign field is"
              + " used first.")
  @Nullable Path campaigns;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Where to write the figures as JSON (default: evaluation.json next to the"
              + " verdicts).")
  @Nullable Path out;

  @Option(
      names = "--csv",
      paramLabel = "DIR",
      description = "Also write classes.csv and requests_to_flag.csv into DIR, for plotting.")
  @Nullable Path csvDir;

  @Option(
      names = "--bounds",
      paramLabel = "FILE",
      description = {
        "Acceptance limits to check, e.g.",
        "  {\"recall_min\":0.95,\"fpr_people_apps_max\":0.005,"
            + "\"fpr_pipelines_benchmarks_max\":0.02,\"leakage_max\":0.10,"
            + "\"median_requests_to_flag_single_max\":50}",
        "Exit code 3 if any fails."
      })
  @Nullable Path boundsFile;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Bounds bounds = null;
      if (boundsFile != null) {
        try (BufferedReader in = Evaluator.open(boundsFile)) {
          bounds = Bounds.parse(in, boundsFile.toString());
        }
      }
      Problems problems = new Problems();
      Map<String, GroundTruth> truth;
      try (BufferedReader in = Evaluator.open(labels)) {
        truth = GroundTruth.read(in, labels.toString(), problems);
      }
      Evaluator evaluator = new Evaluator(truth, problems);
      if (campaigns != null) {
        try (BufferedReader in = Evaluator.open(campaigns)) {
          evaluator.readCampaigns(in, campaigns.toString());
        }
      }
      try (BufferedReader in = Evaluator.open(verdicts)) {
        evaluator.readVerdicts(in, verdicts.toString());
      }
      Evaluation e = evaluator.finish();
      reportProblems(e, err);
      if (e.evaluatedAccounts() == 0) {
        err.println(
            "distillguard evaluate: "
                + labels
                + " and "
                + verdicts
                + " share no account; nothing to evaluate");
        err.flush();
        return Main.EXIT_USAGE;
      }
      List<Bounds.Check> checks = bounds == null ? List.of() : bounds.check(e);
      o.print(EvaluationText.table(e));
      Path json = out != null ? out : sibling(verdicts, "evaluation.json");
      try (Writer w = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
        EvaluationJson.write(e, checks, w);
      }
      if (csvDir != null) {
        Files.createDirectories(csvDir);
        try (Writer w = Files.newBufferedWriter(csvDir.resolve("classes.csv"))) {
          EvaluationText.classesCsv(e, w);
        }
        try (Writer w = Files.newBufferedWriter(csvDir.resolve("requests_to_flag.csv"))) {
          EvaluationText.requestsToFlagCsv(e, w);
        }
      }
      boolean pass = true;
      if (!checks.isEmpty()) {
        o.println();
        o.println("Bounds:");
        for (Bounds.Check c : checks) {
          pass &= c.pass();
          o.printf(
              Locale.ROOT,
              "  %-4s %-36s limit %-10s actual %s%n",
              c.pass() ? "PASS" : "FAIL",
              c.name(),
              java.math.BigDecimal.valueOf(c.limit()).stripTrailingZeros().toPlainString(),
              Double.isNaN(c.actual()) ? "not measurable" : fmt(c.actual()));
        }
      }
      o.println();
      o.println("Wrote " + json);
      o.flush();
      return pass ? Main.EXIT_OK : EXIT_BOUNDS_FAILED;
    } catch (EvalInputException ex) {
      err.println("distillguard evaluate: " + ex.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    } catch (IOException ex) {
      // A truncated .gz, a full disk, an unwritable --out: the user can act on it, so no trace.
      err.println("distillguard evaluate: " + ex);
      err.flush();
      return Main.EXIT_USAGE;
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? EvaluationText.num(v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static void reportProblems(Evaluation e, PrintWriter err) {
    int shown = 0;
    for (Problem p : e.problems()) {
      if (shown++ == PROBLEMS_SHOWN) {
        break;
      }
      err.println("skipped " + p);
    }
    if (e.malformedLines() > 0) {
      err.printf(Locale.ROOT, "error: %d unusable input lines skipped%n", e.malformedLines());
    }
    if (e.missingVerdicts() > 0) {
      err.printf(
          Locale.ROOT,
          "error: %d labelled accounts have no verdict (e.g. %s); they are not counted%n",
          e.missingVerdicts(),
          String.join(", ", e.missingVerdictExamples()));
    }
    if (e.unlabelledVerdicts() > 0) {
      err.printf(
          Locale.ROOT,
          "error: %d accounts with a verdict have no label (e.g. %s); they are not counted%n",
          e.unlabelledVerdicts(),
          String.join(", ", e.unlabelledExamples()));
    }
    err.flush();
  }

  private static Path sibling(Path file, String name) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(name) : parent.resolve(name);
  }
}
