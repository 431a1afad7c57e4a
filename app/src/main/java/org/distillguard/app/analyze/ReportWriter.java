package org.distillguard.app.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.app.Main;
import org.distillguard.app.report.HtmlReport;
import org.distillguard.app.report.ReportData;
import org.distillguard.app.report.Timeline;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Verdict;

/** Builds {@link ReportData} from an analysis and writes report.html. */
final class ReportWriter {
  private ReportWriter() {}

  /** Flagged and suspicious accounts first, then by score; the report lists the first few. */
  static final Comparator<Assessment> MOST_SEVERE_FIRST =
      Comparator.comparing(Assessment::verdict)
          .reversed()
          .thenComparing(Comparator.comparingDouble(Assessment::score).reversed())
          .thenComparing(Assessment::account);

  static void write(
      Analysis analysis, List<Assessment> all, List<String> inputs, int accounts, Path target)
      throws IOException {
    List<Assessment> top = all.stream().sorted(MOST_SEVERE_FIRST).limit(accounts).toList();
    Map<String, Timeline> timelines = new LinkedHashMap<>();
    for (Assessment a : top) {
      TimelineRecorder.Line line = analysis.timelines().get(a.account());
      if (line != null && a.verdict() != Verdict.BENIGN) {
        timelines.put(a.account(), new Timeline(line.times(), line.scores(), line.requests()));
      }
    }
    double[] histogram = new double[ReportData.BINS];
    for (Assessment a : all) {
      histogram[Math.min(ReportData.BINS - 1, (int) (a.score() * ReportData.BINS))]++;
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    analysis.verdictCounts().forEach((v, n) -> counts.put(v.id(), n));
    ReportData data =
        new ReportData(
            "DistillGuard analysis",
            "distillguard analyze "
                + new Main.Version().getVersion()[0].replace("distillguard ", ""),
            inputs,
            analysis.events,
            analysis.invalid,
            all.size(),
            analysis.firstEvent,
            analysis.lastEvent,
            counts,
            top,
            timelines,
            List.of(),
            histogram,
            null);
    AnalyzeCommand.writeAtomically(target, w -> HtmlReport.write(data, w));
  }
}
