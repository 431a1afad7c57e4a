package org.distillguard.sim.eval;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How well detected campaigns recover the true ones.
 *
 * @param trueCampaigns campaigns in the labels with at least one evaluated account
 * @param detectedCampaigns distinct detected campaign ids among evaluated accounts
 * @param meanCoverage mean of {@link Coverage#coverage()} over true campaigns; NaN if none
 * @param minCoverage the smallest coverage; NaN if none
 * @param benignInDistillerCampaigns benign accounts placed in a detected campaign that also holds
 *     at least one distiller
 * @param perCampaign one entry per true campaign, by id
 * @param lateHeads evaluated accounts of a true campaign that first appeared after the campaign was
 *     confirmed (its largest detected campaign's {@code confirmed_at}); the hydra's new heads
 * @param lateHeadsFlagged those of them flagged as distillation
 * @param lateHeadsRequestsToFlag requests to flag of the flagged late heads, ascending
 */
public record CampaignFigures(
    long trueCampaigns,
    long detectedCampaigns,
    double meanCoverage,
    double minCoverage,
    long benignInDistillerCampaigns,
    List<Coverage> perCampaign,
    long lateHeads,
    long lateHeadsFlagged,
    List<Long> lateHeadsRequestsToFlag) {

  public CampaignFigures {
    perCampaign = List.copyOf(perCampaign);
    lateHeadsRequestsToFlag = List.copyOf(lateHeadsRequestsToFlag);
  }

  /** Median requests to flag of the flagged late heads; NaN if none. */
  public double lateHeadsMedianRequestsToFlag() {
    return Group.median(lateHeadsRequestsToFlag);
  }

  /** 90th percentile (nearest rank) of the same; NaN if none. */
  public double lateHeadsP90RequestsToFlag() {
    return Group.percentile(lateHeadsRequestsToFlag, 0.9);
  }

  /**
   * One true campaign's coverage.
   *
   * @param id the true campaign id
   * @param accounts its evaluated accounts
   * @param largestDetected the detected campaign holding most of them, or null if none is
   * @param inLargest how many of its accounts that detected campaign holds
   */
  public record Coverage(
      String id, long accounts, @Nullable String largestDetected, long inLargest) {
    /** {@code inLargest / accounts}. */
    public double coverage() {
      return Group.ratio(inLargest, accounts);
    }
  }
}
