package org.distillguard.intel.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.intel.pattern.StixPatterns;
import org.distillguard.intel.sign.Verification;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verification.Rejected;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.stix.StixTime;
import org.jspecify.annotations.Nullable;

/**
 * Imports peers' STIX objects one at a time: a bad object is rejected alone, with its id and
 * reason, and the rest of the bundle or page still goes in.
 *
 * <p>Order of checks, each a {@link Reason}: well-formed object with a valid id ({@code
 * malformed}); signed ({@code unsigned}) by a configured peer ({@code unknown-signer}) with a
 * pinned key ({@code key-not-pinned}) and a signature that verifies over the canonical form ({@code
 * forged}); signature not expired ({@code expired}); STIX timestamps sane and not from the future
 * ({@code malformed}, {@code not-yet-valid}); indicator patterns valid against the STIX grammar
 * ({@code invalid-pattern}); indicator not past {@code valid_until} ({@code expired}); not a
 * version already held with other content, nor older than the held version ({@code replayed}). The
 * exact same version arriving again (a re-poll after a crash) is a quiet duplicate, not an error.
 * Every rejection is logged as {@code intel import: rejected ID from PEER: REASON (DETAIL)}.
 */
public final class Importer {
  private static final System.Logger LOG = System.getLogger("org.distillguard.intel.import");

  private final Verifier verifier;
  private final IndicatorStore store;

  private final @Nullable String consortiumKeyId;
  private final java.util.Set<String> keyIdsWarned =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Importer(Verifier verifier, IndicatorStore store) {
    this(verifier, store, null);
  }

  /**
   * @param consortiumKeyId this member's consortium key id: keyed values a peer computed under
   *     another key are still imported but can never match, and are logged once per peer and key
   */
  public Importer(Verifier verifier, IndicatorStore store, @Nullable String consortiumKeyId) {
    this.verifier = verifier;
    this.store = store;
    this.consortiumKeyId = consortiumKeyId;
  }

  /** One rejected object. */
  public record Rejection(String id, String peer, Reason reason, String detail) {
    @Override
    public String toString() {
      return id + " from " + peer + ": " + reason.wire() + " (" + detail + ")";
    }
  }

  /** What an import did. */
  public record Report(int accepted, int duplicates, int builtIns, List<Rejection> rejected) {
    public Report {
      rejected = List.copyOf(rejected);
    }

    public Report plus(Report o) {
      List<Rejection> r = new ArrayList<>(rejected);
      r.addAll(o.rejected);
      return new Report(accepted + o.accepted, duplicates + o.duplicates, builtIns + o.builtIns, r);
    }

    public static Report empty() {
      return new Report(0, 0, 0, List.of());
    }
  }

  /** Imports a bundle ({@code {"type":"bundle","objects":[...]}}). */
  public Report importBundle(JsonNode bundle, String via, long now) throws IOException {
    if (!bundle.isObject() || !"bundle".equals(bundle.path("type").asText())) {
      Rejection r = new Rejection("?", via, Reason.MALFORMED, "not a STIX bundle");
      log(r, via);
      return new Report(0, 0, 0, List.of(r));
    }
    return importObjects(bundle.path("objects"), via, now);
  }

  /**
   * Imports objects (a bundle's {@code objects} or a TAXII envelope's), then forces them to disk.
   *
   * @param via the transport: the peer polled, or the file read (for log lines)
   */
  public Report importObjects(Iterable<JsonNode> objects, String via, long now) throws IOException {
    int accepted = 0;
    int duplicates = 0;
    int builtIns = 0;
    List<Rejection> rejected = new ArrayList<>();
    for (JsonNode o : objects) {
      String id = o.path("id").asText("?");
      if (o.isObject() && Extensions.WELL_KNOWN_IDS.contains(id)) {
        builtIns++;
        continue;
      }
      Outcome out = check(o, now);
      if (out.rejection != null) {
        rejected.add(out.rejection);
        log(out.rejection, via);
      } else if (out.duplicate) {
        duplicates++;
      } else {
        store.add(o, out.peer, now);
        accepted++;
        checkKeyId(o, out.peer);
      }
    }
    store.sync();
    return new Report(accepted, duplicates, builtIns, rejected);
  }

