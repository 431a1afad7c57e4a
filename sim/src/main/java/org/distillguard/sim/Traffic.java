package org.distillguard.sim;

import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * One simulated account: a lazy stream of its exchanges in time order.
 *
 * <p>This is the one interface every population implements. An implementation keeps only what it
 * needs to produce the next request (a clock, the conversation in progress, a cursor into its
 * prompts), never a list of future events: that is what lets the simulator stream any number of
 * events with memory proportional to the number of accounts.
 */
interface Traffic {
  /** The next exchange, or {@code null} when the account is done. Times never decrease. */
  @Nullable Exchange next();

  /** Ground truth for this account; complete once {@link #next()} has returned {@code null}. */
  Label label();
}
