package org.distillguard.gateway.limits.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.limits.Limiter.Admission;
import org.distillguard.gateway.limits.Limiter.Key;
import org.distillguard.gateway.limits.Limiter.Permit;
import org.distillguard.gateway.limits.Limiter.Refusal;
import org.distillguard.gateway.limits.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways' limiters over one real Redis: requests and tokens per minute are counted once for
 * both, concurrency per gateway, and each falls back to its share of a limit while Redis is away.
 */
class SharedLimitsTest {
  @TempDir static Path dir;
  static RedisServer redis;
  final List<SharedLimits> open = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start(dir.resolve("redis"));
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @AfterEach
  void closeLimiters() {
    open.forEach(SharedLimits::close);
  }

  /** A gateway's limiter; generous time-out so that a busy test machine never falls back. */
  SharedLimits gateway(RedisServer r, String prefix, Duration timeout) {
    SharedLimits l =
        SharedLimits.start(
            new SharedSettings(
                r.uri(), timeout, Duration.ofSeconds(10), Duration.ofMillis(100), 2, prefix));
    open.add(l);
    return l;
  }

  static String prefix() {
    return "test:" + UUID.randomUUID() + ":";
  }

  static Admission admit(SharedLimits l, long estimate, Key... keys) throws Exception {
    return l.check(List.of(keys), estimate, System.nanoTime())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  static Key account(String id, int rpm, long tpm, int concurrency) {
    return new Key(Scope.ACCOUNT, id, new LimitSpec(rpm, tpm, concurrency));
  }

  @Test
  void requestsPerMinuteAreCountedOnceForBothGateways() throws Exception {
    String p = prefix();
    SharedLimits a = gateway(redis, p, Duration.ofSeconds(2));
    SharedLimits b = gateway(redis, p, Duration.ofSeconds(2));
    assertThat(a.up()).isTrue();
    assertThat(a.degraded()).isNull();
    Key k = account("acme", 5, 0, 0);
    List<Long> remaining = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Admission adm = admit(i % 2 == 0 ? a : b, 0, k);
      assertThat(adm).isInstanceOf(Permit.class);
      remaining.add(((Permit) adm).info().remainingRequests());
    }
    assertThat(remaining).containsExactly(4L, 3L, 2L, 1L, 0L);
    for (SharedLimits l : List.of(a, b)) {
      Admission refused = admit(l, 0, k);
      assertThat(refused)
          .isInstanceOfSatisfying(
              Refusal.class,
              r -> {
                assertThat(r.scope()).isEqualTo(Scope.ACCOUNT);
                assertThat(r.what()).isEqualTo("requests");
                // one request comes back every 12 s at 5 per minute
                assertThat(r.retryAfterMillis()).isBetween(1L, 12_000L);
                assertThat(r.info().limitRequests()).isEqualTo(5);
                assertThat(r.info().remainingRequests()).isZero();
              });
    }
    assertThat(a.sharedDecisions() + b.sharedDecisions()).isEqualTo(7);
    assertThat(a.fallbacks() + b.fallbacks()).isZero();
  }

