package org.distillguard.app.analyze;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.distillguard.app.Main;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.io.CampaignJson;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.core.io.VerdictJson;
import org.distillguard.core.link.Campaign;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code distillguard analyze}: Contract 2 of the design. */
@Command(
    name = "analyze",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    description = {
      "Reads exchange logs (JSON Lines, plain or gzip) and finds the accounts that are distilling"
          + " the model.",
      "",
      "Writes verdicts.jsonl (every account), campaigns.jsonl and report.html into the output"
          + " folder, prints a summary on stdout and progress on stderr.",
      "Lines are processed in file order; timestamps that go backwards within an account are"
          + " treated as simultaneous with the latest one. Invalid lines are reported with file"
          + " and line number and skipped (or stop the run with --strict)."
    },
    footer = {
      "",
      "Examples:",
      "  distillguard analyze examples/small.jsonl.gz",
      "  zcat day-*.jsonl.gz | distillguard analyze --out out/ -",
      "",
      "Exit codes: 0 success, 2 unusable arguments or input (or an invalid line with --strict)."
    })
public final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Exchange log files; '-' reads standard input. Gzip is detected by content.")
  List<String> files = new ArrayList<>();

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Output folder, created if needed (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("distillguard-out");

  @Option(names = "--strict", description = "Stop at the first invalid line with exit code 2.")
  boolean strict;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads that parse and analyse text (default: the number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show a progress bar on stderr (default: only when stderr is a terminal).")
  @Nullable Boolean progress;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Accounts listed in the summary (default: ${DEFAULT-VALUE}).")
  int top = 10;

  @Option(
      names = "--report-accounts",
      paramLabel = "N",
      description = "Accounts detailed in report.html (default: ${DEFAULT-VALUE}).")
  int reportAccounts = 200;

  @Option(
      names = "--suspicious-at",
      paramLabel = "SCORE",
      description = "Score from which an account is suspicious (default: ${DEFAULT-VALUE}).")
  double suspiciousAt = DetectorConfig.defaults().suspiciousAt();

  @Option(
      names = "--distillation-at",
      paramLabel = "SCORE",
      description =
          "Score from which an account is flagged as distillation (default: ${DEFAULT-VALUE}).")
  double distillationAt = DetectorConfig.defaults().distillationAt();

  @Option(
      names = "--min-requests",
      paramLabel = "N",
      description =
          "Requests an account must send before it can be flagged (default: ${DEFAULT-VALUE}).")
  int minRequests = DetectorConfig.defaults().minRequests();

  @Option(
      names = "--model-release",
      paramLabel = "MODEL=TIME",
      description =
          "Release time (RFC 3339) of a model, to spot traffic moving to a new model; repeatable."
              + " Unlisted models are dated by their first appearance in the logs.")
  Map<String, String> modelReleases = new LinkedHashMap<>();

  @Option(
      names = "--no-linking",
      description = "Judge accounts one by one: no campaign linking, campaigns.jsonl stays empty.")
  boolean noLinking;

  @Option(
      names = "--link-threshold",
      paramLabel = "POINTS",
      description =
          "Points of shared evidence (payment, address range, template, ...) that link two"
              + " accounts into one campaign; see docs/CAMPAIGNS.md (default: ${DEFAULT-VALUE}).")
  double linkThreshold = LinkerConfig.defaults().linkThreshold();

  @Option(
      names = "--scoring-model",
      paramLabel = "FILE",
      description = "A scoring model (.properties) to use instead of the shipped one.")
  @Nullable Path scoringModel;

  @Option(
      names = "--max-line-bytes",
      paramLabel = "N",
      description =
          "Longest line accepted; longer lines are reported and skipped (default: ${DEFAULT-VALUE}).")
  int maxLineBytes = LineSource.DEFAULT_MAX_LINE_BYTES;

  @Option(
      names = "--show-problems",
      paramLabel = "N",
      description =
          "Invalid lines reported one by one before only counting (default: ${DEFAULT-VALUE}).")
  int showProblems = 20;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    String bad = validate();
    if (bad != null) {
      err.println("distillguard analyze: " + bad);
      return Main.EXIT_USAGE;
    }
    Detector detector;
    try {
      detector = new Detector(config(), loadModel(), PromptAnalyzer.standard(), linkerConfig());
    } catch (IllegalArgumentException | IOException e) {
      err.println("distillguard analyze: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      err.println(
          "distillguard analyze: cannot create output folder " + out + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Analysis analysis = new Analysis(detector, strict, showProblems, err);
    long start = System.nanoTime();
    boolean showProgress = progress != null ? progress : System.console() != null;
    try {
      analysis.run(files, threads, maxLineBytes, showProgress ? bar -> {} : null);
    } catch (InputException e) {
      err.println("distillguard analyze: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (analysis.stoppedAt != null) {
      err.println(
          "distillguard analyze: stopped at the first invalid line (--strict); no output written");
      return Main.EXIT_USAGE;
    }
    if (analysis.invalid > analysis.problems.size()) {
      err.println(
          "distillguard analyze: "
              + (analysis.invalid - analysis.problems.size())
              + " more invalid lines not shown (--show-problems)");
    }
    try {
      List<Assessment> all = sorted(detector);
      List<Campaign> campaigns = detector.campaigns();
      writeVerdicts(all);
      writeAtomically(
          out.resolve("campaigns.jsonl"),
          w -> {
            for (Campaign c : campaigns) {
              w.write(CampaignJson.toJson(c));
              w.write('\n');
            }
          });
      ReportWriter.write(
          analysis, all, campaigns, files, reportAccounts, out.resolve("report.html"));
      summary(stdout, analysis, all, campaigns, seconds);
    } catch (IOException e) {
      err.println("distillguard analyze: cannot write to " + out + ": " + e.getMessage());
      return Main.EXIT_INTERNAL;
    }
    return analysis.events == 0 && analysis.invalid > 0 ? Main.EXIT_USAGE : Main.EXIT_OK;
  }

  private @Nullable String validate() {
    if (threads < 1 || threads > 256) {
      return "--threads must be between 1 and 256, got " + threads;
    }
    if (top < 0 || reportAccounts < 0 || showProblems < 0) {
      return "--top, --report-accounts and --show-problems must not be negative";
    }
    if (maxLineBytes < 1024) {
      return "--max-line-bytes must be at least 1024, got " + maxLineBytes;
    }
    if (!(linkThreshold > 0)) {
      return "--link-threshold must be positive, got " + linkThreshold;
    }
    if (minRequests < 1) {
      return "--min-requests must be at least 1, got " + minRequests;
    }
    if (!(0 < suspiciousAt && suspiciousAt <= distillationAt && distillationAt < 1)) {
      return "need 0 < --suspicious-at <= --distillation-at < 1";
    }
    if (files.stream().filter("-"::equals).count() > 1) {
      return "standard input ('-') can be given only once";
    }
    return null;
  }

  private DetectorConfig config() {
    Map<String, Long> releases = new LinkedHashMap<>();
    modelReleases.forEach(
        (m, t) -> {
          try {
            releases.put(m, Rfc3339.parseMillis(t));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model-release " + m + ": " + e.getMessage());
          }
        });
    return new DetectorConfig(suspiciousAt, distillationAt, minRequests, releases);
  }

  private @Nullable LinkerConfig linkerConfig() {
    if (noLinking) {
      return null;
    }
    LinkerConfig d = LinkerConfig.defaults();
    return new LinkerConfig(
        linkThreshold,
        d.youngMillis(),
        d.burstMillis(),
        d.campaignMinRequests(),
        d.confirmMinSize());
  }

  private ScoringModel loadModel() throws IOException {
    if (scoringModel == null) {
      return ScoringModel.shipped();
    }
    try (Reader r = Files.newBufferedReader(scoringModel, StandardCharsets.UTF_8)) {
      return ScoringModel.read(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("--scoring-model " + scoringModel + ": no such file", e);
    }
  }

  private static List<Assessment> sorted(Detector detector) {
    List<Assessment> all = detector.assessments();
    all.sort(Comparator.comparing(Assessment::account));
    return all;
  }

  private void writeVerdicts(List<Assessment> all) throws IOException {
    writeAtomically(
        out.resolve("verdicts.jsonl"),
        w -> {
          for (Assessment a : all) {
            w.write(VerdictJson.toJson(a));
            w.write('\n');
          }
        });
  }

  /** What writes a file's content. */
  interface Body {
    void write(Writer w) throws IOException;
  }

  /** Writes into a temporary file and renames it, so a reader never sees half a file. */
  static void writeAtomically(Path target, Body body) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      body.write(w);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void summary(
      PrintWriter o, Analysis a, List<Assessment> all, List<Campaign> campaigns, double seconds) {
    Map<Verdict, Long> counts = a.verdictCounts();
    o.printf(
        Locale.ROOT,
        "DistillGuard analyze: %,d events from %d input%s in %.1f s (%,.0f events/s)%n",
        a.events,
        files.size(),
        files.size() == 1 ? "" : "s",
        seconds,
        a.events / Math.max(seconds, 1e-3));
    if (a.invalid > 0) {
      o.printf(Locale.ROOT, "invalid lines skipped: %,d (listed on stderr)%n", a.invalid);
    }
    if (a.outOfOrder > 0) {
      o.printf(
          Locale.ROOT, "out-of-order timestamps: %,d (processed in file order)%n", a.outOfOrder);
    }
    long n = all.size();
    o.printf(Locale.ROOT, "accounts: %,d%n", n);
    for (Verdict v : new Verdict[] {Verdict.DISTILLATION, Verdict.SUSPICIOUS, Verdict.BENIGN}) {
      long c = counts.getOrDefault(v, 0L);
      o.printf(Locale.ROOT, "  %-13s %,9d  %5.1f%%%n", v.id(), c, n == 0 ? 0 : 100.0 * c / n);
    }
    if (noLinking) {
      o.println("campaigns: not linked (--no-linking)");
    } else {
      long confirmed = campaigns.stream().filter(Campaign::confirmed).count();
      o.printf(
          Locale.ROOT,
          "campaigns: %,d (%,d confirmed, %,d accounts in them)%n",
          campaigns.size(),
          confirmed,
          campaigns.stream().mapToLong(c -> c.members().size()).sum());
      campaigns.stream()
          .sorted(Comparator.comparingInt((Campaign c) -> -c.members().size()))
          .limit(Math.min(top, 5))
          .forEach(
              c ->
                  o.printf(
                      Locale.ROOT,
                      "  %-14s %-12s %6.3f %,6d accounts %,9d requests  %s%n",
                      c.id(),
                      c.confirmed() ? "distillation" : "suspicious",
                      c.score(),
                      c.members().size(),
                      c.requests(),
                      topIndicators(c)));
    }
    List<Assessment> flagged =
        all.stream()
            .filter(x -> x.verdict() != Verdict.BENIGN)
            .sorted(ReportWriter.MOST_SEVERE_FIRST)
            .limit(top)
            .toList();
    if (!flagged.isEmpty()) {
      o.println();
      o.printf(
          Locale.ROOT,
          "%-24s %-12s %6s %9s %8s  %s%n",
          "account",
          "verdict",
          "score",
          "requests",
          "flagged",
          "top reasons");
      for (Assessment x : flagged) {
        o.printf(
            Locale.ROOT,
            "%-24s %-12s %6.3f %,9d %8s  %s%n",
            abbreviate(x.account(), 24),
            x.verdict().id(),
            x.score(),
            x.requests(),
            x.flagged() ? Long.toString(x.flaggedAfter()) : "-",
            topReasons(x.reasons()));
      }
    }
    o.println();
    o.println("wrote " + out.resolve("verdicts.jsonl") + ", campaigns.jsonl, report.html");
    o.flush();
  }

  private static String topIndicators(Campaign c) {
    StringBuilder sb = new StringBuilder();
    for (Campaign.Indicator i : c.indicators()) {
      if (sb.length() > 60) {
        break;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(i.type()).append(' ').append(abbreviate(i.value(), 22));
    }
    return sb.toString();
  }

  private static String topReasons(List<Reason> reasons) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Reason r : reasons) {
      if (r.contribution() <= 0) {
        continue;
      }
      if (shown++ == 3) {
        break;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(r.signal());
    }
    return sb.toString();
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
