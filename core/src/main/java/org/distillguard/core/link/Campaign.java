package org.distillguard.core.link;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * A group of accounts linked into one operator's campaign, as reported in {@code campaigns.jsonl}.
 *
 * @param id stable within a run: {@code campaign-N}, numbered in the order campaigns became
 *     reportable
 * @param score the campaign's score (0..1), see {@link CampaignLinker}
 * @param confirmed whether the campaign reached the distillation threshold: its members are flagged
 *     on its evidence
 * @param confirmedAtMillis when it was confirmed, or {@link Exchange#NO_TIME}
 * @param members every linked account, in the order they joined
 * @param indicators values shared by at least two members, most shared first
 * @param reasons what the score is made of
 */
public record Campaign(
    String id,
    double score,
    boolean confirmed,
    long confirmedAtMillis,
    List<Member> members,
    long requests,
    long inputTokens,
    long outputTokens,
    long firstSeenMillis,
    long lastSeenMillis,
    List<Indicator> indicators,
    List<Factor> reasons) {

  public Campaign {
    members = List.copyOf(members);
    indicators = List.copyOf(indicators);
    reasons = List.copyOf(reasons);
  }

  /** The member accounts' ids, in joining order. */
  public List<String> accounts() {
    return members.stream().map(Member::account).toList();
  }

  /**
   * One member and how it was linked.
   *
   * @param joinedAtMillis when its first link was made
   * @param linkedBy the evidence kinds ({@link Evidence#id()}) of that first link
   * @param via the account it was first linked to, or null
   */
  public record Member(
      String account, long joinedAtMillis, List<String> linkedBy, @Nullable String via) {
    public Member {
      linkedBy = List.copyOf(linkedBy);
    }
  }

  /**
   * A value members share.
   *
   * @param type an {@link Evidence#id()}
   * @param value readable value: a CIDR, a payment fingerprint, a domain, a user agent, or the hex
   *     hash of a system prompt or template (never the prompt text)
   * @param accounts members holding it
   */
  public record Indicator(String type, String value, int accounts) {}

  /**
   * One part of a campaign's score.
   *
   * @param signal stable name
   * @param value the factor in its own unit
   * @param contribution its share of the score
   */
  public record Factor(String signal, double value, double contribution) {}
}
