package org.distillguard.gateway.limits.redis;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.limits.Limiter;
import org.distillguard.gateway.limits.Limiter.Admission;
import org.distillguard.gateway.limits.Limiter.Key;
import org.distillguard.gateway.limits.Limiter.Permit;
import org.distillguard.gateway.limits.Limiter.RateInfo;
import org.distillguard.gateway.limits.Limiter.Refusal;
import org.distillguard.gateway.limits.RateLimits;
import org.distillguard.gateway.limits.Scope;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits that several gateways share: the requests- and tokens-per-minute buckets of every
 * scope live in Redis (Bucket4j's compare-and-swap buckets over Lettuce), so a client that spreads
 * its requests over the gateways gets the configured limit in total, not once per gateway.
 *
 * <p>Concurrency stays per gateway, on local counters: a slot held in Redis by a gateway that dies
 * would stay taken until a lease expired, refusing the client meanwhile, and what concurrency
 * protects (the gateway's own connections and memory) is per gateway anyway.
 *
 * <p>Every request asks Redis asynchronously: all buckets of the request in parallel, one answer
 * (two round trips for Bucket4j's compare-and-swap) later, with no thread waiting. When Redis does
 * not answer within {@link SharedSettings#timeout} or refuses the command (disconnected), the
 * request is decided on local buckets that allow {@code 1/expectedInstances} of each limit. A lost
 * connection, or three time-outs in a row, make Redis count as away: the gateway reports itself
 * degraded and from then on decides locally at once until a background probe gets an answer from
 * Redis again. The local buckets are not copied back into Redis: the shared ones carry on from
 * where they were.
 */
public final class SharedLimits implements RateLimits {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLimits.class);
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** Time-outs in a row (requests or checks) after which Redis counts as away. */
  static final int SLOW_ANSWERS_FOR_OUTAGE = 3;

  private final SharedSettings settings;
  private final String where;
  private final RedisBuckets redis;
  private final Limiter concurrency = new Limiter();
  private final Limiter fallback = new Limiter();
  private final ScheduledExecutorService timer;
  private final ConcurrentHashMap<Long, BucketConfiguration> configs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Cached> proxies = new ConcurrentHashMap<>();
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicInteger failures = new AtomicInteger();
  private final LongAdder sharedDecisions = new LongAdder();
  private final LongAdder localDecisions = new LongAdder();
  private volatile boolean up;
  private volatile String reason = "not connected yet";

  private SharedLimits(SharedSettings settings) {
    this.settings = settings;
    this.where = hostAndPort(settings.uri());
    this.redis = new RedisBuckets(settings);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "distillguard-shared-limits");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects to Redis (waiting at most the connect timeout) and starts checking it. An unreachable
   * Redis is no error: the gateway starts degraded, on local limits, and connects when it can.
   */
  public static SharedLimits start(SharedSettings settings) {
    SharedLimits l = new SharedLimits(settings);
    try {
      l.probe()
          .get(
              settings.connectTimeout().plus(settings.timeout()).toMillis() + 500,
              TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // probe() has recorded why
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (l.up) {
      l.warmUp();
    }
    if (!l.up) {
      LOG.warn(
          "shared limits: redis at {} unavailable at start ({}); deciding on local limits until it"
              + " answers",
          l.where,
          l.reason);
    } else {
      LOG.info("shared limits: requests and tokens per minute are kept in redis at {}", l.where);
    }
    long every = settings.probeInterval().toMillis();
    l.timer.scheduleWithFixedDelay(l::probe, every, every, TimeUnit.MILLISECONDS);
    return l;
  }

  /**
   * One bucket operation before the first request, so that the first requests do not pay for
   * loading Bucket4j's classes and Redis compiling its script, and time out into local limits.
   */
  private void warmUp() {
    AsyncProxyManager<byte[]> buckets = redis.buckets();
    if (buckets == null) {
      return;
    }
    try {
      bucket(buckets, new Key(Scope.KEY, "warm-up", new LimitSpec(1, 0, 0)), "r", 1)
          .estimateAbilityToConsume(1)
          .get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      lost(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ admission

  @Override
  public CompletionStage<Admission> check(List<Key> keys, long estimatedTokens, long nowNanos) {
    List<Key> slots = new ArrayList<>(keys.size());
    List<Key> rates = new ArrayList<>(keys.size());
    for (Key k : keys) {
      LimitSpec s = k.spec();
      if (s.concurrency() > 0) {
        slots.add(new Key(k.scope(), k.id(), new LimitSpec(0, 0, s.concurrency())));
      }
      if (s.rpm() > 0 || s.tpm() > 0) {
        rates.add(new Key(k.scope(), k.id(), new LimitSpec(s.rpm(), s.tpm(), 0)));
      }
    }
    Admission held = concurrency.admit(slots, 0, nowNanos);
    if (!(held instanceof Permit inFlight) || rates.isEmpty()) {
      return CompletableFuture.completedFuture(held);
    }
    AsyncProxyManager<byte[]> buckets = up ? redis.buckets() : null;
    if (buckets == null) {
      return CompletableFuture.completedFuture(local(inFlight, rates, estimatedTokens, nowNanos));
    }
    CompletableFuture<Admission> shared;
    try {
      shared = remote(buckets, rates, estimatedTokens);
    } catch (RuntimeException e) {
      shared = CompletableFuture.failedFuture(e);
    }
    return shared.handle(
        (adm, err) -> {
          if (err != null || adm == null) {
            lost(err);
            return local(inFlight, rates, estimatedTokens, System.nanoTime());
          }
          sharedDecisions.increment();
          if (failures.get() != 0) {
            failures.set(0);
          }
          return together(inFlight, adm);
        });
  }

  /** Decides on this gateway's share of each limit. */
  private Admission local(Permit inFlight, List<Key> rates, long estimatedTokens, long nowNanos) {
    localDecisions.increment();
    int n = settings.expectedInstances();
    List<Key> share = new ArrayList<>(rates.size());
    for (Key k : rates) {
      LimitSpec s = k.spec();
      share.add(
          new Key(
              k.scope(), k.id(), new LimitSpec((int) ceilDiv(s.rpm(), n), ceilDiv(s.tpm(), n), 0)));
    }
    return together(inFlight, fallback.admit(share, estimatedTokens, nowNanos));
  }

  private static Admission together(Permit inFlight, Admission rate) {
    if (rate instanceof Permit p) {
      return new Permit(
          p.info(),
          actual -> {
            inFlight.finish(-1);
            p.finish(actual);
          });
    }
    inFlight.finish(-1);
    return rate;
  }

  /** What one bucket answered: admitted or not, what it took, and what is left. */
  private record Probe(boolean admitted, long taken, long remaining, long nanosToWait) {}

  /** One scope's buckets and their answers for one request. */
  private static final class Ask {
    final Key key;
    @Nullable AsyncBucketProxy requests;
    @Nullable CompletableFuture<Probe> requestsProbe;
    @Nullable AsyncBucketProxy tokens;
    @Nullable CompletableFuture<Probe> tokensProbe;

    Ask(Key key) {
      this.key = key;
    }
  }

  private CompletableFuture<Admission> remote(
      AsyncProxyManager<byte[]> buckets, List<Key> rates, long estimatedTokens) {
    List<Ask> asks = new ArrayList<>(rates.size());
    List<CompletableFuture<Probe>> all = new ArrayList<>(rates.size() * 2);
    for (Key k : rates) {
      Ask a = new Ask(k);
      LimitSpec s = k.spec();
      if (s.rpm() > 0) {
        AsyncBucketProxy b = bucket(buckets, k, "r", s.rpm());
        a.requests = b;
        a.requestsProbe = take(b, 1);
        all.add(a.requestsProbe);
      }
      if (s.tpm() > 0) {
        AsyncBucketProxy b = bucket(buckets, k, "t", s.tpm());
        a.tokens = b;
        // As locally: a request larger than the minute's allowance is charged the allowance; one
        // with nothing to charge up front only needs a token left.
        a.tokensProbe =
            estimatedTokens > 0
                ? take(b, Math.max(1, Math.min(estimatedTokens, s.tpm())))
                : peek(b);
        all.add(a.tokensProbe);
      }
      asks.add(a);
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new))
        .orTimeout(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete(
            (v, err) -> {
              if (err != null) {
                giveBack(asks); // what Redis took before or after the time-out
              }
            })
        .thenApply(v -> decide(asks, estimatedTokens));
  }

  private Admission decide(List<Ask> asks, long estimatedTokens) {
    long limReq = -1;
    long remReq = Long.MAX_VALUE;
    long limTok = -1;
    long remTok = Long.MAX_VALUE;
    for (Ask a : asks) {
      LimitSpec s = a.key.spec();
      Probe pr = a.requestsProbe == null ? null : a.requestsProbe.join();
      if (pr != null && !pr.admitted()) {
        giveBack(asks);
        long wait = ceilMillis(pr.nanosToWait());
        return new Refusal(
            a.key.scope(),
            "requests",
            wait,
            new RateInfo(s.rpm(), 0, wait, s.tpm() > 0 ? s.tpm() : -1, -1, 0));
      }
      Probe pt = a.tokensProbe == null ? null : a.tokensProbe.join();
      if (pt != null && !pt.admitted()) {
        giveBack(asks);
        long wait = ceilMillis(pt.nanosToWait());
        return new Refusal(
            a.key.scope(),
            "tokens",
            wait,
            new RateInfo(
                s.rpm() > 0 ? s.rpm() : -1, -1, 0, s.tpm(), Math.max(0, pt.remaining()), wait));
      }
      if (pr != null && pr.remaining() < remReq) {
        remReq = pr.remaining();
        limReq = s.rpm();
      }
      if (pt != null && pt.remaining() < remTok) {
        remTok = pt.remaining();
        limTok = s.tpm();
      }
    }
    RateInfo info =
        new RateInfo(
            limReq,
            limReq < 0 ? -1 : remReq,
            limReq < 0 ? 0 : toReset(limReq, remReq),
            limTok,
            limTok < 0 ? -1 : remTok,
            limTok < 0 ? 0 : toReset(limTok, remTok));
    return new Permit(info, actual -> correct(asks, estimatedTokens, actual));
  }

  /** After the answer: the token buckets are charged the real usage instead of the estimate. */
  private void correct(List<Ask> asks, long estimatedTokens, long actualTokens) {
    long diff = actualTokens < 0 ? 0 : actualTokens - estimatedTokens;
    if (diff == 0) {
      return;
    }
    for (Ask a : asks) {
      AsyncBucketProxy t = a.tokens;
      if (t != null) {
        quietly(diff > 0 ? t.consumeIgnoringRateLimits(diff) : t.addTokens(-diff));
      }
    }
  }

  /** Returns what the buckets took, for a refused request (now or whenever Redis answers). */
  private void giveBack(List<Ask> asks) {
    for (Ask a : asks) {
      giveBack(a.requests, a.requestsProbe);
      giveBack(a.tokens, a.tokensProbe);
    }
  }

  private void giveBack(
      @Nullable AsyncBucketProxy bucket, @Nullable CompletableFuture<Probe> probe) {
    if (bucket == null || probe == null) {
      return;
    }
    probe.thenAccept(
        p -> {
          if (p.admitted() && p.taken() > 0) {
            quietly(bucket.addTokens(p.taken()));
          }
        });
  }

  private static void quietly(CompletableFuture<?> f) {
    f.whenComplete(
        (v, err) -> {
          if (err != null) {
            LOG.debug("shared limits: a correction was lost: {}", err.toString());
          }
        });
  }

  private static CompletableFuture<Probe> take(AsyncBucketProxy b, long n) {
    return b.tryConsumeAndReturnRemaining(n)
        .thenApply(
            p ->
                new Probe(
                    p.isConsumed(),
                    p.isConsumed() ? n : 0,
                    p.getRemainingTokens(),
                    p.getNanosToWaitForRefill()));
  }

  private static CompletableFuture<Probe> peek(AsyncBucketProxy b) {
    return b.estimateAbilityToConsume(1)
        .thenApply(
            p ->
                new Probe(
                    p.canBeConsumed(), 0, p.getRemainingTokens(), p.getNanosToWaitForRefill()));
  }

  /** A bucket proxy kept between requests, so that Bucket4j can batch concurrent ones. */
  private static final class Cached {
    final AsyncProxyManager<byte[]> manager;
    final AsyncBucketProxy bucket;
    volatile long lastUsed;

    Cached(AsyncProxyManager<byte[]> manager, AsyncBucketProxy bucket, long now) {
      this.manager = manager;
      this.bucket = bucket;
      this.lastUsed = now;
    }
  }

  /**
   * The Redis bucket of one scope and kind. Its key carries the limit, so gateways that disagree on
   * a limit (during a configuration roll-out) keep separate buckets instead of fighting over one.
   *
   * <p>The proxy is kept and built with Bucket4j's batching: requests that reach a bucket while an
   * earlier one is still on its way to Redis go together in one compare-and-swap, instead of each
   * retrying against the others (every request of a busy account hits the same bucket).
   */
  private AsyncBucketProxy bucket(
      AsyncProxyManager<byte[]> buckets, Key k, String kind, long perMinute) {
    String key = settings.keyPrefix() + k.scope().id() + ':' + k.id() + ':' + kind + perMinute;
    long now = System.nanoTime();
    Cached c = proxies.get(key);
    if (c == null || c.manager != buckets) {
      Cached fresh =
          new Cached(
              buckets,
              buckets
                  .builder()
                  .withOptimization(Optimizations.batching())
                  .build(
                      key.getBytes(StandardCharsets.UTF_8),
                      configs.computeIfAbsent(perMinute, SharedLimits::perMinute)),
              now);
      proxies.put(key, fresh);
      return fresh.bucket;
    }
    c.lastUsed = now;
    return c.bucket;
  }

  private static BucketConfiguration perMinute(long perMinute) {
    return BucketConfiguration.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(perMinute)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .build();
  }

  // ------------------------------------------------------------------ health

  /** Checks Redis once (unless a check is under way) and records the outcome. */
  private CompletableFuture<Void> probe() {
    if (!probing.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f;
    try {
      f = redis.probe();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    // Answering slower than a request may wait counts as away: requests would time out.
    Duration wait =
        redis.buckets() == null
            ? settings.connectTimeout().plus(settings.timeout())
            : settings.timeout();
    return f.orTimeout(wait.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete(
            (v, err) -> {
              probing.set(false);
              if (err == null) {
                back();
              } else {
                lost(err);
              }
            });
  }

  private void back() {
    failures.set(0);
    if (!up) {
      up = true;
      LOG.info("shared limits: redis at {} answers again; limits are shared again", where);
    }
  }

  private void lost(@Nullable Throwable err) {
    Throwable e = err;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    String why =
        e == null
            ? "no answer"
            : e instanceof TimeoutException || e instanceof RedisCommandTimeoutException
                ? "no answer within " + settings.timeout().toMillis() + " ms"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    reason = why;
    // A lost or refused connection is plain; one slow answer (a pause on either side) is not yet
    // an outage: that request is decided locally, the others keep asking Redis.
    boolean slow = e instanceof TimeoutException || e instanceof RedisCommandTimeoutException;
    if (failures.incrementAndGet() < SLOW_ANSWERS_FOR_OUTAGE && slow) {
      return;
    }
    if (up) {
      up = false;
      LOG.warn(
          "shared limits: redis at {} unavailable ({}); deciding on local limits (1/{} of each)"
              + " until it answers again",
          where,
          why,
          settings.expectedInstances());
    }
  }

  // ------------------------------------------------------------------ status

  /** Whether the limits are shared right now (Redis answered the latest request or check). */
  public boolean up() {
    return up;
  }

  /** Requests decided on local buckets because Redis was away, since start. */
  public long fallbacks() {
    return localDecisions.sum();
  }

  /** Requests decided on the shared buckets, since start. */
  public long sharedDecisions() {
    return sharedDecisions.sum();
  }

  @Override
  public @Nullable String degraded() {
    if (up) {
      return null;
    }
    return "shared limits unavailable (redis at "
        + where
        + ": "
        + reason
        + "); deciding on local limits, 1/"
        + settings.expectedInstances()
        + " of each requests and tokens per minute limit";
  }

  @Override
  public int sweep(long nowNanos) {
    int before = proxies.size();
    proxies.values().removeIf(c -> nowNanos - c.lastUsed > IDLE_NANOS);
    return concurrency.sweep(nowNanos) + fallback.sweep(nowNanos) + before - proxies.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    redis.close();
  }

  /** host:port of a Redis URI, without the password it may carry. */
  private static String hostAndPort(String uri) {
    try {
      URI u = URI.create(uri);
      return u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort());
    } catch (IllegalArgumentException e) {
      return "(bad uri)";
    }
  }

  private static long ceilDiv(long a, int n) {
    return a <= 0 ? 0 : (a + n - 1) / n;
  }

  private static long ceilMillis(long nanos) {
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }

  /** Milliseconds until a greedily refilled per-minute bucket is full again. */
  private static long toReset(long perMinute, long remaining) {
    long missing = Math.max(0, perMinute - remaining);
    return Math.max(1, (missing * 60_000 + perMinute - 1) / perMinute);
  }
}
