package org.distillguard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.core.event.Params;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * What the accounts of one benign team share, because one company set them up: one payment card,
 * one company email domain, one office /24 with a few NAT egress addresses, one SDK pinned in their
 * code with one set of parameters, often the generic system prompt, one time zone; accounts opened
 * over the company's life, a few of them on the day it signed up.
 *
 * <p>This is the legitimate twin of a hydra {@link Campaign}: several accounts on one card, one
 * domain, one prefix, one client and one prompt, and a creation burst (the onboarding day). What
 * differs is what they do (work-hours coding conversations, not a partitioned harvest) and how old
 * they are. Campaign linking must not merge a team into a distilling campaign.
 */
final class Company {
  /** The literal system prompt of SDK quick-starts, the most common one in the wild. */
  static final String GENERIC_SYSTEM_PROMPT = "You are a helpful assistant.";

  final int size;
  final String country;
  final int utcOffsetMinutes;
  final String officePrefix;
  final List<String> officeIps;
  final String paymentFp;
  final String emailDomain;
  final String tier;
  final String userAgent;
  final String endpoint;
  final Params params;
  final @Nullable String systemPrompt;
  final String baseModel;
  final boolean adoptsNewModel;
  final long adoptDelayMillis;
  final double remoteProbability;

  /** Creation time of each member account. */
  private final long[] created;

  Company(SplittableRandom r, World w, PopulationSpec spec) {
    this.size = Math.max(1, Rng.uniformInt(r, spec.param("accounts")));
    this.country = Rng.pick(r, Infra.COUNTRIES);
    this.utcOffsetMinutes = Infra.utcOffsetMinutes(country, r);
    this.officePrefix = Infra.officePrefix(r);
    int nips = Math.max(1, Rng.uniformInt(r, spec.param("office_ips")));
    List<String> ips = new ArrayList<>(nips);
    for (int i = 0; i < nips; i++) {
      ips.add(officePrefix + (1 + r.nextInt(254)));
    }
    this.officeIps = List.copyOf(ips);
    this.paymentFp = "pf-" + Rng.hex(r, 8);
    // Company words repeat across companies (and developers use them too); the suffix keeps each
    // company's domain its own, as real company domains are.
    this.emailDomain = Rng.pick(r, Infra.COMPANY_WORDS) + "-" + Rng.hex(r, 4) + ".example";
    this.tier = Rng.pick(r, "tier-2", "tier-3", "tier-4", "tier-5");
    // One SDK version pinned in the shared requirements file, one client wrapper with one set of
    // parameters and one system prompt: every account of the company sends the same.
    this.userAgent = Rng.pick(r, Infra.SDKS);
    this.endpoint = Infra.endpointFor(userAgent, r);
    this.params =
        Params.NONE
            .withMaxTokens(Rng.chance(r, 0.5) ? Rng.pick(r, List.of(1024, 2048, 4096)) : null)
            .withTemperature(Rng.chance(r, 0.5) ? Rng.pick(r, List.of(0.0, 0.2, 0.7)) : null)
            .withStream(Rng.chance(r, 0.3) ? Boolean.TRUE : null);
    this.systemPrompt =
        Rng.chance(r, spec.param("generic_system_prompt_probability").min())
            ? GENERIC_SYSTEM_PROMPT
            : Rng.chance(r, 0.5) ? Rng.pick(r, DeveloperTraffic.SYSTEM_PROMPTS) : null;
    this.baseModel = Rng.chance(r, 0.8) ? World.LARGE : World.SMALL;
    // The model is a line in the shared config: the whole team moves at once, or not at all.
    this.adoptsNewModel = Rng.chance(r, 0.5);
    this.adoptDelayMillis = r.nextLong(2 * World.DAY);
    this.remoteProbability = spec.param("remote_session_probability").min();
    // Signed up company_age_days ago (during a working day): the first accounts were opened that
    // day, minutes apart; the others one by one since (new projects, new hires). Sometimes one is
    // opened during the simulated period and starts sending then.
    long signUp =
        w.start()
            - Math.round(Rng.uniform(r, spec.param("company_age_days"))) * World.DAY
            + World.HOUR * (9 + r.nextInt(8))
            - utcOffsetMinutes * 60_000L;
    int onboarding =
        Math.min(size, Math.max(1, Rng.uniformInt(r, spec.param("onboarding_accounts"))));
    boolean newAccount =
        size > onboarding && Rng.chance(r, spec.param("new_account_probability").min());
    this.created = new long[size];
    long at = signUp;
    for (int i = 0; i < size; i++) {
      if (i < onboarding) {
        at += r.nextLong(5 * 60_000L, 90 * 60_000L);
        created[i] = at;
      } else if (i == size - 1 && newAccount) {
        created[i] = w.start() + r.nextLong(Math.max(1, w.end() - w.start()));
      } else {
        created[i] = at + r.nextLong(Math.max(1, w.start() - World.DAY - at));
      }
    }
  }

  /** When member {@code member} (0-based) opened its account. */
  long created(int member) {
    return created[member];
  }
}
