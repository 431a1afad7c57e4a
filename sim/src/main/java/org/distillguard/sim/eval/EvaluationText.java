package org.distillguard.sim.eval;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/** Human and plot-friendly renderings of an {@link Evaluation}: the stdout table and CSV files. */
public final class EvaluationText {
  private EvaluationText() {}

  /** The table printed by {@code distillguard evaluate}. */
  public static String table(Evaluation e) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Evaluated %d accounts (%d labelled, %d with a verdict)%n%n",
            e.evaluatedAccounts(),
            e.labelledAccounts(),
            e.verdictAccounts()));
    String head =
        String.format(
            Locale.ROOT,
            "%-26s %8s %9s %9s %8s %8s %9s%n",
            "distilling class",
            "accounts",
            "recall",
            ">=susp.",
            "med.RTF",
            "p90 RTF",
            "leakage");
    b.append(head);
    for (Group g : e.classes()) {
      if (g.distill()) {
        distillRow(b, g);
      }
    }
    distillRow(b, e.singleAccountDistillers());
    distillRow(b, e.distillers());
    b.append(
        String.format(
            Locale.ROOT,
            "%n%-26s %8s %9s %9s %9s%n",
            "benign class",
            "accounts",
            "FPR",
            "susp.",
            ">=susp."));
    for (Group g : e.classes()) {
      if (!g.distill()) {
        benignRow(b, g);
      }
    }
    benignRow(b, e.peopleAndApps());
    benignRow(b, e.pipelinesAndBenchmarks());
    benignRow(b, e.benign());
    if (e.distillers().flaggedBeforeSwitch() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nTurncoats flagged before they switched (false positive on the benign phase):"
                  + " %d%n",
              e.distillers().flaggedBeforeSwitch()));
    }
    CampaignFigures c = e.campaigns();
    b.append(
        String.format(
            Locale.ROOT,
            "%nCampaigns: %d true, %d detected; coverage mean %s, min %s;"
                + " benign accounts in campaigns with distillers: %d%n",
            c.trueCampaigns(),
            c.detectedCampaigns(),
            pct(c.meanCoverage()),
            pct(c.minCoverage()),
            c.benignInDistillerCampaigns()));
    if (c.lateHeads() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "Accounts that joined after their campaign was confirmed: %d, flagged %d;"
                  + " median RTF %s, p90 %s%n",
              c.lateHeads(),
              c.lateHeadsFlagged(),
              num(c.lateHeadsMedianRequestsToFlag()),
              num(c.lateHeadsP90RequestsToFlag())));
    }
    b.append("\nRTF = requests to flag (distilling requests up to the flag).\n");
    return b.toString();
  }

  private static void distillRow(StringBuilder b, Group g) {
    b.append(
        String.format(
            Locale.ROOT,
            "%-26s %8d %9s %9s %8s %8s %9s%n",
            g.name(),
            g.accounts(),
            pct(g.distillationRate()),
            pct(g.atLeastSuspiciousRate()),
            num(g.medianRequestsToFlag()),
            num(g.p90RequestsToFlag()),
            pct(g.leakage())));
  }

  private static void benignRow(StringBuilder b, Group g) {
    b.append(
        String.format(
            Locale.ROOT,
            "%-26s %8d %9s %9s %9s%n",
            g.name(),
            g.accounts(),
            pct(g.distillationRate()),
            pct(g.suspiciousRate()),
            pct(g.atLeastSuspiciousRate())));
  }

  /** A share as a percentage with two decimals, or {@code -} when not measurable. */
  public static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", v * 100);
  }

  /** A count-like figure, one decimal only when needed, {@code -} when not measurable. */
  public static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%d", (long) v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Header and rows of {@code classes.csv}: one row per class and aggregate. */
  public static void classesCsv(Evaluation e, Writer out) throws IOException {
    out.write(
        "group,distill,accounts,distillation,suspicious,distillation_rate,suspicious_rate,"
            + "at_least_suspicious_rate,flagged,median_requests_to_flag,p90_requests_to_flag,"
            + "exposed_requests,leaked_requests,leakage,flagged_before_switch\n");
    for (Group g : e.classes()) {
      csvRow(out, g);
    }
    for (Group g :
        List.of(
            e.singleAccountDistillers(),
            e.distillers(),
            e.peopleAndApps(),
            e.pipelinesAndBenchmarks(),
            e.benign())) {
      csvRow(out, g);
    }
  }

  /**
   * {@code requests_to_flag.csv}: one row per flagged distiller, {@code class,requests_to_flag}.
   */
  public static void requestsToFlagCsv(Evaluation e, Writer out) throws IOException {
    out.write("class,requests_to_flag\n");
    for (Group g : e.classes()) {
      if (g.distill()) {
        for (long v : g.requestsToFlag()) {
          out.write(csv(g.name()) + "," + v + "\n");
        }
      }
    }
  }

  private static void csvRow(Writer out, Group g) throws IOException {
    out.write(
        String.join(
                ",",
                csv(g.name()),
                Boolean.toString(g.distill()),
                Long.toString(g.accounts()),
                Long.toString(g.distillation()),
                Long.toString(g.suspicious()),
                csvNum(g.distillationRate()),
                csvNum(g.suspiciousRate()),
                csvNum(g.atLeastSuspiciousRate()),
                Integer.toString(g.requestsToFlag().size()),
                csvNum(g.medianRequestsToFlag()),
                csvNum(g.p90RequestsToFlag()),
                Long.toString(g.exposedRequests()),
                Long.toString(g.leakedRequests()),
                csvNum(g.leakage()),
                Long.toString(g.flaggedBeforeSwitch()))
            + "\n");
  }

  private static String csvNum(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
