package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;

/**
 * Single-account bulk harvesting: a distillation set walked prompt by prompt at a high steady rate,
 * large {@code max_tokens}, sometimes log-probabilities (soft labels for the student). The easy
 * case: every signal points the same way.
 */
final class BulkTraffic extends MachineTraffic {
  private final List<Prompt> prompts;
  private final int step;
  private long cursor;
  private final Params params;
  private final String klass;

  BulkTraffic(
      Account a, long start, long end, double perHour, Params params, Purpose pool, String klass) {
    super(a, start, end, perHour, Long.MAX_VALUE);
    this.prompts = a.world.corpus().pool(pool);
    this.step = Rng.coprimeStep(a.rng, prompts.size());
    this.cursor = a.rng.nextInt(prompts.size());
    this.params = params;
    this.klass = klass;
  }

  static BulkTraffic create(Account a, PopulationSpec spec) {
    long[] window = soloDistiller(a, spec);
    var r = a.rng;
    boolean logprobs = Rng.chance(r, spec.param("logprobs_probability").min());
    Params p =
        Params.NONE
            .withMaxTokens(Rng.tokenBudget(r, spec.param("max_tokens")))
            .withTemperature(Rng.pick(r, List.of(0.7, 1.0)))
            .withLogprobs(logprobs ? Boolean.TRUE : null)
            .withTopLogprobs(logprobs ? Rng.pick(r, List.of(5, 20)) : null);
    return new BulkTraffic(
        a,
        window[0],
        window[1],
        Rng.uniform(r, spec.param("requests_per_hour")),
        p,
        Purpose.DISTILL,
        "bulk");
  }

  @Override
  Exchange request(long t) {
    Prompt p = prompts.get((int) Math.floorMod(cursor, (long) prompts.size()));
    cursor += step;
    return a.emit(t, Dialog.single(null, p.text()), params, null, 800, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, klass, true, null, null);
  }
}
