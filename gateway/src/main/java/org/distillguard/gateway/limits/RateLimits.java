package org.distillguard.gateway.limits;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where the rate limits live: in this process ({@link Limiter}), or in a store that several
 * gateways share ({@code limits.redis}). The proxy asks through this interface so that it does not
 * care which.
 */
public interface RateLimits extends AutoCloseable {
  /**
   * Admits or refuses one request estimated at {@code estimatedTokens} in every scope given. Local
   * limits answer before this method returns; shared ones later, on a thread of their client (the
   * caller moves back to its own). It never fails: a backend that cannot answer decides locally.
   */
  CompletionStage<Limiter.Admission> check(
      List<Limiter.Key> keys, long estimatedTokens, long nowNanos);

  /** Forgets idle scopes; call now and then. */
  int sweep(long nowNanos);

  /**
   * Null while the limits work as configured; otherwise why they are degraded (for {@code /readyz}
   * and logs), e.g. a shared store that cannot be reached.
   */
  default @Nullable String degraded() {
    return null;
  }

  @Override
  default void close() {}
}
