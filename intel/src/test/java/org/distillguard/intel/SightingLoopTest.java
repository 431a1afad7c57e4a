package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.taxii.Poller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members wired from configuration files, over loopback TAXII: A publishes, B and C import,
 * C's traffic matches one of A's indicators and C publishes a sighting; B (and A) poll C and count
 * it as a confirmation, so the indicator's effective confidence grows.
 */
class SightingLoopTest {
  @TempDir Path tmp;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  IntelNode node(String m, Map<String, String> pub, Map<String, Integer> port, Clock clock)
      throws Exception {
    StringBuilder peers = new StringBuilder();
    StringBuilder tokens = new StringBuilder();
    for (String p : List.of("a", "b", "c")) {
      if (p.equals(m)) {
        continue;
      }
      if (peers.length() > 0) {
        peers.append(',');
        tokens.append(',');
      }
      peers.append(
          "{\"name\":\"provider-"
              + p
              + "\",\"public_key\":\""
              + pub.get(p)
              + "\",\"taxii\":{\"url\":\"http://127.0.0.1:"
              + port.get(p)
              + "/taxii2/\",\"token\":\""
              + m
              + "-reads-"
              + p
              + "\"}}");
      tokens.append("\"provider-" + p + "\":\"" + p + "-reads-" + m + "\"");
    }
    Files.writeString(
        tmp.resolve(m + ".json"),
        "{\"member\":\"provider-"
            + m
            + "\",\"signing_key\":\""
            + m
            + ".key\",\"state_dir\":\"state-"
            + m
            + "\","
            + "\"server\":{\"port\":"
            + port.get(m)
            + ",\"publisher_token\":\""
            + m
            + "-pub\",\"tokens\":{"
            + tokens
            + "}},"
            + "\"peers\":["
            + peers
            + "]}");
    return IntelNode.open(IntelConfig.read(tmp.resolve(m + ".json")), clock);
  }

  @Test
  void theGatewaysFeedAppliesNewlyPublishedIndicatorsWithoutARestart() throws Exception {
    Fixture fx = new Fixture(Files.createDirectories(tmp.resolve("analysis")));
    SecureRandom rnd = new SecureRandom();
    Files.writeString(tmp.resolve("consortium.key"), ConsortiumKey.generate(rnd));
    Map<String, String> pub = new HashMap<>();
    Map<String, Integer> port = new HashMap<>();
    for (String m : List.of("a", "b", "c")) {
      pub.put(m, IntelNode.writeSigningKey(tmp.resolve(m + ".key"), rnd));
      port.put(m, freePort());
    }
    Clock clock = Clock.fixed(Instant.ofEpochMilli(Fixture.NOW), ZoneOffset.UTC);
    try (IntelNode a = node("a", pub, port, clock);
        IntelNode b = node("b", pub, port, clock)) {
      a.serve();
      java.util.concurrent.atomic.AtomicInteger swaps =
          new java.util.concurrent.atomic.AtomicInteger();
      try (IndicatorFeed feed =
          b.feed(java.time.Duration.ofMillis(50), m -> swaps.incrementAndGet())) {
        assertThat(feed.current().matchIp("198.18.4.9")).isNull();
        a.publish(a.export(fx.dir, List.of(fx.log.toString()), null, a.exportOptions()));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (feed.current().matchIp("198.18.4.9") == null && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(feed.current().matchIp("198.18.4.9")).isNotNull();
        assertThat(swaps.get()).isPositive();
      }
    }
  }

  @Test
  void aSightingByAThirdMemberRaisesTheIndicatorsConfidenceAtTheOthers() throws Exception {
    Fixture fx = new Fixture(Files.createDirectories(tmp.resolve("analysis")));
    SecureRandom rnd = new SecureRandom();
    Files.writeString(tmp.resolve("consortium.key"), ConsortiumKey.generate(rnd));
    Map<String, String> pub = new HashMap<>();
    Map<String, Integer> port = new HashMap<>();
    for (String m : List.of("a", "b", "c")) {
      pub.put(m, IntelNode.writeSigningKey(tmp.resolve(m + ".key"), rnd));
      port.put(m, freePort());
    }
    Clock clock = Clock.fixed(Instant.ofEpochMilli(Fixture.NOW), ZoneOffset.UTC);
    try (IntelNode a = node("a", pub, port, clock);
        IntelNode b = node("b", pub, port, clock);
        IntelNode c = node("c", pub, port, clock)) {
      a.serve();
      b.serve();
      c.serve();
      JsonNode status =
          a.publish(a.export(fx.dir, List.of(fx.log.toString()), null, a.exportOptions()));
      assertThat(status.get("failure_count").asInt()).isZero();
      b.poller().pollAll(b.config().peers());
      c.poller().pollAll(c.config().peers());

      ActiveIndicator before = Objects.requireNonNull(b.matcher().matchIp("198.18.4.9"));
      ActiveIndicator atC = Objects.requireNonNull(c.matcher().matchIp("198.18.4.9"));
      JsonNode sightings =
          c.sightings(Map.of(atC.id(), new long[] {42, Fixture.NOW - 60_000, Fixture.NOW}));
      assertThat(StixSchemas.validateBundle(sightings)).isEmpty();
      assertThat(c.publish(sightings).get("failure_count").asInt()).isZero();

      List<Poller.Result> rs = b.poller().pollAll(b.config().peers());
      assertThat(rs).allMatch(r -> r.error() == null && r.report().rejected().isEmpty());
      ActiveIndicator after = Objects.requireNonNull(b.matcher().matchIp("198.18.4.9"));
      assertThat(after.id()).isEqualTo(before.id());
      assertThat(after.confidence()).isGreaterThan(before.confidence());
      assertThat(b.store().confirmations(before.id(), a.config().identity())).isEqualTo(1);

      // The publisher hears about it too.
      a.poller().pollAll(a.config().peers());
      assertThat(a.store().confirmations(before.id(), a.config().identity())).isEqualTo(1);
    }
  }
}
