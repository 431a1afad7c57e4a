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
 * A B2B application relaying its own users' conversations through one account: high volume from a
 * few cloud addresses, one persona system prompt, a 24-hour curve that follows its users' day, many
 * conversations interleaved. High volume and fixed system prompts are the benign look-alikes of
 * distillation; diverse organic multi-turn content is what sets it apart. Some apps fill their
 * system prompt from a template (user name, date), the hard case for template detectors.
 */
final class AppTraffic implements Traffic {
  private static final String[] PRODUCTS = {
    "a recipe and meal-planning app", "a travel booking site", "a language-learning app",
    "an online bookstore", "a personal finance app", "a fitness coaching app",
    "a customer-support portal", "a homework helper for students"
  };

  private final Account a;
  private final long end;
  private final double peakPerHour;
  private final int usersOffsetMinutes;
  private final double followUp;
  private final List<String> ips;
  private final String persona;
  private final boolean templated;
  private final Params params;
  private final List<Prompt> single;
  private final List<Prompt> multi;
  private final @Nullable SessionTraffic.Conversation[] slots;
  private final int[] slotTurn;
  private long t;

  AppTraffic(Account a, PopulationSpec spec) {
    this.a = a;
    var r = a.rng;
    World w = a.world;
    this.end = w.end();
    this.t = w.start();
    this.peakPerHour = Rng.uniform(r, spec.param("peak_requests_per_hour"));
    this.usersOffsetMinutes = 60 * Rng.uniformInt(r, spec.param("users_utc_offset_hours"));
    this.followUp = spec.param("follow_up_probability").min();
    int nips = Math.max(1, Rng.uniformInt(r, spec.param("ip_count")));
    int[] hosts = new int[nips];
    String ownPrefix = Infra.cloudPrefix(r);
    for (int i = 0; i < nips; i++) {
      hosts[i] = 1 + r.nextInt(254);
    }
    String company = Rng.pick(r, Infra.COMPANY_WORDS);
    String name = Rng.pick(r, "Nova", "Aria", "Milo", "Sage", "Piper");
    this.persona =
        "You are "
            + name
            + ", the friendly assistant inside "
            + Rng.pick(r, PRODUCTS)
            + " by "
            + Character.toUpperCase(company.charAt(0))
            + company.substring(1)
            + ". Be concise, warm and practical. Never mention that you are an AI model"
            + " from another company.";
    this.templated = Rng.chance(r, spec.param("templated_system_prompt_fraction").min());
    this.params = Params.NONE.withMaxTokens(1024).withTemperature(0.7).withStream(true);
    this.single = w.corpus().pool(Purpose.ORGANIC);
    this.multi = w.corpus().pool(Purpose.ORGANIC_MULTI_TURN);
    int n = Math.max(1, Rng.uniformInt(r, spec.param("open_conversations")));
    this.slots = new SessionTraffic.Conversation[n];
    this.slotTurn = new int[n];
    a.org = "org-" + company + "-" + Rng.hex(r, 4);
    a.userAgent =
        Rng.pick(r, "OpenAI/NodeJS 4.73.0", "OpenAI/Python 1.54.0", "Anthropic/TypeScript 0.32.1");
    a.endpoint = Infra.endpointFor(a.userAgent, r);
    a.baseModel = Rng.chance(r, 0.5) ? World.LARGE : World.SMALL;
    a.meta(
        w.start() - r.nextLong(60, 1500) * World.DAY - r.nextLong(World.DAY),
        "pf-" + Rng.hex(r, 8),
        company + ".example",
        Rng.pick(r, "tier-4", "tier-5", "enterprise"));
    // Drawn last, after the draws of earlier versions: many apps run in the same big cloud region
    // and leave through its NAT gateways, so some share a /24 with each other and with whatever
    // else runs there (distillers included).
    String prefix =
        Rng.chance(r, spec.param("busy_cloud_prefix_probability").min())
            ? Infra.busyCloudPrefix(r)
            : ownPrefix;
    List<String> ipList = new ArrayList<>(nips);
    for (int h : hosts) {
      ipList.add(prefix + h);
    }
    this.ips = List.copyOf(ipList);
    a.ip = ips.get(0);
  }

  /** Users' activity by their local hour: low at night, peak in the evening. */
  private double activity(long when) {
    double h = World.localHour(when, usersOffsetMinutes);
    double day = Math.sin(Math.PI * Math.max(0, h - 6) / 18.0);
    return 0.08 + 0.92 * Math.max(0, day) * Math.max(0, day);
  }

  @Override
  public @Nullable Exchange next() {
    double mean = World.HOUR / peakPerHour;
    long when = t;
    do {
      when += Math.max(1, Math.round(Rng.exponential(a.rng, mean)));
      if (when >= end) {
        return null;
      }
    } while (a.rng.nextDouble() >= activity(when));
    t = when;
    int s = a.rng.nextInt(slots.length);
    SessionTraffic.Conversation c = slots[s];
    if (c == null || slotTurn[s] + 1 >= c.turns().size()) {
      c = newConversation(when);
      slots[s] = c;
      slotTurn[s] = 0;
    } else {
      slotTurn[s]++;
    }
    a.ip = ips.get(a.rng.nextInt(ips.size()));
    return a.emit(when, Dialog.turn(c.system(), c.turns(), slotTurn[s]), params, c.id(), 350, 0);
  }

  private SessionTraffic.Conversation newConversation(long when) {
    List<String> turns;
    if (Rng.chance(a.rng, 0.4)) {
      turns = Rng.pick(a.rng, multi).turns();
    } else {
      List<String> ts = new ArrayList<>(Rng.pick(a.rng, single).turns());
      while (ts.size() < 5 && Rng.chance(a.rng, followUp)) {
        ts.add(Rng.pick(a.rng, Dialog.PERSON_FOLLOW_UPS));
      }
      turns = ts;
    }
    String system = persona;
    if (templated) {
      system +=
          " The user's name is "
              + Rng.pick(a.rng, Infra.FIRST_NAMES)
              + ". Today is "
              + org.distillguard.core.io.Rfc3339.format(when).substring(0, 10)
              + ". Their plan is "
              + Rng.pick(a.rng, "Free", "Plus", "Family")
              + ".";
    }
    return new SessionTraffic.Conversation(a.conversationId(), system, turns);
  }

  @Override
  public Label label() {
    return new Label(a.id, "app", false, null, null);
  }
}
