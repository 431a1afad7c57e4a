package org.distillguard.intel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distillguard.core.io.InputException;
import org.distillguard.intel.export.Analysis;
import org.distillguard.intel.export.BundleExporter;
import org.distillguard.intel.export.LogEvidence;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.sign.Signer;
import org.distillguard.intel.sign.SigningKey;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.taxii.CursorStore;
import org.distillguard.intel.taxii.Poller;
import org.distillguard.intel.taxii.TaxiiClient;
import org.distillguard.intel.taxii.TaxiiCollection;
import org.distillguard.intel.taxii.TaxiiServer;
import org.jspecify.annotations.Nullable;

/**
 * One member's intelligence sharing, wired from its {@link IntelConfig}: export and sign, import
 * and verify, serve its collection over TAXII, poll its peers, and the matcher the gateway uses.
 * The entry point the {@code distillguard intel} commands use.
 *
 * <p>State directory layout: {@code imported/objects.jsonl} (what was imported from peers), {@code
 * imported/cursors.json} (polling cursors), {@code taxii/published.jsonl} (this member's
 * collection) and {@code taxii/inbox.jsonl} (sightings peers post back).
 */
public final class IntelNode implements AutoCloseable {
  private final IntelConfig config;
  private final Clock clock;
  private final SigningKey signingKey;
  private final ConsortiumKey consortiumKey;
  private final IndicatorStore store;
  private final Importer importer;
  private @Nullable TaxiiServer server;
  private final List<TaxiiCollection> collections = new ArrayList<>();

  private IntelNode(IntelConfig config, Clock clock) throws IOException {
    this.config = config;
    this.clock = clock;
    this.signingKey = SigningKey.read(config.signingKey());
    this.consortiumKey = ConsortiumKey.read(config.consortiumKey());
    this.store = IndicatorStore.open(config.stateDir().resolve("imported"));
    this.importer = new Importer(new Verifier(config.pinnedPeers()), store, consortiumKey.keyId());
  }

  public static IntelNode open(IntelConfig config, Clock clock) throws IOException {
    return new IntelNode(config, clock);
  }

  public IntelConfig config() {
    return config;
  }

  /** This member's own collection id (the UUID of its identity). */
  public static String collectionId(String member) {
    return Peer.identityOf(member).substring("identity--".length());
  }

  /** The id of the collection peers post sightings to. */
  public static String inboxId(String member) {
    return StixIds.of("x", member, "inbox").substring(3);
  }

  /** Builds and signs the bundle for an analysis directory. */
  public ObjectNode export(
      Path analysisDir,
      List<String> logs,
      @Nullable Path previousBundle,
      BundleExporter.Options options)
      throws Analysis.AnalysisException, IOException, InputException {
    Analysis analysis = Analysis.read(analysisDir);
    Set<String> accounts = new HashSet<>();
    analysis.campaigns().forEach(c -> accounts.addAll(c.accounts()));
    analysis
        .verdicts()
        .forEach(
            v -> {
              if (v.isDistillation()) {
                accounts.add(v.account());
              }
            });
    LogEvidence evidence = logs.isEmpty() ? new LogEvidence() : LogEvidence.read(logs, accounts);
    List<JsonNode> previous = new ArrayList<>();
    if (previousBundle != null) {
      org.distillguard.intel.stix.Json.MAPPER
          .readTree(previousBundle.toFile())
          .path("objects")
          .forEach(previous::add);
    }
    BundleExporter ex =
        new BundleExporter(
            options,
            new Fingerprints(consortiumKey),
            new PromptSketcher(consortiumKey),
            new Signer(signingKey, config.identity()));
    return ex.export(analysis, evidence, clock.millis(), previous);
  }

  /** Default export options from the configuration. */
  public BundleExporter.Options exportOptions() {
    return BundleExporter.Options.defaults(config.member()).withTlp(config.tlp());
  }

  public Importer.Report importBundle(JsonNode bundle, String via) throws IOException {
    return importer.importBundle(bundle, via, clock.millis());
  }

  public Fingerprints fingerprints() {
    return new Fingerprints(consortiumKey);
  }

  /** The keyed template sketcher under the consortium key (template matching in the gateway). */
  public PromptSketcher sketcher() {
    return new PromptSketcher(consortiumKey);
  }

  public IndicatorStore store() {
    return store;
  }

  /** The matcher for the gateway, under the configured policy, now. */
  public IndicatorMatcher matcher() {
    return IndicatorMatcher.build(store, config.policy(), clock.millis());
  }

