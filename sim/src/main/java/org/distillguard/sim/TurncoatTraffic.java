package org.distillguard.sim;

import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * An established account that turns: months of ordinary history (a person or a developer), then at
 * {@code switch} it starts harvesting (sold, compromised, or its owner changed plans). Its old
 * creation date and clean history defeat account-age and reputation signals; a detector must notice
 * the change. Half keep their address and client, half move to a server.
 */
final class TurncoatTraffic implements Traffic {
  private final Account a;
  private final Traffic history;
  private final Traffic distiller;
  private final long switchTime;
  private final boolean keepsInfrastructure;
  private boolean switched;
  private @Nullable Long switchAt;

  TurncoatTraffic(Account a, PopulationSpec spec) {
    this.a = a;
    var r = a.rng;
    World w = a.world;
    long period = w.end() - w.start();
    this.switchTime =
        w.start() + Math.round(Rng.uniform(r, spec.param("switch_fraction")) * period);
    this.keepsInfrastructure = Rng.chance(r, spec.param("keeps_infrastructure_probability").min());
    boolean dev = Rng.chance(r, spec.param("developer_history_probability").min());
    // A regular: an active person or developer, so there is a history to turn from.
    java.util.TreeMap<String, Scenario.Range> regular = new java.util.TreeMap<>();
    regular.put("sessions_per_day", Scenario.Range.of(3, 6));
    regular.put(
        dev ? "weekend_day_probability" : "active_day_probability", Scenario.Range.of(0.8, 1));
    Population kind = dev ? Population.DEVELOPER : Population.PERSON;
    Scenario.PopulationSpec historySpec = new Scenario.PopulationSpec(kind.label(), 1, regular);
    this.history =
        dev
            ? new DeveloperTraffic(a, historySpec, w.start(), switchTime)
            : new PersonTraffic(a, historySpec, w.start(), switchTime);
    a.meta(
        w.start() - Math.round(Rng.uniform(r, spec.param("account_age_days")) * World.DAY),
        a.meta.paymentFp() == null ? "pf-" + Rng.hex(r, 8) : a.meta.paymentFp(),
        a.meta.emailDomain() == null ? "gmail.com" : a.meta.emailDomain(),
        a.meta.tier() == null ? "tier-1" : a.meta.tier());
    Params p =
        Params.NONE.withMaxTokens(Rng.pick(r, java.util.List.of(4096, 8192))).withTemperature(0.7);
    this.distiller =
        new BulkTraffic(
            a,
            switchTime,
            w.end(),
            Rng.uniform(r, spec.param("requests_per_hour")),
            p,
            Purpose.DISTILL,
            "turncoat");
  }

  @Override
  public @Nullable Exchange next() {
    if (!switched) {
      Exchange e = history.next();
      if (e != null) {
        return e;
      }
      switched = true;
      if (!keepsInfrastructure) {
        a.ip = Infra.cloud(a.rng);
        a.userAgent = Rng.pick(a.rng, Infra.SCRIPT_CLIENTS);
        a.endpoint = Infra.endpointFor(a.userAgent, a.rng);
        a.apiKey = a.newKey(); // a fresh key for the new job
      }
      a.adoptsNewModel = Rng.chance(a.rng, 0.5);
      a.rate429 = 0.02;
    }
    Exchange e = distiller.next();
    if (e != null && switchAt == null) {
      switchAt = a.count();
    }
    return e;
  }

  @Override
  public Label label() {
    return new Label(a.id, "turncoat", true, null, switchAt);
  }
}
