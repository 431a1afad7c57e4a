package org.distillguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.sign.Signer;
import org.distillguard.intel.sign.SigningKey;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.stix.Tlp;

/**
 * Import of a large bundle (issue 6: 100,000 objects in seconds, a malformed object rejected alone
 * with its id and reason): N signed IP-block indicators plus one tampered and one malformed, read
 * from JSON text and imported into an on-disk store.
 *
 * <pre>
 * java -Xmx4g -cp bench/target/benchmarks.jar org.distillguard.bench.IntelImportThroughput [N] [DIR]
 * </pre>
 */
public final class IntelImportThroughput {
  private IntelImportThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    java.nio.file.Path dir =
        args.length > 1
            ? java.nio.file.Path.of(args[1])
            : java.nio.file.Files.createTempDirectory("intel-import");
    SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
    rnd.setSeed(1);
    SigningKey key = SigningKey.generate(rnd);
    String identity = Peer.identityOf("provider-a");
    Signer signer = new Signer(key, identity);
    long now = StixTime.parseMillis("2026-11-06T00:00:00.000Z");
    ObjectNode bundle = Json.MAPPER.createObjectNode();
    bundle.put("type", "bundle").put("id", StixIds.of("bundle", "bench"));
    ArrayNode objects = bundle.putArray("objects");
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String cidr = (10 + (i >>> 16)) + "." + ((i >>> 8) & 255) + "." + (i & 255) + ".0/24";
      ObjectNode o = objects.addObject();
      o.put("type", "indicator").put("spec_version", "2.1");
      o.put("id", StixIds.of("indicator", identity, cidr));
      o.put("created_by_ref", identity);
      o.put("created", "2026-11-05T00:00:00.000Z").put("modified", "2026-11-05T00:00:00.000Z");
      o.putArray("indicator_types").add("malicious-activity");
      o.put("pattern", "[ipv4-addr:value ISSUBSET '" + cidr + "']");
      o.put("pattern_type", "stix").put("pattern_version", "2.1");
      o.put("valid_from", "2026-11-05T00:00:00.000Z")
          .put("valid_until", "2026-12-05T00:00:00.000Z");
      o.put("confidence", 90);
      o.putArray("object_marking_refs").add(Tlp.AMBER.id());
    }
    List<ObjectNode> toSign = new java.util.ArrayList<>();
    objects.forEach(o -> toSign.add((ObjectNode) o));
    signer.signBatch(toSign, now, o -> now + 30L * 86_400_000);
    long signed = System.nanoTime() - t0;
    ((ObjectNode) objects.get(7)).put("confidence", 10); // tampered after signing
    objects.addObject().put("type", "indicator").put("id", "not-an-id");
    byte[] text = Json.MAPPER.writeValueAsBytes(bundle);

    t0 = System.nanoTime();
    JsonNode parsed = Json.MAPPER.readTree(text);
    long read = System.nanoTime() - t0;
    try (IndicatorStore store = IndicatorStore.open(dir)) {
      Importer imp =
          new Importer(
              new Verifier(List.of(new Peer("provider-a", identity, List.of(key.publicKey())))),
              store);
      t0 = System.nanoTime();
      Importer.Report r = imp.importBundle(parsed, "bench", now + 1000);
      long imported = System.nanoTime() - t0;
      System.out.printf(
          Locale.ROOT,
          "%,d objects (%.1f MB): sign %.2f s (export side), parse %.2f s, verify+check+store %.2f s"
              + " = %.0f objects/s; accepted %,d, rejected %d: %s%n",
          objects.size(),
          text.length / 1e6,
          signed / 1e9,
          read / 1e9,
          imported / 1e9,
          objects.size() / (imported / 1e9),
          r.accepted(),
          r.rejected().size(),
          r.rejected());
    }
  }
}
