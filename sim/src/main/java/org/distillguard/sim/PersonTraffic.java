package org.distillguard.sim;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Prompt;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * A person using the API (directly or through a web client) for their own questions: a few sessions
 * on most days in waking hours, multi-turn conversations with organic prompts, default parameters.
 * A small fraction has one heavy day with eight times the usual sessions: the benign case a volume
 * threshold gets wrong. Some home lines are behind carrier-grade NAT: many unrelated people leave
 * through a few busy /24s ({@link Infra#CGNAT_PREFIXES}).
 */
final class PersonTraffic extends SessionTraffic {
  private static final int HEAVY_DAY_BOOST = 8;
  private final long salt;
  private final double sessionsPerDay;
  private final double activeDayProbability;
  private final double wake;
  private final double sleep;
  private final int maxConversations;
  private final double followUp;
  private final double thinkMin;
  private final double thinkMax;
  private final long heavyDay;
  private final boolean web;
  private final double maxTokensProbability;
  private final double ipv6Probability;
  private final String homeIp;

  /** The carrier's busy CGNAT /24 when the person's home line is behind carrier-grade NAT. */
  private final @Nullable String cgnatPrefix;

  private final String mobileIp;
  private final List<Prompt> prompts;

  PersonTraffic(Account a, PopulationSpec spec, long start, long end) {
    super(a, start, end);
    var r = a.rng;
    salt = r.nextLong();
    sessionsPerDay = Rng.uniform(r, spec.param("sessions_per_day"));
    activeDayProbability = Rng.uniform(r, spec.param("active_day_probability"));
    wake = Rng.uniform(r, spec.param("wake_hour"));
    sleep = Rng.uniform(r, spec.param("sleep_hour"));
    maxConversations = Math.max(1, Rng.uniformInt(r, spec.param("conversations_per_session")));
    followUp = Rng.uniform(r, spec.param("follow_up_probability"));
    var think = spec.param("think_seconds");
    thinkMin = think.min() * 1000;
    thinkMax = Math.max(think.max(), think.min() + 1) * 1000;
    long days = Math.max(1, (a.world.end() - a.world.start()) / World.DAY);
    heavyDay =
        Rng.chance(r, spec.param("high_volume_day_fraction").min())
            ? World.localDay(a.world.start(), a.utcOffsetMinutes) + r.nextInt((int) days)
            : Long.MIN_VALUE;
    web = Rng.chance(r, spec.param("web_client_probability").min());
    maxTokensProbability = spec.param("max_tokens_probability").min();
    ipv6Probability = spec.param("ipv6_probability").min();
    String home = Infra.residential(r);
    mobileIp = Infra.ipv6(r);
    prompts = a.world.corpus().pool(Purpose.ORGANIC);
    a.ip = home;
    a.userAgent = web ? Rng.pick(r, Infra.BROWSERS) : Rng.pick(r, Infra.SDKS);
    a.endpoint = Infra.endpointFor(a.userAgent, r);
    a.baseModel = Rng.chance(r, 0.7) ? World.LARGE : World.SMALL;
    a.adoptsNewModel = Rng.chance(r, 0.2);
    a.adoptDelayMillis = r.nextLong(2 * World.DAY);
    a.meta(
        a.world.start() - r.nextLong(30, 900) * World.DAY - r.nextLong(World.DAY),
        "pf-" + Rng.hex(r, 8),
        Rng.pick(r, Infra.CONSUMER_EMAIL),
        Rng.pick(r, "free", "free", "tier-1", "tier-2"));
    // Drawn last, so the draws above (and the behaviour they set) are those of earlier versions.
    cgnatPrefix =
        Rng.chance(r, spec.param("cgnat_probability").min()) ? Infra.cgnatPrefix(r) : null;
    homeIp = cgnatPrefix == null ? home : cgnatPrefix + (1 + r.nextInt(254));
    a.ip = homeIp;
  }

  @Override
  double peakSessionsPerHour() {
    double waking = Math.max(1, sleep - wake);
    return sessionsPerDay / waking * (heavyDay == Long.MIN_VALUE ? 1 : HEAVY_DAY_BOOST);
  }

  @Override
  double activity(long t) {
    long day = World.localDay(t, a.utcOffsetMinutes);
    double h = World.localHour(t, a.utcOffsetMinutes);
    boolean awake = h >= wake && h < sleep;
    // Evenings are busier than mornings for personal use; a few night owls use it at 2 am.
    double w = awake ? (h >= 18 ? 1.0 : 0.7) : 0.02;
    if (heavyDay == Long.MIN_VALUE) {
      return dayActive(salt, day, activeDayProbability) ? w : 0;
    }
    // The peak rate is boosted for the heavy day; every other day is scaled back down.
    if (day == heavyDay) {
      return w;
    }
    return dayActive(salt, day, activeDayProbability) ? w / HEAVY_DAY_BOOST : 0;
  }

  @Override
  int conversationsPerSession() {
    return 1 + a.rng.nextInt(maxConversations);
  }

  @Override
  void onSessionStart(long t) {
    if (Rng.chance(a.rng, ipv6Probability)) {
      a.ip = mobileIp;
    } else {
      // Behind CGNAT each session may leave through another address of the carrier's pool.
      a.ip = cgnatPrefix == null ? homeIp : cgnatPrefix + (1 + a.rng.nextInt(254));
    }
  }

  @Override
  Conversation newConversation(long t) {
    Prompt p = Rng.pick(a.rng, prompts);
    List<String> turns = p.turns();
    if (turns.size() == 1) {
      turns = new ArrayList<>(turns);
      while (turns.size() < 5 && Rng.chance(a.rng, followUp)) {
        turns.add(Rng.pick(a.rng, Dialog.PERSON_FOLLOW_UPS));
      }
    }
    return new Conversation(a.conversationId(), null, turns);
  }

  @Override
  long thinkMillis() {
    return Math.round(Rng.logUniform(a.rng, thinkMin, thinkMax));
  }

  @Override
  Exchange request(long t, Conversation c, int turn) {
    Params params = Params.NONE;
    if (web) {
      params = Params.NONE.withStream(true);
    } else if (Rng.chance(a.rng, maxTokensProbability)) {
      params = Params.NONE.withMaxTokens(Rng.pick(a.rng, List.of(256, 512, 1024, 2048)));
    }
    return a.emit(t, Dialog.turn(c.system(), c.turns(), turn), params, c.id(), 300, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, "person", false, null, null);
  }
}
