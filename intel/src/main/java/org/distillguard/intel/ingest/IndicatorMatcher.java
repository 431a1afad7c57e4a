package org.distillguard.intel.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.Ipv4;
import org.distillguard.intel.pattern.StixPatterns;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.stix.Tlp;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of the enforceable imported indicators, for the gateway's request path. The
 * gateway swaps in a new snapshot when the store changes ({@link IndicatorStore#generation()}), so
 * imported indicators apply without a restart.
 *
 * <p>IP blocks sit in one hash map per prefix length present (IPv4: the masked 32-bit address;
 * IPv6: the masked upper 64 bits for blocks up to /64, both halves beyond), so a lookup costs one
 * probe per distinct prefix length, typically two or three, whatever the number of blocks.
 * Fingerprints sit in one hash map keyed by kind and value. Where several indicators match, the
 * strongest action wins.
 */
public final class IndicatorMatcher {
  private final List<ActiveIndicator> all;
  private final int[] v4Lengths;
  private final Map<Integer, ActiveIndicator>[] v4;
  private final int[] v6Lengths;
  private final Map<Object, ActiveIndicator>[] v6;

  /** Kind, then value: a lookup allocates nothing, and a kind nobody published costs one probe. */
  private final Map<String, Map<String, ActiveIndicator>> fingerprints;

  private final List<ActiveIndicator> templates;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private IndicatorMatcher(List<ActiveIndicator> all) {
    this.all = List.copyOf(all);
    Map<Integer, ActiveIndicator>[] v4maps = new Map[33];
    Map<Object, ActiveIndicator>[] v6maps = new Map[129];
    Map<String, Map<String, ActiveIndicator>> fp = new HashMap<>();
    List<ActiveIndicator> tpl = new ArrayList<>();
    for (ActiveIndicator a : all) {
      if (a.action() == Action.NONE || a.match() == null) {
        continue;
      }
      if (a.match() instanceof Match.Template) {
        tpl.add(a);
      } else if (a.match() instanceof Match.Fingerprint f) {
        fp.computeIfAbsent(f.kind(), k -> new HashMap<>())
            .merge(f.value(), a, IndicatorMatcher::stronger);
      } else if (a.match() instanceof Match.IpBlock ip) {
        IPAddress addr = new IPAddressString(ip.cidr()).getAddress();
        if (addr == null) {
          continue;
        }
        IPAddress block = addr.isPrefixed() ? addr.toPrefixBlock() : addr;
        Integer len = block.getNetworkPrefixLength();
        int bits = len == null ? block.getBitCount() : len;
        if (block.isIPv4()) {
          int masked = mask4(block.getLower().toIPv4().intValue(), bits);
          if (v4maps[bits] == null) {
            v4maps[bits] = new HashMap<>();
          }
          v4maps[bits].merge(masked, a, IndicatorMatcher::stronger);
        } else {
          BigInteger v = block.getLower().getValue();
          long hi = v.shiftRight(64).longValue();
          long lo = v.longValue();
          if (v6maps[bits] == null) {
            v6maps[bits] = new HashMap<>();
          }
          v6maps[bits].merge(key6(hi, lo, bits), a, IndicatorMatcher::stronger);
        }
      }
    }
    this.v4 = v4maps;
    this.v6 = v6maps;
    this.v4Lengths = lengths(v4maps);
    this.v6Lengths = lengths(v6maps);
    this.fingerprints = fp;
    this.templates = List.copyOf(tpl);
  }

  /** Decides every held indicator under {@code policy} at time {@code now}. */
  public static IndicatorMatcher build(IndicatorStore store, ImportPolicy policy, long now) {
    List<ActiveIndicator> out = new ArrayList<>();
    for (IndicatorStore.Held h : store.indicators()) {
      JsonNode o = h.object();
      if (o.path("revoked").asBoolean(false)) {
        continue;
      }
      String id = o.path("id").asText();
      Match match =
          "stix".equals(o.path("pattern_type").asText())
              ? StixPatterns.parse(o.path("pattern").asText("")).match()
              : null;
      String kind = o.path("extensions").path(Extensions.INTEL).path("kind").asText("other");
      Tlp tlp = null;
      for (JsonNode m : o.path("object_marking_refs")) {
        Tlp t = Tlp.ofMarking(m.asText());
        if (t != null) {
          tlp = t;
        }
      }
      long validUntil = Long.MAX_VALUE;
      if (o.has("valid_until")) {
        validUntil = StixTime.parseMillis(o.path("valid_until").asText());
      }
      int confirmations = store.confirmations(id, o.path("created_by_ref").asText());
      int confidence = o.path("confidence").asInt(50);
      Action action =
          policy.decide(
              match, kind, h.peer(), tlp, confidence, confirmations, h.modified(), validUntil, now);
      int eff = policy.effectiveConfidence(confidence, confirmations, h.modified(), now);
      out.add(new ActiveIndicator(id, h.peer(), kind, match, tlp, action, eff, validUntil));
    }
    addTemplates(store, policy, now, out);
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return new IndicatorMatcher(out);
  }

  /**
   * Campaigns' keyed template sketches (DistillGuard extension) become indicators of kind {@code
   * template} whose match is a {@link Match.Template}: the gateway compares request prompts with
   * them (see {@code TemplateMatcher}). Policy decides them like any other indicator.
   */
  private static void addTemplates(
      IndicatorStore store, ImportPolicy policy, long now, List<ActiveIndicator> out) {
    for (IndicatorStore.Held h : store.ofType("campaign")) {
      JsonNode o = h.object();
      if (o.path("revoked").asBoolean(false)) {
        continue;
      }
      JsonNode ext = o.path("extensions").path(Extensions.INTEL);
      String keyId = ext.path("key_id").asText("");
      Tlp tlp = null;
      for (JsonNode m : o.path("object_marking_refs")) {
        Tlp t = Tlp.ofMarking(m.asText());
        if (t != null) {
          tlp = t;
        }
      }
      String id = o.path("id").asText();
      int confirmations = store.confirmations(id, o.path("created_by_ref").asText());
      int confidence = o.path("confidence").asInt(50);
      for (JsonNode s : ext.path("template_sketches")) {
        String hex = s.path("minhash_hex").asText("");
        int shingles = s.path("shingles").asInt(0);
        if (!"minhash-64x32-word3".equals(s.path("algorithm").asText())
            || hex.length() != 512
            || shingles <= 0
            || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          continue; // a sketch this version cannot compare: kept in the store, not matched
        }
        Match match = new Match.Template(keyId, hex, shingles);
        Action action =
            policy.decide(
                match,
                "template",
                h.peer(),
                tlp,
                confidence,
                confirmations,
                h.modified(),
                Long.MAX_VALUE,
                now);
        int eff = policy.effectiveConfidence(confidence, confirmations, h.modified(), now);
        out.add(
            new ActiveIndicator(id, h.peer(), "template", match, tlp, action, eff, Long.MAX_VALUE));
      }
    }
  }

  /** The enforceable template sketches (action above {@link Action#NONE}), in id order. */
  public List<ActiveIndicator> templates() {
    return templates;
  }

  /** A matcher over given indicators (benchmarks, tests). */
  public static IndicatorMatcher of(List<ActiveIndicator> indicators) {
    return new IndicatorMatcher(indicators);
  }

  /** Every held indicator with its decision, enforceable or not. */
  public List<ActiveIndicator> indicators() {
    return all;
  }

  /** The strongest indicator matching a client address (IPv4 or IPv6 text), or null. */
  public @Nullable ActiveIndicator matchIp(String ip) {
    int v4addr = Ipv4.parse(ip);
    if (v4addr != Ipv4.NONE || "255.255.255.255".equals(ip)) {
      return matchIpv4(v4addr);
    }
    if (v6Lengths.length == 0 || ip.indexOf(':') < 0) {
      return null; // never a DNS lookup: only literals containing ':' go further
    }
    byte[] b;
    try {
      b = InetAddress.getByName(ip).getAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
    if (b.length == 4) {
      return matchIpv4(ByteBuffer.wrap(b).getInt());
    }
    ByteBuffer bb = ByteBuffer.wrap(b);
    long hi = bb.getLong();
    long lo = bb.getLong();
    ActiveIndicator best = null;
    for (int len : v6Lengths) {
      ActiveIndicator hit = v6[len].get(key6(hi, lo, len));
      if (hit != null) {
        best = best == null ? hit : stronger(best, hit);
      }
    }
    return best;
  }

  /** The strongest indicator matching an IPv4 address given as its 32 bits, or null. */
  public @Nullable ActiveIndicator matchIpv4(int addr) {
    ActiveIndicator best = null;
    for (int len : v4Lengths) {
      ActiveIndicator hit = v4[len].get(mask4(addr, len));
      if (hit != null) {
        best = best == null ? hit : stronger(best, hit);
      }
    }
    return best;
  }

  /** The indicator for a keyed fingerprint of {@code kind}, or null. */
  public @Nullable ActiveIndicator matchFingerprint(String kind, String value) {
    Map<String, ActiveIndicator> byValue = fingerprints.get(kind);
    return byValue == null ? null : byValue.get(value);
  }

  private static ActiveIndicator stronger(ActiveIndicator a, ActiveIndicator b) {
    int c = a.action().compareTo(b.action());
    if (c != 0) {
      return c > 0 ? a : b;
    }
    return a.confidence() >= b.confidence() ? a : b;
  }

  private static int mask4(int addr, int len) {
    return len == 0 ? 0 : addr & (int) (0xFFFFFFFFL << (32 - len));
  }

  private static Object key6(long hi, long lo, int len) {
    if (len <= 64) {
      return len == 0 ? 0L : hi & (-1L << (64 - len));
    }
    long loMasked = len == 128 ? lo : lo & (-1L << (128 - len));
    return new V6(hi, loMasked);
  }

  private record V6(long hi, long lo) {}

  private static int[] lengths(Map<?, ?>[] maps) {
    int n = 0;
    for (Map<?, ?> m : maps) {
      if (m != null) {
        n++;
      }
    }
    int[] out = new int[n];
    int i = 0;
    for (int len = maps.length - 1; len >= 0; len--) {
      if (maps[len] != null) {
        out[i++] = len;
      }
    }
    return out;
  }
}
