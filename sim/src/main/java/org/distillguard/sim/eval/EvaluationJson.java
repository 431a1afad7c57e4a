package org.distillguard.sim.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes an {@link Evaluation} as one pretty-printed JSON document ({@code evaluation.json}).
 * Figures that cannot be measured (NaN) are written as {@code null}. Deterministic: same figures,
 * same bytes.
 */
public final class EvaluationJson {
  private EvaluationJson() {}

  /** Writes {@code e} and, if not null, the checked bounds. Does not close {@code out}. */
  public static void write(Evaluation e, List<Bounds.Check> checks, Writer out) throws IOException {
    try (JsonGenerator g = JsonLines.MAPPER.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // "\n" on every platform: same figures, same bytes.
      DefaultIndenter lf = new DefaultIndenter("  ", "\n");
      g.setPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(lf).withArrayIndenter(lf));
      g.writeStartObject();
      g.writeObjectFieldStart("inputs");
      g.writeNumberField("labelled_accounts", e.labelledAccounts());
      g.writeNumberField("verdict_accounts", e.verdictAccounts());
      g.writeNumberField("evaluated_accounts", e.evaluatedAccounts());
      g.writeNumberField("missing_verdicts", e.missingVerdicts());
      strings(g, "missing_verdict_examples", e.missingVerdictExamples());
      g.writeNumberField("unlabelled_verdicts", e.unlabelledVerdicts());
      strings(g, "unlabelled_examples", e.unlabelledExamples());
      g.writeNumberField("malformed_lines", e.malformedLines());
      g.writeArrayFieldStart("problems");
      for (Problem p : e.problems()) {
        g.writeStartObject();
        g.writeStringField("file", p.file());
        g.writeNumberField("line", p.line());
        g.writeStringField("reason", p.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();

      g.writeFieldName("distillers");
      group(g, e.distillers());
      g.writeFieldName("single_account_distillers");
      group(g, e.singleAccountDistillers());
      g.writeFieldName("people_and_apps");
      group(g, e.peopleAndApps());
      g.writeFieldName("pipelines_and_benchmarks");
      group(g, e.pipelinesAndBenchmarks());
      g.writeFieldName("benign");
      group(g, e.benign());
      g.writeArrayFieldStart("classes");
      for (Group c : e.classes()) {
        group(g, c);
      }
      g.writeEndArray();

      CampaignFigures c = e.campaigns();
      g.writeObjectFieldStart("campaigns");
      g.writeNumberField("true_campaigns", c.trueCampaigns());
      g.writeNumberField("detected_campaigns", c.detectedCampaigns());
      number(g, "mean_coverage", c.meanCoverage());
      number(g, "min_coverage", c.minCoverage());
      g.writeNumberField("benign_in_distiller_campaigns", c.benignInDistillerCampaigns());
      g.writeNumberField("late_heads", c.lateHeads());
      g.writeNumberField("late_heads_flagged", c.lateHeadsFlagged());
      number(g, "late_heads_median_requests_to_flag", c.lateHeadsMedianRequestsToFlag());
      number(g, "late_heads_p90_requests_to_flag", c.lateHeadsP90RequestsToFlag());
      g.writeArrayFieldStart("per_campaign");
      for (CampaignFigures.Coverage cov : c.perCampaign()) {
        g.writeStartObject();
        g.writeStringField("id", cov.id());
        g.writeNumberField("accounts", cov.accounts());
        g.writeStringField("largest_detected", cov.largestDetected());
        g.writeNumberField("in_largest", cov.inLargest());
        number(g, "coverage", cov.coverage());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();

      if (!checks.isEmpty()) {
        g.writeArrayFieldStart("bounds");
        for (Bounds.Check b : checks) {
          g.writeStartObject();
          g.writeStringField("bound", b.name());
          number(g, "limit", b.limit());
          number(g, "actual", b.actual());
          g.writeBooleanField("pass", b.pass());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void group(JsonGenerator g, Group x) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", x.name());
    g.writeBooleanField("distill", x.distill());
    g.writeNumberField("accounts", x.accounts());
    g.writeNumberField("distillation", x.distillation());
    g.writeNumberField("suspicious", x.suspicious());
    number(g, x.distill() ? "recall" : "false_positive_rate", x.distillationRate());
    number(g, "suspicious_rate", x.suspiciousRate());
    number(g, "at_least_suspicious_rate", x.atLeastSuspiciousRate());
    g.writeNumberField("requests", x.requests());
    if (x.distill()) {
      g.writeNumberField("flagged", x.requestsToFlag().size());
      number(g, "median_requests_to_flag", x.medianRequestsToFlag());
      number(g, "p90_requests_to_flag", x.p90RequestsToFlag());
      g.writeNumberField("exposed_requests", x.exposedRequests());
      g.writeNumberField("leaked_requests", x.leakedRequests());
      number(g, "leakage", x.leakage());
      g.writeNumberField("flagged_before_switch", x.flaggedBeforeSwitch());
    }
    g.writeEndObject();
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNullField(field);
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      g.writeNumberField(field, (long) v);
    } else {
      g.writeNumberField(field, Math.round(v * 1e6) / 1e6);
    }
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }
}
