package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.sim.PromptCorpus.Prompt;

/**
 * One head of a hydra: a young account that sends its small slice of the campaign's partitioned
 * prompt walk, wrapped in the campaign's template, then goes quiet. Alone it looks like a modest
 * new customer; only the shared infrastructure ties it to the others.
 */
final class HydraTraffic extends MachineTraffic {
  private final Campaign c;
  private final List<Prompt> prompts;
  private long cursor;

  HydraTraffic(Account a, Campaign c, int member) {
    super(a, start(a, c), a.world.end(), rate(a, c), c.sliceLength(member));
    this.c = c;
    this.prompts = a.world.corpus().pool(c.pool);
    this.cursor = c.offset + (long) c.sliceStart(member) * c.step;
    var r = a.rng;
    a.ip = Rng.pick(r, c.prefixes) + (1 + r.nextInt(254));
    a.userAgent = c.userAgent;
    a.endpoint = Infra.endpointFor(c.userAgent, r);
    a.baseModel = World.LARGE;
    a.adoptsNewModel = true;
    a.adoptDelayMillis = r.nextLong(6 * World.HOUR);
    a.rate429 = 0.01;
    long created =
        c.launch
            - Math.round(
                (c.ageDaysMin + r.nextDouble() * (c.ageDaysMax - c.ageDaysMin)) * World.DAY);
    a.meta(created, Rng.pick(r, c.paymentFps), c.emailDomain, "tier-1");
  }

  private static long start(Account a, Campaign c) {
    return c.launch + a.rng.nextLong(Math.max(1, c.spreadMillis));
  }

  private static double rate(Account a, Campaign c) {
    return c.perHourMin + a.rng.nextDouble() * (c.perHourMax - c.perHourMin);
  }

  @Override
  Exchange request(long t) {
    Prompt p = prompts.get((int) Math.floorMod(cursor, (long) prompts.size()));
    cursor += c.step;
    String text = c.before + p.text() + c.after;
    return a.emit(t, Dialog.single(c.system, text), c.params, null, 700, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "hydra", true, c.id, null);
  }
}