  private void checkKeyId(JsonNode o, String peer) {
    String k = o.path("extensions").path(Extensions.INTEL).path("key_id").asText("");
    if (consortiumKeyId != null
        && !k.isEmpty()
        && !k.equals(consortiumKeyId)
        && keyIdsWarned.add(peer + '|' + k)) {
      LOG.log(
          Level.WARNING,
          "intel import: {0} publishes fingerprints under consortium key {1}, this member holds {2}:"
              + " they will not match until both use the same key",
          peer,
          k,
          consortiumKeyId);
    }
  }

  /** The OASIS JSON schemas, checked at run time on every imported object of a standard type. */
  private static final org.distillguard.intel.stix.StixSchemaCheck SCHEMAS =
      new org.distillguard.intel.stix.StixSchemaCheck();

  private record Outcome(@Nullable Rejection rejection, boolean duplicate, String peer) {}

  private Outcome check(JsonNode o, long now) {
    String id = o.path("id").asText("?");
    if (!o.isObject()) {
      return reject(id, "?", Reason.MALFORMED, "not a JSON object");
    }
    String type = o.path("type").asText("");
    if (!o.path("id").isTextual() || !StixIds.isValid(id) || !StixIds.typeOf(id).equals(type)) {
      return reject(StixIds.isValid(id) ? id : "?", "?", Reason.MALFORMED, "invalid id or type");
    }
    Verification v = verifier.verify(o, now);
    if (v instanceof Rejected r) {
      return reject(id, r.peer(), r.reason(), r.detail());
    }
    String peer = ((Verification.Valid) v).peer().name();
    if (!"2.1".equals(o.path("spec_version").asText())) {
      return reject(id, peer, Reason.MALFORMED, "spec_version must be 2.1");
    }
    long created;
    long modified;
    try {
      created = StixTime.parseMillis(o.path("created").asText(""));
      modified = StixTime.parseMillis(o.path("modified").asText(""));
    } catch (IllegalArgumentException e) {
      return reject(id, peer, Reason.MALFORMED, "created/modified: " + e.getMessage());
    }
    if (modified < created) {
      return reject(id, peer, Reason.MALFORMED, "modified before created");
    }
    if (modified > now + Verifier.SKEW.toMillis()) {
      return reject(id, peer, Reason.NOT_YET_VALID, "modified in the future");
    }
    if ("indicator".equals(type)) {
      String pattern = o.path("pattern").asText("");
      if (pattern.isEmpty()) {
        return reject(id, peer, Reason.MALFORMED, "indicator without pattern");
      }
      if ("stix".equals(o.path("pattern_type").asText())) {
        String err = StixPatterns.parse(pattern).error();
        if (err != null) {
          return reject(id, peer, Reason.INVALID_PATTERN, err);
        }
      }
      if (o.has("valid_until") && !o.path("revoked").asBoolean(false)) {
        try {
          long until = StixTime.parseMillis(o.path("valid_until").asText(""));
          if (until <= now) {
            return reject(
                id, peer, Reason.EXPIRED, "valid_until " + o.path("valid_until").asText());
          }
        } catch (IllegalArgumentException e) {
          return reject(id, peer, Reason.MALFORMED, "valid_until: " + e.getMessage());
        }
      }
    }
    String modifiedText = o.path("modified").asText();
    String held = store.versionDigest(id, modifiedText);
    if (held != null) {
      if (held.equals(IndicatorStore.digest(o))) {
        return new Outcome(null, true, peer);
      }
      return reject(
          id,
          peer,
          Reason.REPLAYED,
          "version " + modifiedText + " already imported with other content");
    }
    IndicatorStore.Held latest = store.latest(id);
    if (latest != null && latest.modified() > modified) {
      return reject(
          id,
          peer,
          Reason.REPLAYED,
          "older than held version " + StixTime.format(latest.modified()));
    }
    // Last: only new versions pay for it (a page fetched again is all duplicates).
    String schemaError = SCHEMAS.firstError(o);
    if (schemaError != null) {
      return reject(id, peer, Reason.MALFORMED, "OASIS schema of " + type + ": " + schemaError);
    }
    return new Outcome(null, false, peer);
  }

  private static Outcome reject(String id, String peer, Reason reason, String detail) {
    return new Outcome(new Rejection(id, peer, reason, detail), false, peer);
  }

  private static void log(Rejection r, String via) {
    LOG.log(
        Level.WARNING,
        "intel import: rejected {0} from {1}{2}: {3} ({4})",
        r.id(),
        r.peer(),
        r.peer().equals(via) ? "" : " via " + via,
        r.reason().wire(),
        r.detail());
  }
}
