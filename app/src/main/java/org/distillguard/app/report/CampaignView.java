package org.distillguard.app.report;

import java.util.List;
import org.distillguard.core.detect.Reason;

/**
 * A linked campaign as the report shows it.
 *
 * @param id the campaign id
 * @param accounts member accounts
 * @param requests requests of all members
 * @param firstSeenMillis first request of any member
 * @param lastSeenMillis latest request of any member
 * @param score the campaign's score, 0..1
 * @param sharedIndicators what links the members, readable (e.g. {@code ip 198.51.100.0/24})
 * @param reasons the signals behind the score, largest contribution first
 */
public record CampaignView(
    String id,
    List<String> accounts,
    long requests,
    long firstSeenMillis,
    long lastSeenMillis,
    double score,
    List<String> sharedIndicators,
    List<Reason> reasons) {
  public CampaignView {
    accounts = List.copyOf(accounts);
    sharedIndicators = List.copyOf(sharedIndicators);
    reasons = List.copyOf(reasons);
  }
}
