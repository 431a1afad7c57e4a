package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a person at a keyboard: sessions that start at plausible local hours, each a few
 * conversations, each a few turns separated by think time.
 *
 * <p>Session starts are a non-homogeneous Poisson process sampled by thinning (Lewis and Shedler,
 * 1979): candidate times arrive at the peak rate and each is kept with probability {@link
 * #activity}. This needs no schedule in memory, only the current time: the generator state is a
 * clock, the conversation in progress and two counters.
 */
abstract class SessionTraffic implements Traffic {
  /** One conversation: its id, optional system prompt and all its user turns. */
  record Conversation(@Nullable String id, @Nullable String system, List<String> turns) {}

  final Account a;
  final long start;
  final long end;
  private long t;
  private @Nullable Conversation conv;
  private int turn;
  private int conversationsLeft;

  SessionTraffic(Account a, long start, long end) {
    this.a = a;
    this.start = start;
    this.end = end;
    this.t = start;
  }

  /** Peak session starts per hour; {@link #activity} scales it down. */
  abstract double peakSessionsPerHour();

  /** Relative session-start rate at {@code t}, from 0 (never) to 1 (peak). */
  abstract double activity(long t);

  abstract int conversationsPerSession();

  abstract Conversation newConversation(long t);

  /** Think and typing time before the next turn of the same conversation. */
  abstract long thinkMillis();

  abstract Exchange request(long t, Conversation c, int turn);

  /** Called at the start of each session (e.g. to pick the network the person is on). */
  void onSessionStart(long t) {}

  /** Pause between two conversations of one session. */
  long gapMillis() {
    return Math.round(Rng.logUniform(a.rng, 20_000, 600_000));
  }

  @Override
  public @Nullable Exchange next() {
    long when;
    Conversation c = conv;
    if (c != null && turn + 1 < c.turns().size()) {
      turn++;
      when = t + thinkMillis();
    } else if (conversationsLeft > 0) {
      conversationsLeft--;
      c = newConversation(t);
      turn = 0;
      when = t + gapMillis();
    } else {
      when = nextSessionStart(t);
      if (when >= end) {
        return null;
      }
      onSessionStart(when);
      conversationsLeft = Math.max(0, conversationsPerSession() - 1);
      c = newConversation(when);
      turn = 0;
    }
    if (when >= end) {
      return null;
    }
    conv = c;
    t = when;
    return request(when, c, turn);
  }

  private long nextSessionStart(long from) {
    double meanGapMillis = World.HOUR / peakSessionsPerHour();
    long s = from;
    while (true) {
      s += Math.max(1000, Math.round(Rng.exponential(a.rng, meanGapMillis)));
      if (s >= end) {
        return s;
      }
      if (a.rng.nextDouble() < activity(s)) {
        return s;
      }
    }
  }

  /** Whether the account uses the service at all on local day {@code day}. */
  static boolean dayActive(long salt, long day, double probability) {
    return Rng.unit(salt, day) < probability;
  }
}
