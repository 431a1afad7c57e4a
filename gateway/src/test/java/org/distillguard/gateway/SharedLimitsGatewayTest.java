package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.limits.redis.RedisServer;
import org.distillguard.gateway.standin.StandInUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real gateways on loopback in front of one stand-in upstream, sharing one store and one real
 * Redis: a client that spreads its requests over both gets its account's limit once in total, and
 * when Redis dies both keep serving on their share of the limit and say so, then share again once
 * it is back.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedLimitsGatewayTest {
  static final int RPM = 6;

  @TempDir static Path dir;
  static RedisServer redis;
  static StandInUpstream upstream;
  static GatewayFixture one;
  static GatewayFixture two;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start(dir.resolve("redis"));
    upstream = StandInUpstream.standalone().start("127.0.0.1", 0);
    String prefix = "test:" + UUID.randomUUID() + ":";
    String store = "jdbc:sqlite:" + dir.resolve("shared.db").toAbsolutePath();
    java.util.function.Consumer<GatewayConfig> tweak =
        c -> {
          c.store.url = store;
          c.limits.key = new GatewayConfig.Limit(0, 0, 0);
          c.limits.ip = new GatewayConfig.Limit(0, 0, 0);
          c.limits.account = new GatewayConfig.Limit(RPM, 0, 0);
          c.limits.accounts.put("acct-tokens", new GatewayConfig.Limit(0, 200, 0));
          c.limits.shared.backend = "redis";
          c.limits.shared.uri = redis.uri();
          // Generous: the test machine is shared and busy; the default is 50 ms.
          c.limits.shared.timeoutMs = 2_000;
          c.limits.shared.probeMs = 100;
          c.limits.shared.expectedInstances = 2;
          c.limits.shared.keyPrefix = prefix;
        };
    one = new GatewayFixture(dir.resolve("one"), upstream, tweak);
    two = new GatewayFixture(dir.resolve("two"), upstream, tweak);
  }

  @AfterAll
  static void stop() throws Exception {
    two.gateway.close();
    one.close(); // and the upstream
    redis.close();
  }

  /** A key for a new account, known to both gateways (they share the store). */
  static String key(String account) throws Exception {
    String k = one.key(account);
    two.gateway.refresh();
    return k;
  }

  static HttpResponse<String> chat(GatewayFixture g, String key, String prompt) throws Exception {
    return g.post("/v1/chat/completions", key, GatewayFixture.chat(prompt));
  }

  static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse("(none)");
  }

  @Test
  @Order(1)
  void requestsSpreadOverBothGatewaysAreRefusedAfterTheAccountLimitInTotal() throws Exception {
    String k = key("acct-rpm");
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < RPM; i++) {
      HttpResponse<String> r = chat(i % 2 == 0 ? one : two, k, "hello " + i);
      assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
      assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo(Integer.toString(RPM));
      remaining.add(header(r, "x-ratelimit-remaining-requests"));
    }
    assertThat(remaining).containsExactly("5", "4", "3", "2", "1", "0");
    for (GatewayFixture g : List.of(one, two)) {
      HttpResponse<String> r = chat(g, k, "one more");
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("rate_limit_exceeded").contains("requests per minute");
      assertThat(Long.parseLong(header(r, "retry-after"))).isBetween(1L, 60L);
      assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo(Integer.toString(RPM));
      assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
    }
    assertThat(upstream.requests()).isGreaterThanOrEqualTo(RPM);
  }

  @Test
  @Order(2)
  void tokensUsedThroughOneGatewayCountAtTheOther() throws Exception {
    String k = key("acct-tokens");
    // About 150 tokens of prompt: admitted at one (limit 200 per minute) ...
    String prompt = "word ".repeat(150).trim();
    assertThat(chat(one, k, prompt).statusCode()).isEqualTo(200);
    // ... and the same again at the other no longer fits.
    HttpResponse<String> r = chat(two, k, prompt);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("tokens per minute");
    assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo("200");
    assertThat(r.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  @Order(3)
  void withoutRedisBothServeOnTheirShareAndSaySoThenShareAgainWhenItIsBack() throws Exception {
    for (GatewayFixture g : List.of(one, two)) {
      assertThat(g.get(g.url() + "/readyz").body()).isEqualTo("ready\n");
      assertThat(metric(g, "distillguard_limits_shared_up")).isEqualTo(1.0);
    }
    redis.kill();
    String k = key("acct-outage");
    // Each gateway now allows half of the 6 per minute: 3 each, 6 in total as before.
    for (GatewayFixture g : List.of(one, two)) {
      for (int i = 0; i < RPM / 2; i++) {
        assertThat(chat(g, k, "during the outage " + i).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> r = chat(g, k, "over the share");
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo(Integer.toString(RPM / 2));
      HttpResponse<String> ready = g.get(g.url() + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200); // still serving
      assertThat(ready.body())
          .startsWith("degraded: shared limits unavailable")
          .contains("local limits");
      assertThat(metric(g, "distillguard_limits_shared_up")).isEqualTo(0.0);
      assertThat(metric(g, "distillguard_limits_shared_fallbacks_total"))
          .isGreaterThanOrEqualTo(RPM / 2 + 1);
      assertThat(g.gateway.status()).containsKey("limits_degraded");
    }

    redis.restart();
    for (GatewayFixture g : List.of(one, two)) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> g.get(g.url() + "/readyz").body().equals("ready\n"));
      assertThat(metric(g, "distillguard_limits_shared_up")).isEqualTo(1.0);
    }
    String after = key("acct-after");
    for (int i = 0; i < RPM; i++) {
      assertThat(chat(i % 2 == 0 ? two : one, after, "shared again " + i).statusCode())
          .as("request %d", i)
          .isEqualTo(200);
    }
    assertThat(chat(one, after, "too many").statusCode()).isEqualTo(429);
    assertThat(chat(two, after, "too many").statusCode()).isEqualTo(429);
  }

  /** One unlabelled sample from a gateway's /metrics. */
  static double metric(GatewayFixture g, String name) throws Exception {
    for (String line : g.get(g.adminUrl() + "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " is not in /metrics");
  }
}
