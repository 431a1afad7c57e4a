package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;

/**
 * A capability sweep: the operator probes every domain a general student model needs (code, math,
 * writing, translation, tool use, roleplay, other languages, safety-sensitive requests) in rapid
 * rotation. No person's interests are that broad within an hour; topic entropy is the signal.
 */
final class SweepTraffic extends MachineTraffic {
  private static final Purpose[] DOMAINS = {
    Purpose.CODE,
    Purpose.REASONING,
    Purpose.DISTILL,
    Purpose.TOOL_USE,
    Purpose.ROLEPLAY,
    Purpose.CHINESE,
    Purpose.SAFETY,
    Purpose.TASK_TEMPLATES,
    Purpose.DISTILL
  };
  private static final String[] LANGUAGES = {"French", "German", "Spanish", "Japanese", "Arabic"};

  private final PromptCorpus corpus;
  private final Params params;

  SweepTraffic(Account a, PopulationSpec spec) {
    this(a, spec, soloDistiller(a, spec));
  }

  private SweepTraffic(Account a, PopulationSpec spec, long[] window) {
    super(
        a,
        window[0],
        window[1],
        Rng.uniform(a.rng, spec.param("requests_per_hour")),
        Long.MAX_VALUE);
    corpus = a.world.corpus();
    params =
        Params.NONE
            .withMaxTokens(Rng.tokenBudget(a.rng, spec.param("max_tokens")))
            .withTemperature(0.7);
  }

  @Override
  Exchange request(long t) {
    int d = a.rng.nextInt(DOMAINS.length + 1);
    String text;
    if (d == DOMAINS.length) { // translation: any distillation prompt, into another language
      text =
          "Translate the following into "
              + Rng.pick(a.rng, LANGUAGES)
              + ":\n\n"
              + Rng.pick(a.rng, corpus.pool(Purpose.DISTILL)).text();
    } else {
      List<Prompt> pool = corpus.pool(DOMAINS[d]);
      text = Rng.pick(a.rng, pool).text();
    }
    return a.emit(t, Dialog.single(null, text), params, null, 700, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "sweep", true, null, null);
  }
}
