package org.distillguard.app.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.detect.Assessment;
import org.distillguard.sim.eval.Evaluation;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link HtmlReport} shows. The caller decides what is worth showing (it caps {@code
 * topAccounts}); the report only lays it out.
 *
 * @param title page title
 * @param generatedBy tool and version, e.g. {@code distillguard analyze 0.1.0}
 * @param inputs input file names
 * @param events valid events read
 * @param invalidLines input lines skipped as invalid
 * @param accounts accounts seen
 * @param firstEventMillis time of the first event, or {@code Exchange.NO_TIME} if none
 * @param lastEventMillis time of the last event, or {@code Exchange.NO_TIME} if none
 * @param verdictCounts verdict id ({@code benign}, {@code suspicious}, {@code distillation}) to
 *     account count
 * @param topAccounts the accounts to list: flagged and suspicious first, highest score first,
 *     already capped
 * @param timelines account to timeline, for (some of) the top accounts
 * @param campaigns linked campaigns; may be empty
 * @param scoreHistogram counts of final scores in 20 equal bins over [0, 1]
 * @param evaluation figures of {@code distillguard evaluate}, shown when present
 */
@SuppressWarnings("ArrayRecordComponent") // 20 counts, never compared
public record ReportData(
    String title,
    String generatedBy,
    List<String> inputs,
    long events,
    long invalidLines,
    long accounts,
    long firstEventMillis,
    long lastEventMillis,
    Map<String, Long> verdictCounts,
    List<Assessment> topAccounts,
    Map<String, Timeline> timelines,
    List<CampaignView> campaigns,
    double[] scoreHistogram,
    @Nullable Evaluation evaluation) {

  /** Bins of {@link #scoreHistogram}. */
  public static final int BINS = 20;

  public ReportData {
    inputs = List.copyOf(inputs);
    verdictCounts = Map.copyOf(verdictCounts);
    topAccounts = List.copyOf(topAccounts);
    timelines = Map.copyOf(new LinkedHashMap<>(timelines));
    campaigns = List.copyOf(campaigns);
    scoreHistogram = scoreHistogram.clone();
  }
}
