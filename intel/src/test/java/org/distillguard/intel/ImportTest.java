package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.distillguard.intel.export.Analysis;
import org.distillguard.intel.export.BundleExporter;
import org.distillguard.intel.export.LogEvidence;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.ImportPolicy;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportTest {
  @TempDir Path tmp;
  Fixture fx;
  Fixture.Member a = new Fixture.Member("provider-a");
  Fixture.Member mallory = new Fixture.Member("mallory");
  ObjectNode bundle;
  IndicatorStore store;
  Importer importer;
  final List<String> logLines = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logLines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture(tmp);
    bundle = fx.export(a);
    store = IndicatorStore.open(tmp.resolve("state-b"));
    importer = new Importer(new Verifier(List.of(a.asPeer())), store);
    Logger.getLogger("org.distillguard.intel.import").addHandler(capture);
  }

  private static long now() {
    return Fixture.NOW + 1000;
  }

  private IndicatorMatcher matcher() {
    return IndicatorMatcher.build(store, ImportPolicy.defaults(), now());
  }

  @Test
  void importsEverySignedObjectAndEnforcesTheCampaignsBlock() throws Exception {
    Importer.Report r = importer.importBundle(bundle, "bundle.json", now());
    assertThat(r.rejected()).isEmpty();
    assertThat(r.builtIns()).isEqualTo(4);
    assertThat(r.accepted()).isEqualTo(bundle.get("objects").size() - 4);
    ActiveIndicator hit = Objects.requireNonNull(matcher().matchIp("198.18.4.77"));
    assertThat(hit).isNotNull();
    assertThat(hit.action()).isEqualTo(Action.BLOCK);
    assertThat(hit.peer()).isEqualTo("provider-a");
    assertThat(matcher().matchIp("198.18.5.1")).isNull();
    // B computes the same keyed fingerprint from its own customer's card and finds it.
    Fingerprints fp = new Fingerprints(Fixture.consortiumKey());
    assertThat(matcher().matchFingerprint("payment_fp", fp.of(Kind.PAYMENT, Fixture.PAYMENT)))
        .isNotNull();
    assertThat(matcher().matchFingerprint("payment_fp", fp.of(Kind.PAYMENT, "pf-someone-else")))
        .isNull();
  }

  @Test
  void theSameVersionTwiceIsImportedOnceEvenAcrossARestart() throws Exception {
    importer.importBundle(bundle, "bundle.json", now());
    store.close();
    IndicatorStore reopened = IndicatorStore.open(tmp.resolve("state-b"));
    Importer again = new Importer(new Verifier(List.of(a.asPeer())), reopened);
    Importer.Report r = again.importBundle(bundle, "bundle.json", now());
    assertThat(r.accepted()).isZero();
    assertThat(r.duplicates()).isEqualTo(bundle.get("objects").size() - 4);
    assertThat(r.rejected()).isEmpty();
    reopened.close();
  }

  @Test
  void aForgedObjectIsRejectedAloneWithItsIdAndAClearLogLine() throws Exception {
    ArrayNode objects = (ArrayNode) bundle.get("objects");
    ObjectNode victim = null;
    for (JsonNode o : objects) {
      if (o.get("pattern") != null && o.get("pattern").asText().contains("198.18.4.0/24")) {
        victim = (ObjectNode) o;
      }
    }
    assertThat(victim).isNotNull();
    String victimId = Objects.requireNonNull(victim).get("id").asText();
    victim.put("pattern", "[ipv4-addr:value ISSUBSET '10.0.0.0/8']"); // tampered after signing
    Importer.Report r = importer.importBundle(bundle, "bundle.json", now());
    assertThat(r.rejected()).hasSize(1);
    assertThat(r.rejected().get(0).id()).isEqualTo(victimId);
    assertThat(r.rejected().get(0).reason()).isEqualTo(Reason.FORGED);
    assertThat(r.accepted()).isEqualTo(objects.size() - 5);
    assertThat(logLines)
        .anyMatch(
            l ->
                l.contains("rejected " + victimId)
                    && l.contains("from provider-a")
                    && l.contains("forged"));
    assertThat(matcher().matchIp("10.1.2.3")).isNull();
  }

  @Test
  void aSignedObjectThatBreaksItsOasisSchemaIsRejectedAloneWithTheSchemasReason() throws Exception {
    ArrayNode objects = (ArrayNode) bundle.get("objects");
    ObjectNode victim = null;
    for (JsonNode o : objects) {
      if (o.get("pattern") != null && o.get("pattern").asText().contains("198.18.4.0/24")) {
        victim = (ObjectNode) o;
      }
    }
    ObjectNode v = Objects.requireNonNull(victim);
    // Structurally fine (id, timestamps, pattern, a valid signature by a pinned peer), but the
    // OASIS indicator schema bounds confidence to 0..100 and wants indicator_types as a list.
    v.put("confidence", 150);
    v.put("indicator_types", "malicious-activity");
    ((ObjectNode) v.get("extensions")).remove(Extensions.SIGNATURE);
    a.signer.signBatch(List.of(v), Fixture.NOW, o -> Fixture.NOW + Duration.ofDays(30).toMillis());
    Importer.Report r = importer.importBundle(bundle, "bundle.json", now());
    assertThat(r.rejected()).hasSize(1);
    assertThat(r.rejected().get(0).id()).isEqualTo(v.get("id").asText());
    assertThat(r.rejected().get(0).reason()).isEqualTo(Reason.MALFORMED);
    assertThat(r.rejected().get(0).detail()).startsWith("OASIS schema of indicator: ");
    assertThat(r.accepted()).isEqualTo(objects.size() - 5);
    assertThat(matcher().matchIp("198.18.4.77")).isNull();
  }

  @Test
  void unsignedUnknownAndExpiredContentIsRejectedWithItsReason() throws Exception {
    ObjectNode mal = fx.export(mallory);
    Importer.Report r = importer.importBundle(mal, "bundle.json", now());
    assertThat(r.accepted()).isZero();
    assertThat(r.rejected()).allMatch(x -> x.reason() == Reason.UNKNOWN_SIGNER);
    assertThat(r.rejected().get(0).peer()).startsWith("identity--");

    ObjectNode unsigned = bundle.deepCopy();
    for (JsonNode o : unsigned.get("objects")) {
      JsonNode ext = o.get("extensions");
      if (ext instanceof ObjectNode e) {
        e.remove(Extensions.SIGNATURE);
      }
    }
    r = importer.importBundle(unsigned, "bundle.json", now());
    assertThat(r.rejected()).isNotEmpty().allMatch(x -> x.reason() == Reason.UNSIGNED);

    long later = Fixture.NOW + Duration.ofDays(365).toMillis();
    r = importer.importBundle(bundle, "bundle.json", later);
    assertThat(r.accepted()).isZero();
    assertThat(r.rejected()).allMatch(x -> x.reason() == Reason.EXPIRED);
  }

  @Test
  void aReplayedOlderVersionOrConflictingSameVersionIsRejected() throws Exception {
    importer.importBundle(bundle, "bundle.json", now());
    // A second export of a later analysis: same ids, later modified.
    ObjectNode newer = exportAt(Fixture.NOW + 3_600_000, List.of(), true);
    Importer.Report r = importer.importBundle(newer, "bundle.json", Fixture.NOW + 3_601_000);
    assertThat(r.rejected()).isEmpty();
    // Replaying the old bundle now: everything already held is either a duplicate or older.
    r = importer.importBundle(bundle, "replay", Fixture.NOW + 3_602_000);
    assertThat(r.accepted()).isZero();
    assertThat(logLines).noneMatch(l -> l.contains("forged"));
  }

  @Test
  void revocationAndTheAllowListAndDecayAreHonoured() throws Exception {
    importer.importBundle(bundle, "bundle.json", now());
    assertThat(matcher().matchIp("198.18.4.1")).isNotNull();

    // Allow-list wins.
    ImportPolicy allow =
        new ImportPolicy(
            List.of(new ImportPolicy.Rule(Set.of(), Set.of(), Set.of(), 0, Action.BLOCK)),
            List.of("198.18.0.0/16"),
            Set.of(),
            Duration.ofDays(14),
            10);
    assertThat(IndicatorMatcher.build(store, allow, now()).matchIp("198.18.4.1")).isNull();

    // Decay: twenty days later the same indicator (still valid) only throttles or watches.
    long later = Fixture.NOW + Duration.ofDays(20).toMillis();
    ActiveIndicator old =
        Objects.requireNonNull(
            IndicatorMatcher.build(store, ImportPolicy.defaults(), later).matchIp("198.18.4.1"));
    assertThat(old.action()).isLessThan(Action.BLOCK);

    // The publisher stops standing behind its campaign: a new export without it revokes it.
    List<JsonNode> previous = new ArrayList<>();
    bundle.get("objects").forEach(previous::add);
    ObjectNode revoking = exportAt(Fixture.NOW + 7_200_000, previous, false);
    Importer.Report r = importer.importBundle(revoking, "bundle.json", Fixture.NOW + 7_201_000);
    assertThat(r.rejected()).isEmpty();
    assertThat(
            IndicatorMatcher.build(store, ImportPolicy.defaults(), Fixture.NOW + 7_202_000)
                .matchIp("198.18.4.1"))
        .isNull();
  }

  private ObjectNode exportAt(long now, List<JsonNode> previous, boolean withCampaigns)
      throws Exception {
    ConsortiumKey k = Fixture.consortiumKey();
    BundleExporter ex =
        new BundleExporter(
            BundleExporter.Options.defaults(a.name),
            new Fingerprints(k),
            new PromptSketcher(k),
            a.signer);
    Analysis analysis = Analysis.read(fx.dir);
    if (!withCampaigns) {
      analysis = new Analysis(List.of(), List.of());
    } else {
      // A later analysis: last_seen moved on.
      Analysis.Campaign c = analysis.campaigns().get(0);
      analysis =
          new Analysis(
              analysis.verdicts(),
              List.of(
                  new Analysis.Campaign(
                      c.id(),
                      c.verdict(),
                      c.score(),
                      c.size(),
                      c.accounts(),
                      c.requests() + 10,
                      c.inputTokens(),
                      c.outputTokens(),
                      c.firstSeen(),
                      now - 1000,
                      c.confirmedAt(),
                      c.indicators(),
                      c.reasons())));
    }
    Set<String> accounts = new java.util.HashSet<>();
    analysis.verdicts().forEach(v -> accounts.add(v.account()));
    return ex.export(
        analysis, LogEvidence.read(List.of(fx.log.toString()), accounts), now, previous);
  }

  @Test
  void fingerprintsUnderAnotherConsortiumKeyAreLoggedOncePerPeer() throws Exception {
    Importer other =
        new Importer(
            new Verifier(List.of(a.asPeer())), IndicatorStore.inMemory(), "0000000000000000");
    other.importBundle(bundle, "bundle.json", now());
    assertThat(logLines.stream().filter(l -> l.contains("under consortium key"))).hasSize(1);
    assertThat(logLines).anyMatch(l -> l.contains("provider-a publishes fingerprints"));
  }

  @Test
  void timestampsAreStrict() {
    assertThat(StixTime.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
  }
}
