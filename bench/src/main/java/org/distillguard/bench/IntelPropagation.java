package org.distillguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.ingest.ImportPolicy;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.sign.Signer;
import org.distillguard.intel.sign.SigningKey;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixIds;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.stix.Tlp;
import org.distillguard.intel.taxii.CursorStore;
import org.distillguard.intel.taxii.Poller;
import org.distillguard.intel.taxii.TaxiiClient;
import org.distillguard.intel.taxii.TaxiiCollection;
import org.distillguard.intel.taxii.TaxiiServer;

/**
 * Propagation from member A's decision to enforcement at members B and C (issue 6: p99 ≤ 5 s),
 * three members in one JVM over real HTTP on loopback. Each round A decides to block a new /24: it
 * builds and signs the indicator and posts it to its own TAXII server; B and C each run a poller
 * every {@code interval} and, when their store changed, swap in a new matcher snapshot (what the
 * gateway does). The latency of a round at B (or C) is from A's decision to the first moment B's
 * current snapshot blocks an address in that block. Rounds start at random phases.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.distillguard.bench.IntelPropagation [ROUNDS] [INTERVAL_MS]
 * </pre>
 */
public final class IntelPropagation {
  private IntelPropagation() {}

  /** A polling member with its current matcher snapshot. */
  static final class Member implements Runnable {
    final String name;
    final IndicatorStore store = IndicatorStore.inMemory();
    final Poller poller;
    final IntelConfig.PeerConfig peerA;
    final long intervalMs;
    volatile IndicatorMatcher snapshot = IndicatorMatcher.of(List.of());
    volatile boolean running = true;
    long generation = -1;

    Member(String name, Peer a, IntelConfig.Taxii taxii, Path dir, long intervalMs)
        throws Exception {
      this.name = name;
      this.poller =
          new Poller(
              new TaxiiClient(Duration.ofSeconds(5)),
              new Importer(new Verifier(List.of(a)), store),
              new CursorStore(dir),
              Clock.systemUTC());
      this.peerA = new IntelConfig.PeerConfig(a.name(), a.identity(), a.keys(), taxii);
      this.intervalMs = intervalMs;
    }

    @Override
    public void run() {
      while (running) {
        long start = System.nanoTime();
        poller.poll(peerA);
        if (store.generation() != generation) {
          generation = store.generation();
          snapshot =
              IndicatorMatcher.build(store, ImportPolicy.defaults(), System.currentTimeMillis());
        }
        long left = intervalMs - (System.nanoTime() - start) / 1_000_000;
        if (left > 0) {
          try {
            Thread.sleep(left);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long interval = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
    rnd.setSeed(5);
    SigningKey key = SigningKey.generate(rnd);
    String identity = Peer.identityOf("provider-a");
    Peer peerA = new Peer("provider-a", identity, List.of(key.publicKey()));
    Signer signer = new Signer(key, identity);
    Path tmp = Files.createTempDirectory("intel-propagation");
    String cid = "6f0e7c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    TaxiiCollection coll = new TaxiiCollection(cid, "a", tmp.resolve("a.jsonl"), Clock.systemUTC());
    TaxiiServer server =
        TaxiiServer.start(
            new TaxiiServer.Options(
                "127.0.0.1",
                0,
                "distillguard",
                "a",
                Map.of("ta", "provider-a", "tb", "provider-b", "tc", "provider-c"),
                Clock.systemUTC()),
            List.of(
                new TaxiiServer.CollectionAccess(
                    coll,
                    Set.of("*"),
                    Set.of("provider-a"),
                    new Verifier(List.of(peerA)),
                    Map.of("provider-a", identity))));
    TaxiiClient client = new TaxiiClient(Duration.ofSeconds(5));
    IntelConfig.Taxii own = new IntelConfig.Taxii(server.url(), "distillguard", cid, "ta");
    Member b =
        new Member(
            "provider-b",
            peerA,
            new IntelConfig.Taxii(server.url(), "distillguard", cid, "tb"),
            tmp.resolve("b"),
            interval);
    Member c =
        new Member(
            "provider-c",
            peerA,
            new IntelConfig.Taxii(server.url(), "distillguard", cid, "tc"),
            tmp.resolve("c"),
            interval);
    Thread tb = new Thread(b, "poll-b");
    Thread tc = new Thread(c, "poll-c");
    tb.start();
    tc.start();
    SplittableRandom r = new SplittableRandom(9);
    List<Double> lat = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Thread.sleep(r.nextLong(interval) + 1);
      String block = "100." + (64 + round / 256) + "." + (round % 256) + ".0/24";
      String probe = "100." + (64 + round / 256) + "." + (round % 256) + ".77";
      long t0 = System.nanoTime();
      long now = System.currentTimeMillis();
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("type", "indicator")
          .put("spec_version", "2.1")
          .put("id", StixIds.of("indicator", identity, block));
      o.put("created_by_ref", identity);
      o.put("created", StixTime.format(now)).put("modified", StixTime.format(now));
      o.putArray("indicator_types").add("malicious-activity");
      o.put("pattern", "[ipv4-addr:value ISSUBSET '" + block + "']")
          .put("pattern_type", "stix")
          .put("pattern_version", "2.1");
      o.put("valid_from", StixTime.format(now))
          .put("valid_until", StixTime.format(now + 86_400_000L));
      o.put("confidence", 95);
      o.putArray("object_marking_refs").add(Tlp.AMBER.id());
      signer.sign(o, now, now + 86_400_000L);
      JsonNode status = client.post(own, List.of(o));
      if (status.path("success_count").asInt() != 1) {
        throw new IllegalStateException("publish failed: " + status);
      }
      boolean seenB = false;
      boolean seenC = false;
      while (!seenB || !seenC) {
        if (!seenB && b.snapshot.matchIp(probe) != null) {
          seenB = true;
          lat.add((System.nanoTime() - t0) / 1e6);
        }
        if (!seenC && c.snapshot.matchIp(probe) != null) {
          seenC = true;
          lat.add((System.nanoTime() - t0) / 1e6);
        }
        if ((System.nanoTime() - t0) > 60_000_000_000L) {
          throw new IllegalStateException("not propagated within 60 s");
        }
        Thread.sleep(1);
      }
    }
    b.running = false;
    c.running = false;
    tb.join();
    tc.join();
    server.close();
    coll.close();
    double[] v = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "poll interval %d ms, %d rounds x 2 members: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        interval,
        rounds,
        q(v, 0.5),
        q(v, 0.9),
        q(v, 0.99),
        v[v.length - 1]);
    System.out.println("histogram (ms):" + Arrays.toString(histogram(v, interval)));
  }

  static double q(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static String[] histogram(double[] v, long interval) {
    long bucket = Math.max(50, interval / 5);
    int n = (int) (v[v.length - 1] / bucket) + 1;
    int[] h = new int[n];
    for (double x : v) {
      h[(int) (x / bucket)]++;
    }
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = (i * bucket) + "-" + ((i + 1) * bucket) + ":" + h[i];
    }
    return out;
  }
}
