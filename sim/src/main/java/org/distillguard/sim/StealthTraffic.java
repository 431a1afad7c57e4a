package org.distillguard.sim;

import java.util.List;
import java.util.Locale;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;

/**
 * A distiller that imitates a person: sessions in waking hours with think time, default parameters,
 * a browser or common SDK, prompts lightly rephrased the way people type. What gives it away is
 * persistence (every day, many sessions) and coverage: it walks a distillation set without ever
 * repeating a prompt, across every domain the set has.
 */
final class StealthTraffic extends SessionTraffic {
  private static final String[] PREFIXES = {
    "hey, ", "quick question: ", "can you help me with this? ", "", "", "", "", ""
  };

  private final long salt;
  private final double sessionsPerDay;
  private final int requestsPerSessionMin;
  private final int requestsPerSessionMax;
  private final double thinkMin;
  private final double thinkMax;
  private final double activeDayProbability;
  private final List<Prompt> prompts;
  private final int step;
  private long cursor;

  StealthTraffic(Account a, PopulationSpec spec, long start, long end) {
    super(a, start, end);
    var r = a.rng;
    salt = r.nextLong();
    sessionsPerDay = Rng.uniform(r, spec.param("sessions_per_day"));
    var rps = spec.param("requests_per_session");
    requestsPerSessionMin = (int) Math.max(1, rps.min());
    requestsPerSessionMax = (int) Math.max(requestsPerSessionMin, rps.max());
    var think = spec.param("think_seconds");
    thinkMin = think.min() * 1000;
    thinkMax = Math.max(think.max(), think.min() + 1) * 1000;
    activeDayProbability = Rng.uniform(r, spec.param("active_day_probability"));
    prompts = a.world.corpus().pool(Purpose.DISTILL);
    step = Rng.coprimeStep(r, prompts.size());
    cursor = r.nextInt(prompts.size());
    a.ip = Infra.residential(r);
    a.userAgent = Rng.chance(r, 0.5) ? Rng.pick(r, Infra.BROWSERS) : Infra.SDKS[0];
    a.endpoint = "chat.completions";
    a.adoptsNewModel = Rng.chance(r, 0.5);
    a.adoptDelayMillis = r.nextLong(World.DAY);
    a.meta(
        a.world.start() - Math.round(Rng.uniform(r, spec.param("account_age_days")) * World.DAY),
        "pf-" + Rng.hex(r, 8),
        Rng.pick(r, Infra.CONSUMER_EMAIL),
        Rng.pick(r, "tier-1", "tier-2"));
  }

  @Override
  double peakSessionsPerHour() {
    return sessionsPerDay / 16.0;
  }

  @Override
  double activity(long t) {
    if (!dayActive(salt, World.localDay(t, a.utcOffsetMinutes), activeDayProbability)) {
      return 0;
    }
    double h = World.localHour(t, a.utcOffsetMinutes);
    return h >= 8 ? 1 : 0.03;
  }

  @Override
  int conversationsPerSession() {
    return requestsPerSessionMin + a.rng.nextInt(requestsPerSessionMax - requestsPerSessionMin + 1);
  }

  @Override
  long gapMillis() {
    return thinkMillis(); // one question after the other, like a person working through a list
  }

  @Override
  Conversation newConversation(long t) {
    Prompt p = prompts.get((int) Math.floorMod(cursor, (long) prompts.size()));
    cursor += step;
    return new Conversation(a.conversationId(), null, List.of(humanize(p.text())));
  }

  private String humanize(String s) {
    String out = s.strip();
    if (out.endsWith(".") && Rng.chance(a.rng, 0.6)) {
      out = out.substring(0, out.length() - 1);
    }
    if (Rng.chance(a.rng, 0.5) && !out.isEmpty()) {
      out = out.substring(0, 1).toLowerCase(Locale.ROOT) + out.substring(1);
    }
    return Rng.pick(a.rng, PREFIXES) + out;
  }

  @Override
  long thinkMillis() {
    return Math.round(Rng.logUniform(a.rng, thinkMin, thinkMax));
  }

  @Override
  Exchange request(long t, Conversation c, int turn) {
    return a.emit(t, Dialog.turn(null, c.turns(), turn), Params.NONE, c.id(), 450, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "stealth", true, null, null);
  }
}