  /** Starts this member's TAXII server (own collection readable by peers, inbox writable). */
  public TaxiiServer serve() throws IOException {
    Path dir = config.stateDir().resolve("taxii");
    TaxiiCollection own =
        new TaxiiCollection(
            collectionId(config.member()),
            config.member() + " published",
            dir.resolve("published.jsonl"),
            Clock.systemUTC());
    TaxiiCollection inbox =
        new TaxiiCollection(
            inboxId(config.member()),
            config.member() + " inbox (sightings)",
            dir.resolve("inbox.jsonl"),
            Clock.systemUTC());
    collections.add(own);
    collections.add(inbox);
    Map<String, String> tokens = new java.util.HashMap<>();
    config.server().tokens().forEach((peer, token) -> tokens.put(token, peer));
    if (!config.server().publisherToken().isEmpty()) {
      tokens.put(config.server().publisherToken(), config.member());
    }
    Peer self = new Peer(config.member(), config.identity(), List.of(signingKey.publicKey()));
    Map<String, String> peerSigners = new java.util.HashMap<>();
    Set<String> peerNames = new HashSet<>();
    for (IntelConfig.PeerConfig p : config.peers()) {
      peerSigners.put(p.name(), p.identity());
      peerNames.add(p.name());
    }
    TaxiiServer s =
        TaxiiServer.start(
            new TaxiiServer.Options(
                config.server().host(),
                config.server().port(),
                "distillguard",
                config.member(),
                tokens,
                clock),
            List.of(
                new TaxiiServer.CollectionAccess(
                    own,
                    Set.of("*"),
                    Set.of(config.member()),
                    new Verifier(List.of(self)),
                    Map.of(config.member(), config.identity())),
                new TaxiiServer.CollectionAccess(
                    inbox,
                    Set.of(config.member()),
                    peerNames,
                    new Verifier(config.pinnedPeers()),
                    peerSigners)));
    this.server = s;
    return s;
  }

  /** A poller over this member's peers. */
  public Poller poller() throws IOException {
    return new Poller(
        new TaxiiClient(Duration.ofSeconds(10)),
        importer,
        new CursorStore(config.stateDir().resolve("imported")),
        clock);
  }

  /**
   * Reports that this member's traffic matched peers' indicators: one signed {@code sighting} per
   * indicator ({@code count} matches between {@code firstSeen} and {@code lastSeen}, epoch millis),
   * marked like the indicator. Publish them ({@link #publish}) in this member's own collection:
   * every member that polls it, the indicator's publisher included, counts them as confirmations.
   * Re-reporting the same indicator later produces a new version of the same sighting.
   *
   * @param matches indicator id to {@code [count, firstSeen, lastSeen]}
   */
  public ObjectNode sightings(Map<String, long[]> matches) {
    ObjectNode bundle = org.distillguard.intel.stix.Json.MAPPER.createObjectNode();
    bundle.put("type", "bundle");
    com.fasterxml.jackson.databind.node.ArrayNode arr = bundle.putArray("objects");
    List<ObjectNode> objects = new ArrayList<>();
    long now = clock.millis();
    for (Map.Entry<String, long[]> e : new java.util.TreeMap<>(matches).entrySet()) {
      IndicatorStore.Held held = store.latest(e.getKey());
      long[] v = e.getValue();
      ObjectNode o = org.distillguard.intel.stix.Json.MAPPER.createObjectNode();
      o.put("type", "sighting");
      o.put("spec_version", "2.1");
      o.put("id", StixIds.of("sighting", config.identity(), e.getKey()));
      o.put("created_by_ref", config.identity());
      o.put("created", org.distillguard.intel.stix.StixTime.format(v[1]));
      o.put("modified", org.distillguard.intel.stix.StixTime.format(Math.max(v[1], now)));
      o.put("first_seen", org.distillguard.intel.stix.StixTime.format(v[1]));
      o.put("last_seen", org.distillguard.intel.stix.StixTime.format(Math.max(v[1], v[2])));
      o.put("count", (int) Math.min(999_999_999, Math.max(1, v[0])));
      o.put("sighting_of_ref", e.getKey());
      o.putArray("where_sighted_refs").add(config.identity());
      JsonNode marks = held == null ? null : held.object().get("object_marking_refs");
      if (marks != null && marks.isArray() && !marks.isEmpty()) {
        o.set("object_marking_refs", marks.deepCopy());
      } else {
        o.putArray("object_marking_refs").add(config.tlp().id());
      }
      objects.add(o);
    }
    new Signer(signingKey, config.identity())
        .signBatch(objects, now, o -> now + Duration.ofDays(90).toMillis());
    objects.forEach(arr::add);
    bundle.put("id", StixIds.of("bundle", config.identity(), "sightings", Long.toString(now)));
    return bundle;
  }

