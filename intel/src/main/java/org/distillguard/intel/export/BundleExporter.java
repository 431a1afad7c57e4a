package org.distillguard.intel.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.distillguard.intel.export.Analysis.Campaign;
import org.distillguard.intel.export.Analysis.Reason;
import org.distillguard.intel.export.Analysis.SharedIndicator;
import org.distillguard.intel.export.Analysis.Verdict;
import org.distillguard.intel.export.LogEvidence.AccountEvidence;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.distillguard.intel.sign.Signer;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.stix.Tlp;
import org.jspecify.annotations.Nullable;

/**
 * Builds the signed STIX 2.1 bundle a member publishes from one analysis.
 *
 * <p>Per published campaign: a {@code campaign} (with template sketches and a behavioral
 * fingerprint in the DistillGuard extension), one {@code indicator} per shared IP block and per
 * keyed fingerprint, an {@code indicates} {@code relationship} from each indicator to the campaign,
 * and a {@code sighting} of each indicator by the member. Accounts flagged {@code distillation}
 * outside any campaign contribute indicators of their own at lower confidence. Everything is
 * created by the member's {@code identity}, marked with one TLP 2.0 level and signed.
 *
 * <p>Nothing an end user typed or owns leaves in the clear: identifiers go out as keyed
 * fingerprints, prompts as keyed template sketches; only IP blocks (/24, /48, /64 or as the linker
 * found them) are published as they are, as the issue asks.
 *
 * <p>Ids are derived from content (UUIDv5), and {@code modified} from the data ({@code last_seen}),
 * so exporting the same analysis twice gives the same bytes, and a later analysis of the same
 * campaign gives a new version of the same objects.
 */
public final class BundleExporter {
  /** Export settings. */
  public record Options(
      String memberName,
      Tlp tlp,
      double minAccountScore,
      Duration ipTtl,
      Duration fingerprintTtl,
      Duration signatureTtl,
      boolean includeAccounts) {
    public static Options defaults(String memberName) {
      return new Options(
          memberName,
          Tlp.AMBER,
          0.0,
          Duration.ofDays(30),
          Duration.ofDays(180),
          Duration.ofDays(90),
          true);
    }

    public Options withAccounts(boolean include, double minScore) {
      return new Options(memberName, tlp, minScore, ipTtl, fingerprintTtl, signatureTtl, include);
    }

    public Options withTlp(Tlp t) {
      return new Options(
          memberName, t, minAccountScore, ipTtl, fingerprintTtl, signatureTtl, includeAccounts);
    }
  }

  private final Options options;
  private final Fingerprints fingerprints;
  private final PromptSketcher sketcher;
  private final Signer signer;
  private final String identity;

  public BundleExporter(
      Options options, Fingerprints fingerprints, PromptSketcher sketcher, Signer signer) {
    this.options = options;
    this.fingerprints = fingerprints;
    this.sketcher = sketcher;
    this.signer = signer;
    this.identity = signer.identity();
  }

  /** An indicator under construction, merged across campaigns that share it. */
  private static final class Ind {
    final String kind;
    final String pattern;
    final String name;
    long validFrom = Long.MAX_VALUE;
    long modified = Long.MIN_VALUE;
    long firstSeen = Long.MAX_VALUE;
    long lastSeen = Long.MIN_VALUE;
    int confidence;
    int accounts;
    final Set<String> campaigns = new HashSet<>();

    Ind(String kind, String pattern, String name) {
      this.kind = kind;
      this.pattern = pattern;
      this.name = name;
    }
  }

