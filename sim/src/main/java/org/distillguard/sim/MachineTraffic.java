package org.distillguard.sim;

import org.distillguard.core.event.Exchange;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a script: requests at a steady rate, around the clock, from {@code start} until
 * {@code end} or until its quota is spent. Gaps are uniform around the mean (a worker pool with a
 * fixed concurrency is far more regular than a Poisson process), with rare pauses for restarts.
 */
abstract class MachineTraffic implements Traffic {
  final Account a;
  private final long end;
  private final double meanGapMillis;
  private long t;
  private long remaining;

  MachineTraffic(Account a, long start, long end, double requestsPerHour, long quota) {
    this.a = a;
    this.end = end;
    this.meanGapMillis = World.HOUR / Math.max(requestsPerHour, 0.01);
    this.t = start;
    this.remaining = quota;
  }

  abstract Exchange request(long t);

  @Override
  public @Nullable Exchange next() {
    if (remaining <= 0) {
      return null;
    }
    long gap = Math.round(meanGapMillis * (0.5 + a.rng.nextDouble()));
    if (Rng.chance(a.rng, 0.002)) {
      gap += Math.round(Rng.logUniform(a.rng, 60_000, 1_800_000)); // crash, redeploy, resume
    }
    long when = t + Math.max(1, gap);
    if (when >= end) {
      remaining = 0;
      return null;
    }
    t = when;
    remaining--;
    return request(when);
  }

  /**
   * Sets up a lone distilling account (bulk, cot, sweep, human_prompts): an active window placed at
   * random in the period, an account created shortly before, scripted clients on rented servers.
   *
   * @return {@code {start, end}} of the active window
   */
  static long[] soloDistiller(Account a, PopulationSpec spec) {
    var r = a.rng;
    World w = a.world;
    long active = Math.round(Rng.uniform(r, spec.param("active_hours")) * World.HOUR);
    long period = w.end() - w.start();
    long start = w.start() + (active >= period ? 0 : r.nextLong(period - active));
    long created =
        start
            - Math.round(Rng.uniform(r, spec.param("account_age_days")) * World.DAY)
            - r.nextLong(World.HOUR, 12 * World.HOUR);
    a.meta(
        created,
        "pf-" + Rng.hex(r, 8),
        Rng.pick(r, Infra.THROWAWAY_EMAIL),
        Rng.pick(r, "tier-1", "tier-2", "tier-3"));
    a.ip = Rng.chance(r, 0.5) ? Infra.cloud(r) : Infra.vps(r);
    a.userAgent = Rng.pick(r, Infra.SCRIPT_CLIENTS);
    a.endpoint = Infra.endpointFor(a.userAgent, r);
    a.baseModel = World.LARGE;
    a.adoptsNewModel = Rng.chance(r, spec.param("new_model_switch_probability").min());
    a.adoptDelayMillis = r.nextLong(6 * World.HOUR); // distillers jump to a new model at once
    a.rate429 = 0.02; // they run into rate limits
    return new long[] {start, Math.min(w.end(), start + active)};
  }
}
