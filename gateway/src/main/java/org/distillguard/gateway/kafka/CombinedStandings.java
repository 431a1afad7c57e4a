package org.distillguard.gateway.kafka;

import org.distillguard.gateway.policy.Policy;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.policy.Standings;
import org.jspecify.annotations.Nullable;

/**
 * The local inline detector's standings and the detector job's decisions as one: for an account
 * both know, the one the policy treats more severely wins (ties go to the local one). Manual lists
 * come before either in {@link Policy#decide}, so a manual allow still wins over both.
 */
public final class CombinedStandings implements Standings {
  private final Standings local;
  private final DecisionBook book;
  private final Policy policy;

  public CombinedStandings(Standings local, DecisionBook book, Policy policy) {
    this.local = local;
    this.book = book;
    this.policy = policy;
  }

  @Override
  public @Nullable Standing standing(String account) {
    Standing a = local.standing(account);
    Standing b = book.standing(account);
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return policy.decide(null, b).action().ordinal() > policy.decide(null, a).action().ordinal()
        ? b
        : a;
  }
}
