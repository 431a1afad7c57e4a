package org.distillguard.core.detect;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * An account's standing after the requests seen so far.
 *
 * <p>{@code verdict} never goes down within a run: an account that once reached {@code
 * distillation} stays there (an analyst, not the detector, clears it), and {@code score} is the
 * highest score reached, the one that {@code reasons} explain.
 *
 * @param requests requests of this account seen so far
 * @param flaggedAfter the number of requests seen when the account first reached {@code
 *     distillation}, or {@code -1}
 * @param flaggedAtMillis the time of that request, or {@link Exchange#NO_TIME}
 * @param firstSeenMillis the time of the account's first request
 * @param lastSeenMillis the time of the account's latest request
 * @param reasons the signals behind {@code score}, largest contribution first
 * @param campaign the id of the campaign the account was linked into, or null
 */
public record Assessment(
    String account,
    Verdict verdict,
    double score,
    long requests,
    long flaggedAfter,
    long flaggedAtMillis,
    long firstSeenMillis,
    long lastSeenMillis,
    List<Reason> reasons,
    @Nullable String campaign) {

  public Assessment {
    reasons = List.copyOf(reasons);
  }

  public boolean flagged() {
    return flaggedAfter >= 0;
  }
}
