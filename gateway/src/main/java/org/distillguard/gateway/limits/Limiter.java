package org.distillguard.gateway.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Requests per minute, tokens per minute and concurrency for any number of scopes at once, on
 * Bucket4j token buckets (greedy refill: a minute's allowance trickles back continuously, so a
 * client that waits {@code Retry-After} gets through).
 *
 * <p>Tokens are charged in two steps: the estimated input before the call, and the difference to
 * the actual usage after it, which may push a bucket below zero so that the next requests wait. A
 * request is admitted only if every scope admits it; what was taken from the others is given back.
 * Thread-safe and lock-free (Bucket4j's local buckets use compare-and-swap).
 *
 * <p>These buckets live in this process; {@code limits.redis} shares them between gateways.
 */
public final class Limiter implements RateLimits {
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** One scope and its limits, for one request. */
  public record Key(Scope scope, String id, LimitSpec spec) {}

  private static final class State {
    final LimitSpec spec;
    final @Nullable Bucket requests;
    final @Nullable Bucket tokens;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long lastUsed;

    State(LimitSpec spec, long now) {
      this.spec = spec;
      this.requests = spec.rpm() > 0 ? bucket(spec.rpm()) : null;
      this.tokens = spec.tpm() > 0 ? bucket(spec.tpm()) : null;
      this.lastUsed = now;
    }

    private static Bucket bucket(long perMinute) {
      // Synchronized, not the default lock-free strategy: a scope's bucket is rarely contended (one
      // account's requests), and the lock-free one allocates a copy of its state on every call.
      return Bucket.builder()
          .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
          .addLimit(
              Bandwidth.builder()
                  .capacity(perMinute)
                  .refillGreedy(perMinute, Duration.ofMinutes(1))
                  .build())
          .build();
    }
  }

  /** A scope's map key (no concatenated string per request). */
  private record ScopeId(Scope scope, String id) {}

  private final ConcurrentHashMap<ScopeId, State> states = new ConcurrentHashMap<>();

  /** The outcome of {@link #admit}. */
  public sealed interface Admission permits Permit, Refusal {}

  /**
   * Why a request was refused.
   *
   * @param what {@code requests}, {@code tokens} or {@code concurrency}
   * @param retryAfterMillis when the scope will admit it again (for concurrency, a short hint)
   */
  public record Refusal(Scope scope, String what, long retryAfterMillis, RateInfo info)
      implements Admission {}

  /**
   * What the {@code x-ratelimit-*} headers report: the most constrained scope's figures, {@code -1}
   * where nothing limits.
   */
  public record RateInfo(
      long limitRequests,
      long remainingRequests,
      long resetRequestsMillis,
      long limitTokens,
      long remainingTokens,
      long resetTokensMillis) {
    public static final RateInfo NONE = new RateInfo(-1, -1, 0, -1, -1, 0);
  }

  /**
   * An admitted request; {@link #finish} it exactly once. What finishing does depends on where the
   * limits live (this process, or a store shared by several gateways).
   */
  public static final class Permit implements Admission {
    /** Releases what a permit holds and corrects its token charge. */
    @FunctionalInterface
    public interface Settlement {
      /**
       * @param actualTokens the exchange's real input + output tokens; negative: unknown
       */
      void settle(long actualTokens);
    }

    private final RateInfo info;
    private final Settlement settlement;
    private boolean finished;

    public Permit(RateInfo info, Settlement settlement) {
      this.info = info;
      this.settlement = settlement;
    }

    public RateInfo info() {
      return info;
    }

    /**
     * Releases the concurrency slots and corrects the token charge to {@code actualTokens}
     * (negative: unknown, keep the estimate).
     */
    public void finish(long actualTokens) {
      if (finished) {
        return;
      }
      finished = true;
      settlement.settle(actualTokens);
    }
  }

  private static void settle(List<State> held, long estimate, long actualTokens) {
    long diff = actualTokens < 0 ? 0 : actualTokens - estimate;
    for (State s : held) {
      if (s.spec.concurrency() > 0) {
        s.inFlight.decrementAndGet();
      }
      Bucket t = s.tokens;
      if (t != null && diff != 0) {
        if (diff > 0) {
          t.consumeIgnoringRateLimits(diff);
        } else {
          t.addTokens(-diff);
        }
      }
    }
  }

  @Override
  public CompletableFuture<Admission> check(List<Key> keys, long estimatedTokens, long nowNanos) {
    return CompletableFuture.completedFuture(admit(keys, estimatedTokens, nowNanos));
  }

  /** Tries to admit one request estimated at {@code estimatedTokens} in every scope given. */
  public Admission admit(List<Key> keys, long estimatedTokens, long nowNanos) {
    List<State> held = new ArrayList<>(keys.size());
    long limReq = -1;
    long remReq = Long.MAX_VALUE;
    long resetReq = 0;
    long limTok = -1;
    long remTok = Long.MAX_VALUE;
    long resetTok = 0;
    long charged = 0;
    for (Key k : keys) {
      if (k.spec().unlimited()) {
        continue;
      }
      State s = state(k, nowNanos);
      if (s.spec.concurrency() > 0 && s.inFlight.incrementAndGet() > s.spec.concurrency()) {
        s.inFlight.decrementAndGet();
        rollback(held, charged);
        return new Refusal(k.scope(), "concurrency", 1_000, RateInfo.NONE);
      }
      Bucket r = s.requests;
      ConsumptionProbe pr = null;
      if (r != null) {
        pr = r.tryConsumeAndReturnRemaining(1);
        if (!pr.isConsumed()) {
          release(s);
          rollback(held, charged);
          long wait = ceilMillis(pr.getNanosToWaitForRefill());
          return new Refusal(
              k.scope(),
              "requests",
              wait,
              new RateInfo(s.spec.rpm(), 0, wait, s.spec.tpm() > 0 ? s.spec.tpm() : -1, -1, 0));
        }
      }
      Bucket t = s.tokens;
      ConsumptionProbe pt = null;
      if (t != null) {
        long want = Math.max(1, Math.min(estimatedTokens, s.spec.tpm()));
        pt = t.tryConsumeAndReturnRemaining(want);
        if (pt.isConsumed() && estimatedTokens <= 0) {
          t.addTokens(1); // nothing to charge up front; the probe only read the bucket
        }
        if (!pt.isConsumed()) {
          if (r != null) {
            r.addTokens(1);
          }
          release(s);
          rollback(held, charged);
          long wait = ceilMillis(pt.getNanosToWaitForRefill());
          return new Refusal(
              k.scope(),
              "tokens",
              wait,
              new RateInfo(
                  s.spec.rpm() > 0 ? s.spec.rpm() : -1,
                  -1,
                  0,
                  s.spec.tpm(),
                  Math.max(0, pt.getRemainingTokens()),
                  wait));
        }
      }
      held.add(s);
      charged = estimatedTokens;
      if (pr != null && pr.getRemainingTokens() < remReq) {
        remReq = pr.getRemainingTokens();
        limReq = s.spec.rpm();
        resetReq = ceilMillis(pr.getNanosToWaitForReset());
      }
      if (pt != null && pt.getRemainingTokens() < remTok) {
        remTok = pt.getRemainingTokens();
        limTok = s.spec.tpm();
        resetTok = ceilMillis(pt.getNanosToWaitForReset());
      }
    }
    RateInfo info =
        new RateInfo(
            limReq, limReq < 0 ? -1 : remReq, resetReq, limTok, limTok < 0 ? -1 : remTok, resetTok);
    long estimate = estimatedTokens;
    return new Permit(info, actual -> settle(held, estimate, actual));
  }

  private static long ceilMillis(long nanos) {
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }

  private static void release(State s) {
    if (s.spec.concurrency() > 0) {
      s.inFlight.decrementAndGet();
    }
  }

  private static void rollback(List<State> held, long charged) {
    for (State s : held) {
      release(s);
      if (s.requests != null) {
        s.requests.addTokens(1);
      }
      if (s.tokens != null && charged > 0) {
        s.tokens.addTokens(Math.min(charged, s.spec.tpm()));
      }
    }
  }

  private State state(Key k, long now) {
    ScopeId id = new ScopeId(k.scope(), k.id());
    State s = states.get(id);
    if (s == null || !s.spec.equals(k.spec())) {
      State fresh = new State(k.spec(), now);
      if (s == null) {
        State prev = states.putIfAbsent(id, fresh);
        s = prev == null ? fresh : prev;
      } else {
        states.put(id, fresh); // limits changed: start the scope afresh under the new ones
        s = fresh;
      }
    }
    s.lastUsed = now;
    return s;
  }

  /** Forgets idle scopes; call now and then. */
  @Override
  public int sweep(long nowNanos) {
    int before = states.size();
    states.values().removeIf(s -> s.inFlight.get() == 0 && nowNanos - s.lastUsed > IDLE_NANOS);
    return before - states.size();
  }

  public int size() {
    return states.size();
  }
}
