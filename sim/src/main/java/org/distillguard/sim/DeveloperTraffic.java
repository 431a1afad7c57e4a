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
 * A developer building on the API: weekday work hours, coding questions with follow-ups, SDK
 * clients, some system and tool prompts, tuned parameters. Code prompts resemble distillation sets
 * (GPTeacher codegen is one), which is exactly why developers are a hard benign population.
 *
 * <p>The same behaviour drives each member of a {@code team} ({@link Company}): then the client,
 * parameters, system prompt, office, card, email domain and time zone are the company's, and only
 * the working habits and the home address are the member's own.
 */
final class DeveloperTraffic extends SessionTraffic {
  static final String[] SYSTEM_PROMPTS = {
    "You are a senior software engineer. Answer with concise, idiomatic code.",
    "You are a helpful coding assistant. Explain briefly, then give the code.",
    "You are a code reviewer. Point out bugs first, style last.",
  };

  private static final String TOOL_PROMPT =
      "You can call these tools: search_docs(query: string), run_tests(path: string),"
          + " read_file(path: string). When you need one, reply only with JSON"
          + " {\"tool\": name, \"arguments\": {...}}.";

  private final long salt;
  private final double sessionsPerDay;
  private final double weekendProbability;
  private final double workStart;
  private final double workHours;
  private final int maxConversations;
  private final double followUp;
  private final double thinkMin;
  private final double thinkMax;
  private final double organicShare;
  private final double systemProbability;
  private final double toolProbability;
  private final Params params;
  private final List<Prompt> organicCode;
  private final List<Prompt> code;

  /** The one system prompt this account's code sets, or null to pick one per conversation. */
  private final @Nullable String ownSystem;

  private final @Nullable Company team;
  private final String homeIp;

  /** A developer on their own. */
  DeveloperTraffic(Account a, PopulationSpec spec, long start, long end) {
    this(a, spec, start, end, null, 0);
  }

  /**
   * A developer on their own ({@code team} null), or member {@code member} of a team, which starts
   * sending once its account exists.
   */
  DeveloperTraffic(
      Account a, PopulationSpec spec, long start, long end, @Nullable Company team, int member) {
    super(a, team == null ? start : Math.max(start, team.created(member) + World.HOUR), end);
    this.team = team;
    var r = a.rng;
    salt = r.nextLong();
    sessionsPerDay = Rng.uniform(r, spec.param("sessions_per_day"));
    weekendProbability = Rng.uniform(r, spec.param("weekend_day_probability"));
    workStart = Rng.uniform(r, spec.param("work_start_hour"));
    workHours = Rng.uniform(r, spec.param("work_hours"));
    maxConversations = Math.max(1, Rng.uniformInt(r, spec.param("conversations_per_session")));
    followUp = Rng.uniform(r, spec.param("follow_up_probability"));
    var think = spec.param("think_seconds");
    thinkMin = think.min() * 1000;
    thinkMax = Math.max(think.max(), think.min() + 1) * 1000;
    organicShare = spec.param("organic_code_share").min();
    // A team whose wrapper sets no system prompt sends none.
    systemProbability =
        team != null && team.systemPrompt == null
            ? 0
            : spec.param("system_prompt_probability").min();
    toolProbability = spec.param("tool_prompt_probability").min();
    organicCode = a.world.corpus().pool(Purpose.ORGANIC_CODE);
    code = a.world.corpus().pool(Purpose.CODE);
    if (team != null) {
      params = team.params;
      homeIp = Infra.residential(r);
      a.relocate(team.country, team.utcOffsetMinutes);
      a.ip = Rng.pick(r, team.officeIps);
      a.userAgent = team.userAgent;
      a.endpoint = team.endpoint;
      a.baseModel = team.baseModel;
      a.adoptsNewModel = team.adoptsNewModel;
      a.adoptDelayMillis = team.adoptDelayMillis;
      a.meta(team.created(member), team.paymentFp, team.emailDomain, team.tier);
      ownSystem = team.systemPrompt;
      return;
    }
    // Each developer settles on one configuration in their code and keeps it.
    params =
        Params.NONE
            .withMaxTokens(Rng.chance(r, 0.4) ? Rng.pick(r, List.of(1024, 2048, 4096)) : null)
            .withTemperature(Rng.chance(r, 0.4) ? Rng.pick(r, List.of(0.0, 0.2, 0.7)) : null)
            .withStream(Rng.chance(r, 0.3) ? Boolean.TRUE : null);
    a.ip = Rng.chance(r, 0.6) ? Infra.office(r) : Infra.residential(r);
    homeIp = a.ip;
    a.userAgent = Rng.pick(r, Infra.SDKS);
    a.endpoint = Infra.endpointFor(a.userAgent, r);
    a.baseModel = Rng.chance(r, 0.8) ? World.LARGE : World.SMALL;
    a.adoptsNewModel = Rng.chance(r, 0.5);
    a.adoptDelayMillis = r.nextLong(2 * World.DAY);
    a.meta(
        a.world.start() - r.nextLong(14, 1200) * World.DAY - r.nextLong(World.DAY),
        "pf-" + Rng.hex(r, 8),
        Rng.chance(r, 0.5)
            ? Rng.pick(r, Infra.CONSUMER_EMAIL)
            : Rng.pick(r, Infra.COMPANY_WORDS) + ".example",
        Rng.pick(r, "tier-1", "tier-2", "tier-3", "tier-4"));
    // Drawn last, so the draws above (and the behaviour they set) are those of earlier versions.
    ownSystem =
        Rng.chance(r, spec.param("generic_system_prompt_probability").min())
            ? Company.GENERIC_SYSTEM_PROMPT
            : null;
  }

