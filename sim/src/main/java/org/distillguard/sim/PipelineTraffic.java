package org.distillguard.sim;

import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * An enterprise batch job: every night, one fixed template over the company's own records (here:
 * organic texts standing in for support tickets or reviews), at a very regular pace, temperature 0
 * or near it, from the same server, on a long-lived account. Regular, high-volume and templated,
 * like a distiller; but one template over data, not a sweep over capabilities.
 */
final class PipelineTraffic implements Traffic {
  private static final String[] TEMPLATES = {
    "Summarize the following support ticket in three bullet points:\n\n",
    "Classify the sentiment of this customer message as positive, negative or neutral. Reply with"
        + " one word.\n\nMessage: ",
    "Extract every product name and order number from the text below as JSON.\n\nText: ",
    "Translate this customer message into English and tag its topic:\n\n",
  };

  private final Account a;
  private final long end;
  private final double windowStartHour;
  private final double windowHours;
  private final int perNight;
  private final long salt;
  private final double skipNight;
  private final String template;
  private final Params params;
  private final List<Prompt> data;
  private long cursor;
  private long t;
  private long nightEnd = Long.MIN_VALUE;
  private long interval;

  PipelineTraffic(Account a, PopulationSpec spec) {
    this.a = a;
    var r = a.rng;
    World w = a.world;
    this.end = w.end();
    this.t = w.start();
    this.windowStartHour = Rng.uniform(r, spec.param("window_start_hour"));
    this.windowHours = Math.max(0.25, Rng.uniform(r, spec.param("window_hours")));
    this.perNight = Math.max(1, Rng.uniformInt(r, spec.param("requests_per_night")));
    this.salt = r.nextLong();
    this.skipNight = spec.param("skip_night_probability").min();
    this.template = Rng.pick(r, TEMPLATES);
    double temperature = Math.round(Rng.uniform(r, spec.param("temperature")) * 10) / 10.0;
    this.params =
        Params.NONE.withMaxTokens(Rng.pick(r, List.of(256, 512))).withTemperature(temperature);
    this.data = w.corpus().pool(Purpose.ORGANIC);
    this.cursor = r.nextInt(data.size());
    String company = Rng.pick(r, Infra.COMPANY_WORDS);
    a.org = "org-" + company + "-" + Rng.hex(r, 4);
    a.ip = Infra.cloud(r);
    a.userAgent = Rng.pick(r, "OpenAI/Python 1.54.0", "python-requests/2.32.3");
    a.endpoint = "chat.completions";
    a.baseModel = World.SMALL; // cheap model for bulk work
    a.rate429 = 0.003;
    a.meta(
        w.start() - r.nextLong(200, 2000) * World.DAY - r.nextLong(World.DAY),
        "pf-" + Rng.hex(r, 8),
        company + ".example",
        "enterprise");
  }

  @Override
  public @Nullable Exchange next() {
    long when = t + interval + Math.round(interval * 0.1 * (a.rng.nextDouble() - 0.5));
    if (when >= nightEnd) {
      when = nextNight(t);
      if (when == Long.MAX_VALUE) {
        return null;
      }
    }
    if (when >= end) {
      return null;
    }
    t = when;
    Prompt p = data.get((int) Math.floorMod(cursor++, (long) data.size()));
    return a.emit(when, Dialog.single(null, template + p.text()), params, null, 120, 0);
  }

  /** Start of the next night's window after {@code from}; sets the window end and pace. */
  private long nextNight(long from) {
    long day = World.localDay(from, a.utcOffsetMinutes);
    while (true) {
      long startOfDay = day * World.DAY - a.utcOffsetMinutes * 60_000L;
      long s = startOfDay + Math.round(windowStartHour * World.HOUR);
      if (s >= end) {
        return Long.MAX_VALUE;
      }
      if (s > from && Rng.unit(salt, day) >= skipNight) {
        nightEnd = s + Math.round(windowHours * World.HOUR);
        interval = Math.max(1, (nightEnd - s) / perNight);
        return s;
      }
      day++;
    }
  }

  @Override
  public Label label() {
    return new Label(a.id, "pipeline", false, null, null);
  }
}