  /**
   * A new indicator by this member, unsigned (sign it with {@link #signedBundle}): for an analyst's
   * indicator made outside {@link #export}. Its id derives from the member and the pattern, like
   * exported ones, so publishing the same pattern again makes a new version of the same indicator.
   *
   * @param kind the DistillGuard kind ({@code ip_prefix}, {@code payment_fp}, …)
   */
  public ObjectNode indicator(String pattern, String kind, int confidence, Duration validFor) {
    long now = clock.millis();
    ObjectNode o = org.distillguard.intel.stix.Json.MAPPER.createObjectNode();
    o.put("type", "indicator");
    o.put("spec_version", "2.1");
    o.put("id", StixIds.of("indicator", config.identity(), pattern));
    o.put("created_by_ref", config.identity());
    o.put("created", org.distillguard.intel.stix.StixTime.format(now));
    o.put("modified", org.distillguard.intel.stix.StixTime.format(now));
    o.put("name", kind + " indicator");
    o.putArray("indicator_types").add("malicious-activity");
    o.put("pattern", pattern);
    o.put("pattern_type", "stix");
    o.put("pattern_version", "2.1");
    o.put("valid_from", org.distillguard.intel.stix.StixTime.format(now));
    o.put("valid_until", org.distillguard.intel.stix.StixTime.format(now + validFor.toMillis()));
    o.put("confidence", Math.max(0, Math.min(100, confidence)));
    o.putArray("object_marking_refs").add(config.tlp().id());
    ObjectNode ext =
        o.putObject("extensions").putObject(org.distillguard.intel.stix.Extensions.INTEL);
    ext.put("extension_type", "property-extension");
    ext.put("kind", kind);
    return o;
  }

  /**
   * Signs objects this member created (their {@code created_by_ref} is its identity) as one batch,
   * valid for 90 days, and wraps them in a bundle ready for {@link #publish}: for indicators made
   * outside {@link #export} (an analyst's, another tool's).
   */
  public ObjectNode signedBundle(List<ObjectNode> objects) {
    long now = clock.millis();
    new Signer(signingKey, config.identity())
        .signBatch(objects, now, o -> now + Duration.ofDays(90).toMillis());
    ObjectNode bundle = org.distillguard.intel.stix.Json.MAPPER.createObjectNode();
    bundle.put("type", "bundle");
    bundle.put("id", StixIds.of("bundle", config.identity(), "signed", Long.toString(now)));
    com.fasterxml.jackson.databind.node.ArrayNode arr = bundle.putArray("objects");
    objects.forEach(arr::add);
    return bundle;
  }

  /**
   * Starts the background feed the gateway reads its matcher from: polls the peers every {@code
   * interval} and swaps in a new snapshot when anything changed (and at least hourly, for decay).
   * Close the feed before this node.
   */
  public IndicatorFeed feed(
      Duration interval, java.util.function.Consumer<IndicatorMatcher> onChange)
      throws IOException {
    return new IndicatorFeed(
        poller(),
        config.peers(),
        store,
        config.policy(),
        clock,
        interval,
        Duration.ofHours(1),
        onChange);
  }

  /** Objects per POST: keeps each request well under the server's 64 MiB limit. */
  static final int POST_CHUNK = 5_000;

  /**
   * Posts a bundle's objects to this member's own collection (its server must be running), in
   * chunks; returns one status summing the chunks' counts and listing every failure.
   */
  public JsonNode publish(JsonNode bundle) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    bundle.path("objects").forEach(objects::add);
    IntelConfig.Taxii own =
        new IntelConfig.Taxii(
            "http://" + config.server().host() + ":" + config.server().port() + "/taxii2/",
            "distillguard",
            collectionId(config.member()),
            config.server().publisherToken());
    TaxiiClient client = new TaxiiClient(Duration.ofSeconds(30));
    ObjectNode total = org.distillguard.intel.stix.Json.MAPPER.createObjectNode();
    int ok = 0;
    int failed = 0;
    com.fasterxml.jackson.databind.node.ArrayNode failures = total.putArray("failures");
    for (int i = 0; i < objects.size(); i += POST_CHUNK) {
      JsonNode st = client.post(own, objects.subList(i, Math.min(objects.size(), i + POST_CHUNK)));
      ok += st.path("success_count").asInt();
      failed += st.path("failure_count").asInt();
      st.path("failures").forEach(failures::add);
    }
    total.put("status", "complete");
    total.put("total_count", objects.size());
    total.put("success_count", ok);
    total.put("failure_count", failed);
    return total;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
    for (TaxiiCollection c : collections) {
      c.close();
    }
    store.close();
  }

  /** Writes a new signing key file; returns the public key to pin. */
  public static String writeSigningKey(Path file, java.security.SecureRandom random)
      throws IOException {
    SigningKey k = SigningKey.generate(random);
    Files.writeString(file, k.toFileText());
    return k.publicBase64();
  }
}