  /**
   * Builds and signs the bundle.
   *
   * @param now signing time (epoch millis)
   * @param previous objects of this member published before: those no longer produced are
   *     re-published revoked
   */
  public ObjectNode export(Analysis analysis, LogEvidence logs, long now, List<JsonNode> previous) {
    List<ObjectNode> campaigns = new ArrayList<>();
    Map<String, Ind> indicators = new TreeMap<>();
    Map<String, Verdict> verdicts = new HashMap<>();
    for (Verdict v : analysis.verdicts()) {
      verdicts.put(v.account(), v);
    }
    long latest = Long.MIN_VALUE;
    for (Campaign c : analysis.campaigns()) {
      if (!"distillation".equals(c.verdict())) {
        continue;
      }
      String cid = StixIds.of("campaign", identity, c.id(), Long.toString(c.firstSeen()));
      long created = c.confirmedAt() != null ? c.confirmedAt() : c.firstSeen();
      long modified = Math.max(created, c.lastSeen());
      latest = Math.max(latest, modified);
      int confidence = clamp(Math.round(100 * c.score()));
      campaigns.add(campaignObject(c, cid, created, modified, confidence, verdicts, logs));
      int size = Math.max(1, c.size());
      for (SharedIndicator si : c.indicators()) {
        if ("ip_prefix".equals(si.type()) || "ip_prefix_48".equals(si.type())) {
          for (Ind ind : ipIndicators(si.value(), c.accounts(), logs)) {
            double share = Math.min(1, si.accounts() / (double) size);
            merge(
                indicators,
                ind,
                cid,
                created,
                modified,
                c,
                confidence(c.score(), share),
                si.accounts());
          }
          continue;
        }
        Ind ind = fromShared(si, logs);
        if (ind != null) {
          double share = Math.min(1, si.accounts() / (double) size);
          merge(
              indicators,
              ind,
              cid,
              created,
              modified,
              c,
              confidence(c.score(), share),
              si.accounts());
        }
      }
      // Evidence from the logs: every member's block, payment and e-mail domain that at least two
      // members (or a tenth of them) share.
      int minShared = Math.max(2, size / 10);
      for (Map.Entry<String, Integer> e :
          shared(c.accounts(), logs, ev -> ev.prefixes).entrySet()) {
        if (e.getValue() >= minShared) {
          // A block the campaign shares may also carry bystanders: then only its exact addresses.
          for (Ind ind : ipIndicators(e.getKey(), c.accounts(), logs)) {
            merge(
                indicators,
                ind,
                cid,
                created,
                modified,
                c,
                confidence(c.score(), e.getValue() / (double) size),
                e.getValue());
          }
        }
      }
      Map<Kind, Function<AccountEvidence, Map<String, Integer>>> fields = new LinkedHashMap<>();
      fields.put(Kind.PAYMENT, ev -> ev.payments);
      fields.put(Kind.EMAIL_DOMAIN, ev -> ev.emailDomains);
      fields.put(Kind.SYSTEM_PROMPT, ev -> ev.systemPrompts);
      for (Map.Entry<Kind, Function<AccountEvidence, Map<String, Integer>>> f : fields.entrySet()) {
        for (Map.Entry<String, Integer> e : shared(c.accounts(), logs, f.getValue()).entrySet()) {
          if (e.getValue() >= minShared && logs.valueBystanders(f.getKey(), e.getKey()) == 0) {
            Ind ind = fingerprintIndicator(f.getKey(), e.getKey());
            merge(
                indicators,
                ind,
                cid,
                created,
                modified,
                c,
                confidence(c.score(), e.getValue() / (double) size),
                e.getValue());
          }
        }
      }
    }
    if (options.includeAccounts()) {
      for (Verdict v : analysis.verdicts()) {
        if (!v.isDistillation() || v.campaign() != null || v.score() < options.minAccountScore()) {
          continue;
        }
        AccountEvidence ev = logs.of(v.account());
        long t = v.flaggedAt() != null ? v.flaggedAt() : now;
        int conf = clamp(Math.round(60 * v.score()));
        for (String p : ev.prefixes.keySet()) {
          for (Ind ind : ipIndicators(p, List.of(v.account()), logs)) {
            mergeSingle(indicators, ind, t, conf);
          }
        }
        for (String p : ev.payments.keySet()) {
          if (logs.valueBystanders(Kind.PAYMENT, p) == 0) {
            mergeSingle(indicators, fingerprintIndicator(Kind.PAYMENT, p), t, conf);
          }
        }
        for (String p : ev.emailDomains.keySet()) {
          if (logs.valueBystanders(Kind.EMAIL_DOMAIN, p) == 0) {
            mergeSingle(indicators, fingerprintIndicator(Kind.EMAIL_DOMAIN, p), t, conf);
          }
        }
        latest = Math.max(latest, t);
      }
    }

    List<ObjectNode> objects = new ArrayList<>();
    objects.add(identityObject());
    objects.addAll(campaigns);
    List<ObjectNode> rels = new ArrayList<>();
    List<ObjectNode> sightings = new ArrayList<>();
    for (Ind ind : indicators.values()) {
      ObjectNode io = indicatorObject(ind);
      objects.add(io);
      String iid = io.get("id").asText();
      List<String> cs = new ArrayList<>(ind.campaigns);
      cs.sort(Comparator.naturalOrder());
      for (String cid : cs) {
        rels.add(relationship(iid, cid, ind.validFrom, ind.modified));
      }
      if (ind.firstSeen != Long.MAX_VALUE) {
        sightings.add(sighting(iid, ind));
      }
    }
    objects.addAll(rels);
    objects.addAll(sightings);

    // Revocations: what we published before and no longer stand behind.
    Set<String> ids = new HashSet<>();
    objects.forEach(o -> ids.add(o.get("id").asText()));
    for (JsonNode old : previous) {
      String id = old.path("id").asText("");
      if (!identity.equals(old.path("created_by_ref").asText())
          || ids.contains(id)
          || old.path("revoked").asBoolean(false)
          || "identity".equals(StixIds.typeOf(id))) {
        continue;
      }
      ObjectNode r = ((ObjectNode) old).deepCopy();
      JsonNode ext = r.path("extensions");
      if (ext instanceof ObjectNode eo) {
        eo.remove(Extensions.SIGNATURE);
        if (eo.isEmpty()) {
          r.remove("extensions");
        }
      }
      long oldModified = StixTime.parseMillis(r.path("modified").asText());
      r.put("modified", StixTime.format(Math.max(now, oldModified + 1)));
      r.put("revoked", true);
      objects.add(r);
      ids.add(id);
    }

    // One signature for the whole export: objects are Merkle leaves, each carries its audit path.
    signer.signBatch(
        objects,
        now,
        o -> {
          if (o.has("valid_until") && !o.path("revoked").asBoolean(false)) {
            return Math.max(now, StixTime.parseMillis(o.get("valid_until").asText()));
          }
          return now + options.signatureTtl().toMillis();
        });

    ObjectNode bundle = Json.MAPPER.createObjectNode();
    bundle.put("type", "bundle");
    StringBuilder digest = new StringBuilder();
    objects.forEach(o -> digest.append(o.get("id").asText()).append(o.get("modified").asText()));
    bundle.put("id", StixIds.of("bundle", identity, digest.toString(), Long.toString(now)));
    ArrayNode arr = bundle.putArray("objects");
    Extensions.builtIns(options.tlp()).forEach(arr::add);
    objects.forEach(arr::add);
    return bundle;
  }