  @Test
  void tokensAreSharedAndCorrectedToTheRealUsage() throws Exception {
    String p = prefix();
    SharedLimits a = gateway(redis, p, Duration.ofSeconds(2));
    SharedLimits b = gateway(redis, p, Duration.ofSeconds(2));
    Key k = account("tok", 0, 1_000, 0);
    Permit first = (Permit) admit(a, 100, k);
    assertThat(first.info().limitTokens()).isEqualTo(1_000);
    assertThat(first.info().remainingTokens()).isEqualTo(900);
    first.finish(950); // the answer was long: 850 more than estimated
    // The correction is asynchronous; the other gateway sees it once Redis has it.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Admission second = admit(b, 100, k);
              assertThat(second)
                  .isInstanceOfSatisfying(
                      Refusal.class,
                      r -> {
                        assertThat(r.what()).isEqualTo("tokens");
                        assertThat(r.info().remainingTokens()).isBetween(50L, 99L);
                      });
            });
  }

  @Test
  void aRequestRefusedInOneScopeGivesBackWhatTheOthersTook() throws Exception {
    SharedLimits a = gateway(redis, prefix(), Duration.ofSeconds(2));
    Key key = new Key(Scope.KEY, "k-1", new LimitSpec(100, 0, 0));
    Key acct = account("a-1", 1, 0, 0);
    assertThat(admit(a, 0, key, acct)).isInstanceOf(Permit.class);
    assertThat(admit(a, 0, key, acct))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.scope()).isEqualTo(Scope.ACCOUNT));
    Permit keyOnly = (Permit) admit(a, 0, key);
    assertThat(keyOnly.info().remainingRequests()).isEqualTo(98);
  }

  @Test
  void concurrencyStaysPerGateway() throws Exception {
    String p = prefix();
    SharedLimits a = gateway(redis, p, Duration.ofSeconds(2));
    SharedLimits b = gateway(redis, p, Duration.ofSeconds(2));
    Key k = account("conc", 100, 0, 1);
    Permit held = (Permit) admit(a, 0, k);
    assertThat(admit(a, 0, k))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.what()).isEqualTo("concurrency"));
    Permit other = (Permit) admit(b, 0, k);
    held.finish(-1);
    other.finish(-1);
    assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
  }

  @Test
  void withoutRedisAtStartEachGatewayAllowsItsShareThenSharesOnceRedisIsThere() throws Exception {
    RedisServer late = RedisServer.notStarted(dir.resolve("late"));
    try {
      SharedLimits a = gateway(late, prefix(), Duration.ofSeconds(2));
      assertThat(a.up()).isFalse();
      assertThat(a.degraded()).contains("unavailable").contains("1/2");
      Key k = account("alone", 4, 0, 0);
      // 4 per minute over 2 expected gateways: 2 each while they cannot agree.
      assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
      assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
      assertThat(admit(a, 0, k)).isInstanceOf(Refusal.class);
      assertThat(a.fallbacks()).isEqualTo(3);
      late.restart();
      await().atMost(Duration.ofSeconds(10)).until(a::up);
      assertThat(a.degraded()).isNull();
      Key fresh = account("together", 4, 0, 0);
      for (int i = 0; i < 4; i++) {
        assertThat(admit(a, 0, fresh)).isInstanceOf(Permit.class);
      }
      assertThat(admit(a, 0, fresh)).isInstanceOf(Refusal.class);
    } finally {
      late.close();
    }
  }

  @Test
  void aRedisThatStopsAnsweringTimesOutToLocalLimitsAndIsUsedAgainWhenItAnswers() throws Exception {
    RedisServer own = RedisServer.start(dir.resolve("frozen"));
    try {
      // Long enough that a busy test machine does not time out by itself.
      SharedLimits a = gateway(own, prefix(), Duration.ofMillis(1_000));
      Key k = account("frozen", 10, 0, 0);
      assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
      assertThat(a.up()).isTrue();
      assertThat(a.sharedDecisions()).isEqualTo(1);
      own.freeze();
      // Redis holds the connection but answers nothing: the request is decided locally anyway.
      assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
      assertThat(a.fallbacks()).isEqualTo(1);
      // One slow answer is not an outage; a few more (the background checks) are.
      await().atMost(Duration.ofSeconds(30)).until(() -> !a.up());
      assertThat(a.degraded()).contains("no answer within 1000 ms");
      // Decided locally at once from now on, without waiting for Redis.
      assertThat(admit(a, 0, k)).isInstanceOf(Permit.class);
      assertThat(a.fallbacks()).isEqualTo(2);
      assertThat(a.sharedDecisions()).isEqualTo(1);
      own.thaw();
      await().atMost(Duration.ofSeconds(10)).until(a::up);
      // The frozen request reached Redis after all, late; it is given back as its answer arrives.
      Thread.sleep(300);
      Permit shared = (Permit) admit(a, 0, k);
      // Redis kept its count: 1 before the freeze and this one (the late one given back).
      assertThat(shared.info().remainingRequests()).isEqualTo(8);
    } finally {
      own.close();
    }
  }
}
