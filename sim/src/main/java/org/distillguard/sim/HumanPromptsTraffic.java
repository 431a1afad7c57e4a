package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * Harvesting with real human prompts, as Vicuna did with ShareGPT: organic prompts (whole
 * multi-turn conversations where the set has them) replayed at machine rate. Prompt-level signals
 * see nothing unusual; timing and volume do.
 */
final class HumanPromptsTraffic extends MachineTraffic {
  private final List<Prompt> prompts;
  private final int step;
  private final Params params;
  private long cursor;
  private @Nullable Prompt current;
  private @Nullable String conversation;
  private int turn;

  HumanPromptsTraffic(Account a, PopulationSpec spec) {
    this(a, spec, soloDistiller(a, spec));
  }

  private HumanPromptsTraffic(Account a, PopulationSpec spec, long[] window) {
    super(
        a,
        window[0],
        window[1],
        Rng.uniform(a.rng, spec.param("requests_per_hour")),
        Long.MAX_VALUE);
    prompts = a.world.corpus().pool(Purpose.ORGANIC);
    step = Rng.coprimeStep(a.rng, prompts.size());
    cursor = a.rng.nextInt(prompts.size());
    params =
        Params.NONE
            .withMaxTokens(Rng.tokenBudget(a.rng, spec.param("max_tokens")))
            .withTemperature(1.0);
  }

  @Override
  Exchange request(long t) {
    Prompt p = current;
    if (p == null || turn + 1 >= p.turns().size()) {
      p = prompts.get((int) Math.floorMod(cursor, (long) prompts.size()));
      cursor += step;
      current = p;
      turn = 0;
      conversation = p.turns().size() > 1 ? a.conversationId() : null;
    } else {
      turn++;
    }
    return a.emit(t, Dialog.turn(null, p.turns(), turn), params, conversation, 600, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "human_prompts", true, null, null);
  }
}