  /** For each value {@code field} gives: how many of {@code accounts} have it. */
  private static Map<String, Integer> shared(
      List<String> accounts,
      LogEvidence logs,
      Function<AccountEvidence, Map<String, Integer>> field) {
    Map<String, Integer> out = new TreeMap<>();
    for (String a : accounts) {
      field.apply(logs.of(a)).keySet().forEach(v -> out.merge(v, 1, Integer::sum));
    }
    return out;
  }

  private @Nullable Ind fromShared(SharedIndicator si, LogEvidence logs) {
    @Nullable Kind kind =
        switch (si.type()) {
          case "payment_fp" -> Kind.PAYMENT;
          case "email_domain" -> Kind.EMAIL_DOMAIN;
          case "client" -> Kind.CLIENT;
          default -> null;
        };
    if (kind != null && logs.valueBystanders(kind, si.value()) > 0) {
      return null; // shared with accounts that are not published: identifies no campaign
    }
    return switch (si.type()) {
      case "ip_prefix" -> ipIndicator(si.value());
      case "payment_fp" -> fingerprintIndicator(Kind.PAYMENT, si.value());
      case "email_domain" -> fingerprintIndicator(Kind.EMAIL_DOMAIN, si.value());
      case "client" -> fingerprintIndicator(Kind.CLIENT, si.value());
      // template and system_prompt values are local unkeyed hashes: never exported; the keyed
      // equivalents are computed from the logs.
      default -> null;
    };
  }

  /**
   * Indicators for a network block used by {@code accounts}: the block itself, unless the logs show
   * accounts that are not being published in it (a shared NAT, carrier or cloud egress), in which
   * case only the exact addresses {@code accounts} used inside it.
   */
  private static List<Ind> ipIndicators(String cidr, List<String> accounts, LogEvidence logs) {
    Ind block = ipIndicator(cidr);
    if (block == null) {
      return List.of();
    }
    if (logs.bystanders(cidr) == 0) {
      return List.of(block);
    }
    IPAddress net = new IPAddressString(cidr.strip()).getAddress();
    List<Ind> out = new ArrayList<>();
    for (String a : accounts) {
      for (String addr : logs.of(a).addresses.keySet()) {
        IPAddress x = new IPAddressString(addr).getAddress();
        if (net != null && x != null && net.toPrefixBlock().contains(x)) {
          Ind exact = ipIndicator(addr);
          if (exact != null) {
            out.add(exact);
          }
        }
      }
    }
    return out;
  }