  @Override
  double peakSessionsPerHour() {
    return sessionsPerDay / Math.max(1, workHours);
  }

  @Override
  double activity(long t) {
    long day = World.localDay(t, a.utcOffsetMinutes);
    int wd = World.localWeekday(t, a.utcOffsetMinutes);
    if (wd >= 5 && !dayActive(salt, day, weekendProbability)) {
      return 0;
    }
    double h = World.localHour(t, a.utcOffsetMinutes);
    if (h >= workStart && h < workStart + workHours) {
      return h >= 12 && h < 13 ? 0.5 : 1; // lunch
    }
    return h >= workStart + workHours && h < 23 ? 0.08 : 0.0; // the odd evening fix
  }

  @Override
  void onSessionStart(long t) {
    Company c = team;
    if (c != null) {
      // Hybrid work: some days from home; in the office, whichever NAT address the session gets.
      a.ip = Rng.chance(a.rng, c.remoteProbability) ? homeIp : Rng.pick(a.rng, c.officeIps);
    }
  }

  @Override
  int conversationsPerSession() {
    return 1 + a.rng.nextInt(maxConversations);
  }

  @Override
  Conversation newConversation(long t) {
    Prompt p =
        Rng.chance(a.rng, organicShare) ? Rng.pick(a.rng, organicCode) : Rng.pick(a.rng, code);
    List<String> turns = p.turns();
    if (turns.size() == 1) {
      turns = new ArrayList<>(turns);
      while (turns.size() < 6 && Rng.chance(a.rng, followUp)) {
        turns.add(Rng.pick(a.rng, Dialog.DEV_FOLLOW_UPS));
      }
    }
    String system = null;
    if (Rng.chance(a.rng, toolProbability)) {
      system = TOOL_PROMPT;
    } else if (Rng.chance(a.rng, systemProbability)) {
      system = ownSystem != null ? ownSystem : Rng.pick(a.rng, SYSTEM_PROMPTS);
    }
    return new Conversation(a.conversationId(), system, turns);
  }

  @Override
  long thinkMillis() {
    return Math.round(Rng.logUniform(a.rng, thinkMin, thinkMax));
  }

  @Override
  Exchange request(long t, Conversation c, int turn) {
    return a.emit(t, Dialog.turn(c.system(), c.turns(), turn), params, c.id(), 500, 0);
  }

  @Override
  public Label label() {
    return new Label(a.id, team == null ? "developer" : "team", false, null, null);
  }
}
