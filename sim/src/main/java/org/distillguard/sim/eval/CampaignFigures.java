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
 */
public record CampaignFigures(
    long trueCampaigns,
    long detectedCampaigns,
    double meanCoverage,
    double minCoverage,
    long benignInDistillerCampaigns,
    List<Coverage> perCampaign) {

  public CampaignFigures {
    perCampaign = List.copyOf(perCampaign);
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
