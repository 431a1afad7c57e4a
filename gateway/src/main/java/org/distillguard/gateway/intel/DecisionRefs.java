package org.distillguard.gateway.intel;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.Store;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit references of intelligence decisions. The first time an imported indicator applies to
 * an account (at a given action) the gateway audits it, as the detector audits a verdict, and every
 * refusal it causes quotes that entry's id. The id is made on the request thread (so the 403 can
 * carry it at once) and the entry is written on a background thread (the store blocks). Refused
 * requests themselves are counted in metrics, not audited.
 */
final class DecisionRefs {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionRefs.class);

  /** Above this many remembered decisions the map starts over: a later match audits again. */
  static final int MAX_ENTRIES = 200_000;

  private final Store store;
  private final Executor writer;
  private final Clock clock;

  private record Key(String indicator, String account, Action action) {}

  private final ConcurrentHashMap<Key, Decided> refs = new ConcurrentHashMap<>();

  /**
   * An audited application of an indicator to an account.
   *
   * @param decision the decision it makes when it escalates the local one (built once: the request
   *     path allocates nothing for a repeat)
   */
  record Decided(String ref, org.distillguard.gateway.policy.Decision decision) {}

  DecisionRefs(Store store, Executor writer, Clock clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  /**
   * "Indicator {@code a} applies to {@code account}", audited the first time; {@code decision}
   * makes the decision quoting the audit reference (called once per audit entry).
   */
  Decided refFor(
      ActiveIndicator a,
      String account,
      String via,
      java.util.function.Function<String, org.distillguard.gateway.policy.Decision> decision) {
    Key key = new Key(a.id(), account, a.action());
    Decided known = refs.get(key);
    if (known != null) {
      return known;
    }
    long now = clock.millis();
    String fresh = Audit.newId(now);
    if (refs.size() >= MAX_ENTRIES) {
      refs.clear();
    }
    Decided made = new Decided(fresh, decision.apply(fresh));
    Decided prev = refs.putIfAbsent(key, made);
    if (prev != null) {
      return prev;
    }
    AuditEntry e =
        new AuditEntry(
            fresh,
            now,
            "intel",
            "intel." + a.action().wire(),
            "account:" + account,
            "indicator " + a.id() + " from " + a.peer(),
            "kind="
                + a.kind()
                + " matched="
                + via
                + " confidence="
                + a.confidence()
                + " tlp="
                + (a.tlp() == null ? "none" : a.tlp().level()));
    writer.execute(
        () -> {
          try {
            store.appendAudit(e);
          } catch (RuntimeException ex) {
            LOG.warn("intel: audit entry {} not written: {}", fresh, ex.toString());
          }
        });
    return made;
  }
}
