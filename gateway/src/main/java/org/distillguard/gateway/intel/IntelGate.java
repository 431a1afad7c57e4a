package org.distillguard.gateway.intel;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.distillguard.core.event.Message;
import org.distillguard.gateway.keys.Directory;
import org.distillguard.gateway.keys.Identity;
import org.distillguard.gateway.policy.Action;
import org.distillguard.gateway.policy.Decision;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.sanitize.TemplateMatcher;
import org.jspecify.annotations.Nullable;

/**
 * Applies imported indicators to one request, after the local policy has decided: the client
 * address, the keyed fingerprints of the account, the key, the account's payment instrument and
 * e-mail domain, and (when campaigns' template sketches are loaded) the prompt's template.
 *
 * <p>Combination: a local allow-list entry wins (the request passes as the local policy says);
 * otherwise the most severe of the local action and the strongest matching indicator's action
 * applies ({@code watch} changes nothing). Every match is counted for the sightings reported back
 * to the publisher; the first match of an indicator for an account is audited, and a decision the
 * intelligence made quotes that entry as its reference. Reads a snapshot without locks; runs on the
 * event loop.
 */
public final class IntelGate {
  /** The start of the reason of every decision made here (metrics count them as "intel"). */
  static final String REASON = "intel indicator ";

  /** Intelligence off: every decision passes unchanged. */
  public static final IntelGate OFF = new IntelGate(null);

  private record Parts(
      Supplier<IntelSnapshot> snapshot,
      SubjectFingerprints fingerprints,
      Directory directory,
      Sightings sightings,
      DecisionRefs refs,
      Clock clock) {}

  private final @Nullable Parts parts;

  private IntelGate(@Nullable Parts parts) {
    this.parts = parts;
  }

  IntelGate(
      Supplier<IntelSnapshot> snapshot,
      SubjectFingerprints fingerprints,
      Directory directory,
      Sightings sightings,
      DecisionRefs refs,
      Clock clock) {
    this(new Parts(snapshot, fingerprints, directory, sightings, refs, clock));
  }

  /**
   * A gate over snapshots from {@code snapshot} (benchmarks and embedders; the gateway gets its
   * gate from {@link IntelService}).
   *
   * @param auditStore where the first match of an indicator for an account is audited
   * @param auditWriter runs the audit writes (the store blocks)
   */
  public static IntelGate create(
      Supplier<IntelSnapshot> snapshot,
      org.distillguard.intel.sanitize.Fingerprints fingerprints,
      Directory directory,
      Sightings sightings,
      org.distillguard.gateway.store.Store auditStore,
      java.util.concurrent.Executor auditWriter,
      Clock clock) {
    return new IntelGate(
        snapshot,
        new SubjectFingerprints(fingerprints),
        directory,
        sightings,
        new DecisionRefs(auditStore, auditWriter, clock),
        clock);
  }

  /** Whether {@code d} was made by imported intelligence (for the metrics' cause). */
  public static boolean decidedByIntel(Decision d) {
    return d.reason().startsWith(REASON);
  }

  /**
   * The decision for a request, given the local one.
   *
   * @param listed the manual list entry that matched, if any (an allow entry wins)
   * @param ip the client address as the gateway sees it
   * @param request the parsed request, or null for requests without a body
   */
  public Decision decide(
      Decision local,
      @Nullable ListEntry listed,
      Identity who,
      @Nullable String ip,
      @Nullable ApiRequest request) {
    Parts p = parts;
    if (p == null
        || local.action() == Action.BLOCK
        || (listed != null && listed.list() == ListEntry.ListType.ALLOW)) {
      return local;
    }
    IntelSnapshot s = p.snapshot.get();
    if (s.empty()) {
      return local;
    }
    IndicatorMatcher m = s.matcher();
    long now = p.clock.millis();
    Match best = null;
    if (ip != null) {
      best = consider(p, best, m.matchIp(ip), "ip", now);
    }
    SubjectFingerprints.OfAccount f =
        p.fingerprints.account(who.account(), p.directory.account(who.account()));
    best = consider(p, best, m.matchFingerprint("account", f.account()), "account", now);
    best =
        consider(
            p, best, m.matchFingerprint("api_key", p.fingerprints.key(who.keyId())), "key", now);
    if (f.payment() != null) {
      best = consider(p, best, m.matchFingerprint("payment_fp", f.payment()), "payment_fp", now);
    }
    if (f.emailDomain() != null) {
      best =
          consider(
              p, best, m.matchFingerprint("email_domain", f.emailDomain()), "email_domain", now);
    }
    TemplateMatcher templates = s.templates();
    if (templates != null
        && request != null
        && (best == null || best.indicator().action().compareTo(BLOCK) < 0)) {
      TemplateMatcher.Hit h = templates.match(lastUserPrompt(request.messages()));
      if (h != null) {
        best = consider(p, best, s.templateIndicators().get(h.index()), "template", now);
      }
    }
    if (best == null) {
      return local;
    }
    ActiveIndicator a = best.indicator();
    String via = best.via();
    Decision d =
        p.refs
            .refFor(
                a,
                who.account(),
                via,
                ref ->
                    new Decision(
                        gatewayAction(a.action()),
                        REASON
                            + a.id()
                            + " from "
                            + a.peer()
                            + " ("
                            + a.kind()
                            + " via "
                            + via
                            + ", confidence "
                            + a.confidence()
                            + ")",
                        ref))
            .decision();
    return d.action().compareTo(local.action()) <= 0 ? local : d;
  }

  private static final org.distillguard.intel.ingest.Action BLOCK =
      org.distillguard.intel.ingest.Action.BLOCK;

  private record Match(ActiveIndicator indicator, String via) {}

  private static @Nullable Match consider(
      Parts p, @Nullable Match best, @Nullable ActiveIndicator hit, String via, long now) {
    if (hit == null) {
      return best;
    }
    p.sightings.record(hit.id(), now);
    if (best == null) {
      return new Match(hit, via);
    }
    int c = hit.action().compareTo(best.indicator().action());
    return c > 0 || (c == 0 && hit.confidence() > best.indicator().confidence())
        ? new Match(hit, via)
        : best;
  }

  /** The gateway action for an imported indicator's: watch and none change nothing. */
  static Action gatewayAction(org.distillguard.intel.ingest.Action a) {
    return switch (a) {
      case NONE, WATCH -> Action.ALLOW;
      case THROTTLE -> Action.THROTTLE;
      case DEGRADE -> Action.DEGRADE;
      case BLOCK -> Action.BLOCK;
    };
  }

  /** The text a template sketch was built from: the last user message (as the exporter reads). */
  static String lastUserPrompt(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (Message.USER.equals(m.role())) {
        return m.content();
      }
    }
    return "";
  }
}