  /** An indicator for an IP block; null if {@code cidr} is not one. */
  static @Nullable Ind ipIndicator(String cidr) {
    IPAddress a = new IPAddressString(cidr.strip()).getAddress();
    if (a == null) {
      return null;
    }
    IPAddress block = a.isPrefixed() ? a.toPrefixBlock() : a;
    String v = block.toCanonicalString();
    String type = a.isIPv4() ? "ipv4-addr" : "ipv6-addr";
    String pattern =
        block.isPrefixed()
            ? "[" + type + ":value ISSUBSET '" + v + "']"
            : "[" + type + ":value = '" + v + "']";
    return new Ind("ip_prefix", pattern, "Network block used for API distillation");
  }

  private Ind fingerprintIndicator(Kind kind, String value) {
    String fp = fingerprints.of(kind, value);
    String pattern =
        "["
            + Extensions.FINGERPRINT_SCO
            + ":kind = '"
            + kind.wire()
            + "' AND "
            + Extensions.FINGERPRINT_SCO
            + ":value = '"
            + fp
            + "']";
    return new Ind(
        kind.wire(), pattern, "Keyed fingerprint (" + kind.wire() + ") of a distillation account");
  }

  private static void merge(
      Map<String, Ind> all,
      Ind ind,
      String campaignId,
      long created,
      long modified,
      Campaign c,
      int confidence,
      int accounts) {
    Ind i = all.computeIfAbsent(ind.pattern, k -> ind);
    i.campaigns.add(campaignId);
    i.validFrom = Math.min(i.validFrom, created);
    i.modified = Math.max(i.modified, modified);
    i.firstSeen = Math.min(i.firstSeen, c.firstSeen());
    i.lastSeen = Math.max(i.lastSeen, c.lastSeen());
    i.confidence = Math.max(i.confidence, confidence);
    i.accounts = Math.max(i.accounts, accounts);
  }

  private static void mergeSingle(Map<String, Ind> all, Ind ind, long t, int confidence) {
    Ind i = all.computeIfAbsent(ind.pattern, k -> ind);
    i.validFrom = Math.min(i.validFrom, t);
    i.modified = Math.max(i.modified, t);
    i.confidence = Math.max(i.confidence, confidence);
    i.accounts = Math.max(i.accounts, 1);
  }

  private static int confidence(double score, double share) {
    return clamp(Math.round(100 * score * (0.5 + 0.5 * share)));
  }

  private static int clamp(long v) {
    return (int) Math.max(1, Math.min(100, v));
  }

