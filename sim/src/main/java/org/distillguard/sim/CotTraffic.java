package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;

/**
 * Chain-of-thought harvesting: reasoning prompts with an instruction to show every step, {@code
 * reasoning_effort: high} and a huge output budget, to capture the teacher's reasoning traces.
 */
final class CotTraffic extends MachineTraffic {
  static final String[] SUFFIXES = {
    "\n\nLet's think step by step.",
    "\n\nShow your reasoning step by step before giving the final answer.",
    "\n\nExplain your reasoning in detail, then state the final answer on its own line.",
    "\n\nThink carefully and write out every intermediate step.",
  };

  private final List<Prompt> prompts;
  private final int step;
  private final String suffix;
  private final Params params;
  private long cursor;

  CotTraffic(Account a, PopulationSpec spec) {
    this(a, spec, soloDistiller(a, spec));
  }

  private CotTraffic(Account a, PopulationSpec spec, long[] window) {
    super(
        a,
        window[0],
        window[1],
        Rng.uniform(a.rng, spec.param("requests_per_hour")),
        Long.MAX_VALUE);
    prompts = a.world.corpus().pool(Purpose.REASONING);
    step = Rng.coprimeStep(a.rng, prompts.size());
    cursor = a.rng.nextInt(prompts.size());
    suffix = Rng.pick(a.rng, SUFFIXES); // one operator, one template
    params =
        Params.NONE
            .withMaxTokens(Rng.tokenBudget(a.rng, spec.param("max_tokens")))
            .withReasoningEffort("high");
  }

  @Override
  Exchange request(long t) {
    Prompt p = prompts.get((int) Math.floorMod(cursor, (long) prompts.size()));
    cursor += step;
    long reasoning = Math.round(Rng.logNormal(a.rng, 3000, 0.7));
    if (params.maxTokens() != null) {
      reasoning = Math.min(reasoning, params.maxTokens() / 2);
    }
    return a.emit(t, Dialog.single(null, p.text() + suffix), params, null, 900, reasoning);
  }

  @Override
  public Label label() {
    return new Label(a.id, "cot", true, null, null);
  }
}
