package org.distillguard.app.report;

import java.util.List;
import java.util.Map;
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
 * @param confirmedAtMillis when the campaign was confirmed (its members flagged on its evidence),
 *     or {@code Long.MIN_VALUE} if it was not
 * @param joinTimes when each member joined, ascending: the campaign's size over time
 * @param linkedBy how many members were first linked by each kind of evidence, most first: a
 *     summary of the evidence graph
 */
public record CampaignView(
    String id,
    List<String> accounts,
    long requests,
    long firstSeenMillis,
    long lastSeenMillis,
    double score,
    List<String> sharedIndicators,
    List<Reason> reasons,
    long confirmedAtMillis,
    long[] joinTimes,
    Map<String, Integer> linkedBy) {
  public CampaignView {
    accounts = List.copyOf(accounts);
    sharedIndicators = List.copyOf(sharedIndicators);
    reasons = List.copyOf(reasons);
    joinTimes = joinTimes.clone();
    java.util.Arrays.sort(joinTimes);
    linkedBy = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(linkedBy));
  }

  /** A campaign without a timeline or link summary (confirmed never). */
  public CampaignView(
      String id,
      List<String> accounts,
      long requests,
      long firstSeenMillis,
      long lastSeenMillis,
      double score,
      List<String> sharedIndicators,
      List<Reason> reasons) {
    this(
        id,
        accounts,
        requests,
        firstSeenMillis,
        lastSeenMillis,
        score,
        sharedIndicators,
        reasons,
        Long.MIN_VALUE,
        new long[0],
        Map.of());
  }

  public boolean confirmed() {
    return confirmedAtMillis != Long.MIN_VALUE;
  }

  @Override
  public long[] joinTimes() {
    return joinTimes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CampaignView c
        && id.equals(c.id)
        && accounts.equals(c.accounts)
        && requests == c.requests
        && firstSeenMillis == c.firstSeenMillis
        && lastSeenMillis == c.lastSeenMillis
        && Double.compare(score, c.score) == 0
        && sharedIndicators.equals(c.sharedIndicators)
        && reasons.equals(c.reasons)
        && confirmedAtMillis == c.confirmedAtMillis
        && java.util.Arrays.equals(joinTimes, c.joinTimes)
        && linkedBy.equals(c.linkedBy);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, accounts, requests, score, confirmedAtMillis)
        + 31 * java.util.Arrays.hashCode(joinTimes);
  }

  @Override
  public String toString() {
    return "CampaignView[" + id + ", " + accounts.size() + " accounts, score " + score + "]";
  }
}
