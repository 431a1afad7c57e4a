package org.distillguard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.stix.Tlp;

/**
 * Consortium members on loopback for tests: one consortium key, a signing key and a configuration
 * file per member ({@code NAME.json}, every other member pinned and polled over TAXII), and helpers
 * that write STIX objects as a member publishes them.
 */
final class IntelMembers {
  final Path dir;
  final Map<String, Integer> port = new HashMap<>();
  final Map<String, String> publicKey = new HashMap<>();

  /**
   * @param policy the members' import policy, JSON
   */
  IntelMembers(Path dir, List<String> names, String policy) throws Exception {
    this.dir = dir;
    SecureRandom rnd = new SecureRandom();
    Files.writeString(dir.resolve("consortium.key"), ConsortiumKey.generate(rnd));
    for (String m : names) {
      publicKey.put(m, IntelNode.writeSigningKey(dir.resolve(m + ".key"), rnd));
      try (ServerSocket s = new ServerSocket(0)) {
        port.put(m, s.getLocalPort());
      }
    }
    for (String m : names) {
      StringBuilder peers = new StringBuilder();
      StringBuilder tokens = new StringBuilder();
      for (String p : names) {
        if (p.equals(m)) {
          continue;
        }
        if (peers.length() > 0) {
          peers.append(',');
          tokens.append(',');
        }
        peers.append(
            String.format(
                "{\"name\":\"%s\",\"public_key\":\"%s\",\"taxii\":{\"url\":"
                    + "\"http://127.0.0.1:%d/taxii2/\",\"token\":\"%s-reads-%s\"}}",
                p, publicKey.get(p), port.get(p), m, p));
        tokens.append(String.format("\"%s\":\"%s-reads-%s\"", p, p, m));
      }
      Files.writeString(
          config(m),
          String.format(
              "{\"member\":\"%s\",\"signing_key\":\"%s.key\",\"consortium_key\":\"consortium.key\","
                  + "\"state_dir\":\"state-%s\",\"server\":{\"port\":%d,"
                  + "\"publisher_token\":\"%s-publishes\",\"tokens\":{%s}},\"peers\":[%s],"
                  + "\"policy\":%s}",
              m, m, m, port.get(m), m, tokens, peers, policy));
    }
  }

  Path config(String member) {
    return dir.resolve(member + ".json");
  }

  IntelNode open(String member, Clock clock) throws Exception {
    return IntelNode.open(IntelConfig.read(config(member)), clock);
  }

  /** An indicator by {@code member} with a STIX pattern, valid for a day from {@code now}. */
  static ObjectNode indicator(
      String member, String pattern, String kind, int confidence, long now) {
    String identity = Peer.identityOf(member);
    ObjectNode o = base("indicator", StixIds.of("indicator", identity, pattern), identity, now);
    o.put("name", kind + " seen in a distillation campaign");
    o.putArray("indicator_types").add("malicious-activity");
    o.put("pattern", pattern);
    o.put("pattern_type", "stix");
    o.put("pattern_version", "2.1");
    o.put("valid_from", StixTime.format(now));
    o.put("valid_until", StixTime.format(now + 86_400_000L));
    o.put("confidence", confidence);
    ObjectNode ext = o.putObject("extensions").putObject(Extensions.INTEL);
    ext.put("extension_type", "property-extension");
    ext.put("kind", kind);
    ext.put("accounts", 3);
    return o;
  }

  /** An indicator of a keyed fingerprint. */
  static ObjectNode fingerprint(
      String member, String kind, String keyedValue, int confidence, long now) {
    return indicator(
        member,
        "[distillguard-fingerprint:kind = '"
            + kind
            + "' AND distillguard-fingerprint:value = '"
            + keyedValue
            + "']",
        kind,
        confidence,
        now);
  }

  /** A campaign by {@code member} carrying one template sketch. */
  static ObjectNode campaign(
      String member, String name, TemplateSketch sketch, int confidence, long now) {
    String identity = Peer.identityOf(member);
    ObjectNode o = base("campaign", StixIds.of("campaign", identity, name), identity, now);
    o.put("name", name);
    o.put("first_seen", StixTime.format(now - 3_600_000L));
    o.put("last_seen", StixTime.format(now));
    o.put("confidence", confidence);
    ObjectNode ext = o.putObject("extensions").putObject(Extensions.INTEL);
    ext.put("extension_type", "property-extension");
    ext.put("key_id", sketch.keyId());
    ext.put("accounts", 5);
    ObjectNode ts = ext.putArray("template_sketches").addObject();
    ts.put("algorithm", "minhash-64x32-word3");
    ts.put("minhash_hex", sketch.hex());
    ts.put("shingles", sketch.shingles());
    ts.put("prompts", sketch.prompts());
    return o;
  }

  private static ObjectNode base(String type, String id, String identity, long now) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", type);
    o.put("spec_version", "2.1");
    o.put("id", id);
    o.put("created_by_ref", identity);
    o.put("created", StixTime.format(now));
    o.put("modified", StixTime.format(now));
    o.putArray("object_marking_refs").add(Tlp.AMBER.id());
    return o;
  }
}
