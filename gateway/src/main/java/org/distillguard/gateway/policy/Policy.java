package org.distillguard.gateway.policy;

import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.store.ListEntry;
import org.jspecify.annotations.Nullable;

/**
 * Maps what is known about a request's caller to an {@link Action}.
 *
 * <p>Order: a manual deny blocks; a manual allow allows (it overrides the detector, for known
 * customers whose traffic looks automated); otherwise the most severe of the action configured for
 * the account's verdict and the one configured for its campaign membership.
 *
 * <p>Campaign membership arrives through {@link Standing#campaign()}: the detector's campaign
 * linking names the campaign and says whether it is confirmed (docs/CAMPAIGNS.md); with {@code
 * detector.linking: false} it is always null and the campaign actions never fire.
 */
public final class Policy {
  private final Action onSuspicious;
  private final Action onDistillation;
  private final Action onCampaign;
  private final Action onCampaignConfirmed;

  public Policy(
      Action onSuspicious, Action onDistillation, Action onCampaign, Action onCampaignConfirmed) {
    this.onSuspicious = onSuspicious;
    this.onDistillation = onDistillation;
    this.onCampaign = onCampaign;
    this.onCampaignConfirmed = onCampaignConfirmed;
  }

  /** Decides for one request. */
  public Decision decide(@Nullable ListEntry listed, @Nullable Standing standing) {
    if (listed != null) {
      String why =
          "manual " + listed.list().id() + " of " + listed.kind().id() + " " + listed.subject();
      if (listed.list() == ListEntry.ListType.DENY) {
        return new Decision(Action.BLOCK, why, listed.ref());
      }
      return new Decision(Action.ALLOW, why, null);
    }
    if (standing == null) {
      return Decision.ALLOW;
    }
    Action a = Action.ALLOW;
    String why = "verdict " + standing.verdict().id();
    if (standing.verdict() == Verdict.DISTILLATION) {
      a = onDistillation;
    } else if (standing.verdict() == Verdict.SUSPICIOUS) {
      a = onSuspicious;
    }
    if (standing.campaign() != null) {
      Action c = standing.campaignConfirmed() ? onCampaignConfirmed : onCampaign;
      if (c.ordinal() > a.ordinal()) {
        a = c;
        why =
            (standing.campaignConfirmed() ? "confirmed campaign " : "campaign ")
                + standing.campaign();
      }
    }
    return a == Action.ALLOW ? Decision.ALLOW : new Decision(a, why, standing.ref());
  }
}
