package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * Someone evaluating the model on a public test set: the set's questions in order at temperature 0,
 * short answers, once or twice (the second run often on another model), as fast as a small worker
 * pool goes. Systematic and bursty like a distiller, but small, and the output budget is tiny:
 * nobody trains a student on 32-token answers.
 */
final class BenchmarkTraffic implements Traffic {
  private final Account a;
  private final List<Prompt> set;
  private final int offset;
  private final int requests;
  private final int runs;
  private final double meanGapMillis;
  private final boolean completions;
  private final Params params;
  private final long[] runStarts;
  private int run;
  private int position;
  private long t;

  BenchmarkTraffic(Account a, PopulationSpec spec) {
    this.a = a;
    var r = a.rng;
    World w = a.world;
    boolean questions = Rng.chance(r, 0.6);
    this.set = w.corpus().pool(questions ? Purpose.QUESTIONS : Purpose.TASK_TEMPLATES);
    this.offset = r.nextInt(set.size());
    this.requests = Math.max(1, Rng.uniformInt(r, spec.param("requests")));
    this.runs = Math.max(1, Rng.uniformInt(r, spec.param("runs")));
    this.meanGapMillis = 1000 / Math.max(0.01, Rng.uniform(r, spec.param("requests_per_second")));
    this.completions = Rng.chance(r, 0.4);
    boolean logprobs = Rng.chance(r, spec.param("logprobs_probability").min());
    this.params =
        Params.NONE
            .withMaxTokens(questions ? 32 : 256)
            .withTemperature(0.0)
            .withLogprobs(logprobs ? Boolean.TRUE : null)
            .withTopLogprobs(logprobs ? 5 : null);
    long period = w.end() - w.start();
    this.runStarts = new long[runs];
    for (int i = 0; i < runs; i++) {
      long base = i == 0 ? w.start() : runStarts[i - 1];
      long room = Math.max(1, w.end() - base - (long) (requests * meanGapMillis));
      runStarts[i] =
          base
              + (i == 0 ? 0 : (long) (requests * meanGapMillis))
              + r.nextLong(Math.max(1, Math.min(room, period / 2)));
    }
    this.t = runStarts[0];
    a.ip = Rng.chance(r, 0.5) ? Infra.cloud(r) : Infra.office(r);
    a.userAgent = Rng.pick(r, "OpenAI/Python 1.54.0", "python-requests/2.32.3", "aiohttp/3.10.10");
    a.endpoint = completions ? "completions" : "chat.completions";
    a.baseModel = Rng.chance(r, 0.5) ? World.LARGE : World.SMALL;
    a.adoptsNewModel = true; // a second run is typically on the new model
    a.meta(
        w.start() - r.nextLong(10, 700) * World.DAY - r.nextLong(World.DAY),
        "pf-" + Rng.hex(r, 8),
        Rng.pick(r, "uni-research.example", "lab.example", "gmail.com"),
        Rng.pick(r, "tier-2", "tier-3"));
  }

  @Override
  public @Nullable Exchange next() {
    if (position >= requests) {
      run++;
      position = 0;
      if (run >= runs) {
        return null;
      }
      t = Math.max(t, runStarts[run]);
    }
    long when = t + Math.max(1, Math.round(Rng.exponential(a.rng, meanGapMillis)));
    if (when >= a.world.end()) {
      return null;
    }
    t = when;
    Prompt p = set.get((offset + position++) % set.size());
    String text = completions ? "Question: " + p.text() + "\nAnswer:" : p.text();
    return a.emit(
        when,
        Dialog.single(null, text),
        params,
        null,
        params.maxTokens() == null ? 32 : params.maxTokens() / 4.0,
        0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "benchmark", false, null, null);
  }
}