  private ObjectNode base(String type, String id, long created, long modified) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", type);
    o.put("spec_version", "2.1");
    o.put("id", id);
    o.put("created_by_ref", identity);
    o.put("created", StixTime.format(created));
    o.put("modified", StixTime.format(Math.max(created, modified)));
    return o;
  }

  private void mark(ObjectNode o) {
    o.putArray("object_marking_refs").add(options.tlp().id());
  }

  private ObjectNode identityObject() {
    // The identity's first version is fixed so that its id and created never change.
    ObjectNode o = base("identity", identity, 0, 0);
    o.put("created", "2026-01-01T00:00:00.000Z");
    o.put("modified", "2026-01-01T00:00:00.000Z");
    o.put("name", options.memberName());
    o.put("identity_class", "organization");
    o.putArray("sectors").add("technology");
    o.put("description", "DistillGuard consortium member " + options.memberName() + ".");
    return o;
  }

  private ObjectNode campaignObject(
      Campaign c,
      String cid,
      long created,
      long modified,
      int confidence,
      Map<String, Verdict> verdicts,
      LogEvidence logs) {
    ObjectNode o = base("campaign", cid, created, modified);
    o.put("name", "API distillation campaign " + cid.substring(cid.length() - 12));
    o.put(
        "description",
        "Adversarial distillation: "
            + c.size()
            + " linked accounts, "
            + c.requests()
            + " requests, detected by DistillGuard.");
    o.put("objective", "Harvest model outputs to train a copy of the model");
    o.put("first_seen", StixTime.format(c.firstSeen()));
    o.put("last_seen", StixTime.format(Math.max(c.firstSeen(), c.lastSeen())));
    o.put("confidence", confidence);
    mark(o);
    ObjectNode ext = o.putObject("extensions").putObject(Extensions.INTEL);
    ext.put("extension_type", "property-extension");
    ext.put("key_id", fingerprints.keyId());
    ext.put("accounts", c.size());
    ext.put("requests", c.requests());
    ext.put("input_tokens", c.inputTokens());
    ext.put("output_tokens", c.outputTokens());
    List<String> prompts = new ArrayList<>();
    for (String a : c.accounts()) {
      prompts.addAll(logs.of(a).prompts);
    }
    if (!prompts.isEmpty()) {
      TemplateSketch s = sketcher.templateSketch(prompts, 0.05, 3);
      if (s.shingles() > 0) {
        ObjectNode ts = ext.putArray("template_sketches").addObject();
        ts.put("algorithm", "minhash-64x32-word3");
        ts.put("minhash_hex", s.hex());
        ts.put("shingles", s.shingles());
        ts.put("prompts", s.prompts());
      }
    }
    ArrayNode behavior = ext.putArray("behavior");
    Map<String, double[]> sums = new TreeMap<>();
    for (String a : c.accounts()) {
      Verdict v = verdicts.get(a);
      if (v == null) {
        continue;
      }
      for (Reason r : v.reasons()) {
        double[] s = sums.computeIfAbsent(r.signal(), k -> new double[2]);
        s[0] += r.value();
        s[1]++;
      }
    }
    Map<String, Long> fixed = new LinkedHashMap<>();
    for (Reason r : c.reasons()) {
      fixed.put("campaign." + r.signal(), Math.round(r.value() * 1000));
    }
    sums.forEach((k, s) -> fixed.put("member_mean." + k, Math.round(s[0] / s[1] * 1000)));
    if (c.requests() > 0) {
      fixed.put("output_per_request", Math.round(c.outputTokens() / (double) c.requests() * 1000));
      fixed.put(
          "requests_per_account", Math.round(c.requests() / (double) Math.max(1, c.size()) * 1000));
    }
    if (c.inputTokens() > 0) {
      fixed.put(
          "output_input_ratio", Math.round(c.outputTokens() / (double) c.inputTokens() * 1000));
    }
    fixed.forEach(
        (k, v) -> {
          ObjectNode b = behavior.addObject();
          b.put("feature", k);
          b.put("value_milli", v);
        });
    if (behavior.isEmpty()) {
      ext.remove("behavior");
    }
    return o;
  }

  private ObjectNode indicatorObject(Ind ind) {
    String id = StixIds.of("indicator", identity, ind.pattern);
    ObjectNode o = base("indicator", id, ind.validFrom, ind.modified);
    o.put("name", ind.name);
    o.putArray("indicator_types").add("malicious-activity");
    o.put("pattern", ind.pattern);
    o.put("pattern_type", "stix");
    o.put("pattern_version", "2.1");
    o.put("valid_from", StixTime.format(ind.validFrom));
    Duration ttl = "ip_prefix".equals(ind.kind) ? options.ipTtl() : options.fingerprintTtl();
    o.put("valid_until", StixTime.format(Math.max(ind.modified, ind.validFrom) + ttl.toMillis()));
    o.put("confidence", ind.confidence);
    mark(o);
    ObjectNode ext = o.putObject("extensions").putObject(Extensions.INTEL);
    ext.put("extension_type", "property-extension");
    ext.put("kind", ind.kind);
    ext.put("accounts", ind.accounts);
    if (!"ip_prefix".equals(ind.kind)) {
      ext.put("key_id", fingerprints.keyId());
    }
    return o;
  }

  private ObjectNode relationship(String from, String to, long created, long modified) {
    ObjectNode o =
        base("relationship", StixIds.of("relationship", from, "indicates", to), created, modified);
    o.put("relationship_type", "indicates");
    o.put("source_ref", from);
    o.put("target_ref", to);
    mark(o);
    return o;
  }

  private ObjectNode sighting(String indicatorId, Ind ind) {
    ObjectNode o =
        base(
            "sighting", StixIds.of("sighting", identity, indicatorId), ind.validFrom, ind.modified);
    o.put("first_seen", StixTime.format(ind.firstSeen));
    o.put("last_seen", StixTime.format(Math.max(ind.firstSeen, ind.lastSeen)));
    o.put("count", Math.max(1, ind.accounts));
    o.put("sighting_of_ref", indicatorId);
    o.putArray("where_sighted_refs").add(identity);
    mark(o);
    return o;
  }
}
