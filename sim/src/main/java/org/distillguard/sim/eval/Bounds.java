package org.distillguard.sim.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Acceptance limits for an {@link Evaluation}; a limit left out (null) is not checked.
 *
 * <pre>{"recall_min":0.95,"fpr_people_apps_max":0.005,"fpr_pipelines_benchmarks_max":0.02,
 *  "leakage_max":0.10,"median_requests_to_flag_single_max":50}</pre>
 *
 * A figure that cannot be measured (no account in its group) fails its bound: an evaluation that
 * did not look cannot pass.
 */
public record Bounds(
    @Nullable Double recallMin,
    @Nullable Double fprPeopleAppsMax,
    @Nullable Double fprPipelinesBenchmarksMax,
    @Nullable Double leakageMax,
    @Nullable Double medianRequestsToFlagSingleMax,
    @Nullable Double campaignCoverageMin,
    @Nullable Double benignInDistillerCampaignsMax,
    @Nullable Double lateHeadsMedianRequestsToFlagMax) {

  /** The five detection bounds, without campaign bounds. */
  public Bounds(
      @Nullable Double recallMin,
      @Nullable Double fprPeopleAppsMax,
      @Nullable Double fprPipelinesBenchmarksMax,
      @Nullable Double leakageMax,
      @Nullable Double medianRequestsToFlagSingleMax) {
    this(
        recallMin,
        fprPeopleAppsMax,
        fprPipelinesBenchmarksMax,
        leakageMax,
        medianRequestsToFlagSingleMax,
        null,
        null,
        null);
  }

  /**
   * The outcome of one bound.
   *
   * @param name the bound's key in the bounds file
   * @param limit the limit
   * @param actual the measured figure, NaN if it could not be measured
   * @param pass whether the figure is within the limit
   */
  public record Check(String name, double limit, double actual, boolean pass) {}

  /**
   * Reads a bounds file.
   *
   * @throws EvalInputException if it is not a JSON object of known keys with numeric values
   */
  public static Bounds parse(Reader in, String file) throws IOException, EvalInputException {
    JsonNode root;
    try {
      root = JsonLines.MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new EvalInputException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new EvalInputException(file + ": expected a JSON object of bounds");
    }
    Double[] v = new Double[8];
    List<String> keys =
        List.of(
            "recall_min",
            "fpr_people_apps_max",
            "fpr_pipelines_benchmarks_max",
            "leakage_max",
            "median_requests_to_flag_single_max",
            "campaign_coverage_min",
            "benign_in_distiller_campaigns_max",
            "late_heads_median_requests_to_flag_max");
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      int i = keys.indexOf(e.getKey());
      if (i < 0) {
        throw new EvalInputException(
            file + ": unknown bound \"" + e.getKey() + "\"; known: " + String.join(", ", keys));
      }
      if (e.getValue().isNull()) {
        continue;
      }
      if (!e.getValue().isNumber()) {
        throw new EvalInputException(file + ": bound \"" + e.getKey() + "\" is not a number");
      }
      v[i] = e.getValue().asDouble();
    }
    return new Bounds(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
  }

  /** Checks every bound that is set, in the file's documented order. */
  public List<Check> check(Evaluation e) {
    List<Check> out = new ArrayList<>();
    min(out, "recall_min", recallMin, e.distillers().distillationRate());
    max(out, "fpr_people_apps_max", fprPeopleAppsMax, e.peopleAndApps().distillationRate());
    max(
        out,
        "fpr_pipelines_benchmarks_max",
        fprPipelinesBenchmarksMax,
        e.pipelinesAndBenchmarks().distillationRate());
    max(out, "leakage_max", leakageMax, e.distillers().leakage());
    max(
        out,
        "median_requests_to_flag_single_max",
        medianRequestsToFlagSingleMax,
        e.singleAccountDistillers().medianRequestsToFlag());
    CampaignFigures c = e.campaigns();
    min(out, "campaign_coverage_min", campaignCoverageMin, c.minCoverage());
    max(
        out,
        "benign_in_distiller_campaigns_max",
        benignInDistillerCampaignsMax,
        c.benignInDistillerCampaigns());
    max(
        out,
        "late_heads_median_requests_to_flag_max",
        lateHeadsMedianRequestsToFlagMax,
        c.lateHeadsMedianRequestsToFlag());
    return out;
  }

  /** True if every set bound passes. */
  public boolean passes(Evaluation e) {
    return check(e).stream().allMatch(Check::pass);
  }

  private static void min(List<Check> out, String name, @Nullable Double limit, double actual) {
    if (limit != null) {
      out.add(new Check(name, limit, actual, !Double.isNaN(actual) && actual >= limit));
    }
  }

  private static void max(List<Check> out, String name, @Nullable Double limit, double actual) {
    if (limit != null) {
      out.add(new Check(name, limit, actual, !Double.isNaN(actual) && actual <= limit));
    }
  }
}
