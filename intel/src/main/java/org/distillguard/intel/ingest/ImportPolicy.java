package org.distillguard.intel.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.stix.Tlp;
import org.jspecify.annotations.Nullable;

/**
 * Local policy: what an imported indicator does here. Rules are tried in order and the first whose
 * conditions all hold gives the action; no rule matching means {@link Action#WATCH}.
 *
 * <p>The confidence a rule compares against is the publisher's {@code confidence}, plus {@link
 * #confirmationBonus} per distinct other member that reported a sighting of the same indicator,
 * capped at 100, then decayed: halved every {@link #halfLife} since the indicator's {@code
 * modified}. So an old indicator slides from block to throttle to watch unless it is re-published
 * or confirmed, and past its {@code valid_until} it does nothing. The local allow-list wins over
 * everything: an IP block that overlaps an allow-listed range, or a fingerprint on the allow-list,
 * is never enforced.
 */
public final class ImportPolicy {
  /** One rule; an empty set or a null bound means "any". */
  public record Rule(
      Set<String> kinds, Set<String> sources, Set<Tlp> tlp, int minConfidence, Action action) {
    public Rule {
      kinds = Set.copyOf(kinds);
      sources = Set.copyOf(sources);
      tlp = Set.copyOf(tlp);
    }

    boolean matches(String kind, String source, @Nullable Tlp marking, int confidence) {
      return (kinds.isEmpty() || kinds.contains(kind))
          && (sources.isEmpty() || sources.contains(source))
          && (tlp.isEmpty() || (marking != null && tlp.contains(marking)))
          && confidence >= minConfidence;
    }
  }

  private final List<Rule> rules;
  private final List<IPAddress> allowIps;
  private final Set<String> allowFingerprints;
  private final Duration halfLife;
  private final int confirmationBonus;

  public ImportPolicy(
      List<Rule> rules,
      List<String> allowCidrs,
      Set<String> allowFingerprints,
      Duration halfLife,
      int confirmationBonus) {
    this.rules = List.copyOf(rules);
    List<IPAddress> ips = new ArrayList<>();
    for (String c : allowCidrs) {
      IPAddress a = new IPAddressString(c.strip()).getAddress();
      if (a == null) {
        throw new IllegalArgumentException("allow-list: not an IP address or block: " + c);
      }
      ips.add(a.isPrefixed() ? a.toPrefixBlock() : a);
    }
    this.allowIps = List.copyOf(ips);
    this.allowFingerprints = Set.copyOf(allowFingerprints);
    this.halfLife = halfLife;
    this.confirmationBonus = confirmationBonus;
  }

  /**
   * The default: block high-confidence IP blocks and payment fingerprints, throttle the middle,
   * degrade on other fingerprints, watch the rest; half-life 14 days; +10 per confirmation.
   */
  public static ImportPolicy defaults() {
    List<Rule> r = new ArrayList<>();
    r.add(new Rule(Set.of("ip_prefix", "payment_fp"), Set.of(), Set.of(), 80, Action.BLOCK));
    r.add(new Rule(Set.of(), Set.of(), Set.of(), 80, Action.DEGRADE));
    r.add(new Rule(Set.of(), Set.of(), Set.of(), 50, Action.THROTTLE));
    return new ImportPolicy(r, List.of(), Set.of(), Duration.ofDays(14), 10);
  }

  /** Reads the {@code policy} object of the configuration (see docs/INTEL.md). */
  public static ImportPolicy fromJson(@Nullable JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return defaults();
    }
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : n.path("rules")) {
      Set<Tlp> tlp = new HashSet<>();
      r.path("tlp").forEach(t -> tlp.add(Tlp.parse(t.asText())));
      rules.add(
          new Rule(
              strings(r.path("kinds")),
              strings(r.path("sources")),
              tlp,
              r.path("min_confidence").asInt(0),
              Action.parse(r.path("action").asText("watch"))));
    }
    if (!n.has("rules")) {
      rules.addAll(defaults().rules);
    }
    List<String> cidrs = new ArrayList<>(strings(n.path("allow").path("ip")));
    return new ImportPolicy(
        rules,
        cidrs,
        strings(n.path("allow").path("fingerprints")),
        Duration.ofHours(n.path("half_life_hours").asLong(14 * 24)),
        n.path("confirmation_bonus").asInt(10));
  }

  private static Set<String> strings(JsonNode arr) {
    Set<String> out = new HashSet<>();
    arr.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** The confidence after confirmations and decay. */
  public int effectiveConfidence(int confidence, int confirmations, long modified, long now) {
    double c = Math.min(100, confidence + (double) confirmationBonus * confirmations);
    double age = Math.max(0, now - modified);
    double decayed = c * Math.pow(0.5, age / Math.max(1, halfLife.toMillis()));
    return (int) Math.round(decayed);
  }

  /** Whether the local allow-list covers what {@code match} matches. */
  public boolean allowListed(@Nullable Match match) {
    if (match instanceof Match.IpBlock ip) {
      IPAddress a = new IPAddressString(ip.cidr()).getAddress();
      if (a == null) {
        return false;
      }
      IPAddress block = a.isPrefixed() ? a.toPrefixBlock() : a;
      for (IPAddress allow : allowIps) {
        if (allow.getIPVersion() == block.getIPVersion()
            && (allow.contains(block) || block.contains(allow))) {
          return true;
        }
      }
    } else if (match instanceof Match.Fingerprint fp) {
      return allowFingerprints.contains(fp.value());
    }
    return false;
  }

  /**
   * The action for an indicator.
   *
   * @param kind the indicator's kind (DistillGuard extension), e.g. {@code ip_prefix}
   * @param source the publishing peer's name
   * @param validUntil epoch millis, or {@link Long#MAX_VALUE}
   */
  public Action decide(
      @Nullable Match match,
      String kind,
      String source,
      @Nullable Tlp tlp,
      int confidence,
      int confirmations,
      long modified,
      long validUntil,
      long now) {
    if (match == null || now >= validUntil || allowListed(match)) {
      return Action.NONE;
    }
    int eff = effectiveConfidence(confidence, confirmations, modified, now);
    for (Rule r : rules) {
      if (r.matches(kind, source, tlp, eff)) {
        return r.action();
      }
    }
    return Action.WATCH;
  }
}
