package org.distillguard.app.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.app.Main;
import org.distillguard.app.report.CampaignView;
import org.distillguard.app.report.HtmlReport;
import org.distillguard.app.report.ReportData;
import org.distillguard.app.report.Timeline;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.link.Campaign;

/** Builds {@link ReportData} from an analysis and writes report.html. */
final class ReportWriter {
  private ReportWriter() {}

  /** Flagged and suspicious accounts first, then by score; the report lists the first few. */
  static final Comparator<Assessment> MOST_SEVERE_FIRST =
      Comparator.comparing(Assessment::verdict)
          .reversed()
          .thenComparing(Comparator.comparingDouble(Assessment::score).reversed())
          .thenComparing(Assessment::account);

  /** Confirmed campaigns first, then the largest. */
  static final Comparator<Campaign> LARGEST_FIRST =
      Comparator.comparing((Campaign c) -> !c.confirmed())
          .thenComparing(c -> -c.members().size())
          .thenComparing(c -> -c.score());

  static CampaignView view(Campaign c) {
    return new CampaignView(
        c.id(),
        c.accounts(),
        c.requests(),
        c.firstSeenMillis(),
        c.lastSeenMillis(),
        c.score(),
        c.indicators().stream()
            .map(i -> i.type() + " " + i.value() + " (" + i.accounts() + " accounts)")
            .toList(),
        c.reasons().stream()
            .filter(f -> !f.signal().startsWith("linked_by_"))
            .map(f -> new Reason(f.signal(), f.value(), f.contribution()))
            .toList(),
        c.confirmed() ? c.confirmedAtMillis() : Long.MIN_VALUE,
        c.members().stream().mapToLong(Campaign.Member::joinedAtMillis).toArray(),
        linkSummary(c));
  }

  /** Members per kind of evidence of their first link, most common first. */
  private static Map<String, Integer> linkSummary(Campaign c) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (Campaign.Member m : c.members()) {
      for (String kind : m.linkedBy()) {
        counts.merge(kind, 1, Integer::sum);
      }
    }
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  static void write(
      Analysis analysis,
      List<Assessment> all,
      List<Campaign> campaigns,
      List<String> inputs,
      int accounts,
      Path target)
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
            campaigns.stream().sorted(LARGEST_FIRST).map(ReportWriter::view).toList(),
            histogram,
            null);
    AnalyzeCommand.writeAtomically(target, w -> HtmlReport.write(data, w));
  }
}
