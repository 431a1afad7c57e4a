package org.distillguard.gateway.intel;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.Store;
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
  private final ConcurrentHashMap<String, String> refs = new ConcurrentHashMap<>();

  DecisionRefs(Store store, Executor writer, Clock clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  /** The reference of "indicator {@code a} applies to {@code account}", audited once. */
  String refFor(ActiveIndicator a, String account, String via) {
    String key = a.id() + '|' + account + '|' + a.action().wire();
    String ref = refs.get(key);
    if (ref != null) {
      return ref;
    }
    long now = clock.millis();
    String fresh = Audit.newId(now);
    if (refs.size() >= MAX_ENTRIES) {
      refs.clear();
    }
    String prev = refs.putIfAbsent(key, fresh);
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
    return fresh;
  }
}
