package org.distillguard.intel;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.distillguard.intel.IntelConfig.PeerConfig;
import org.distillguard.intel.ingest.ImportPolicy;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.taxii.Poller;

/**
 * What the gateway holds: the current {@link IndicatorMatcher}, kept fresh in the background. Every
 * {@code interval} it polls the peers and, if the store changed (or the policy's decay may have
 * moved a decision, at most every {@code rebuildEvery}), builds a new snapshot and swaps it in
 * atomically; request threads call {@link #current()} and never wait. Imported indicators thus
 * apply without a restart, within about one interval of their publication.
 */
public final class IndicatorFeed implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.distillguard.intel.feed");

  private final Poller poller;
  private final List<PeerConfig> peers;
  private final IndicatorStore store;
  private final ImportPolicy policy;
  private final Clock clock;
  private final Duration rebuildEvery;
  private final Consumer<IndicatorMatcher> onChange;
  private final ScheduledExecutorService exec;
  private volatile IndicatorMatcher current;
  private long builtGeneration;
  private long builtAt;

  IndicatorFeed(
      Poller poller,
      List<PeerConfig> peers,
      IndicatorStore store,
      ImportPolicy policy,
      Clock clock,
      Duration interval,
      Duration rebuildEvery,
      Consumer<IndicatorMatcher> onChange) {
    this.poller = poller;
    this.peers = List.copyOf(peers);
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.rebuildEvery = rebuildEvery;
    this.onChange = onChange;
    this.current = IndicatorMatcher.build(store, policy, clock.millis());
    this.builtGeneration = store.generation();
    this.builtAt = clock.millis();
    this.exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "distillguard-intel-feed");
              t.setDaemon(true);
              return t;
            });
    exec.scheduleWithFixedDelay(
        this::tick, 0, Math.max(10, interval.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** The snapshot to match requests against now. */
  public IndicatorMatcher current() {
    return current;
  }

  /** One poll and, if needed, a rebuild; runs on the feed's thread (public for tests). */
  void tick() {
    try {
      poller.pollAll(peers);
      long now = clock.millis();
      if (store.generation() != builtGeneration || now - builtAt >= rebuildEvery.toMillis()) {
        builtGeneration = store.generation();
        builtAt = now;
        IndicatorMatcher m = IndicatorMatcher.build(store, policy, now);
        current = m;
        onChange.accept(m);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "intel feed: poll or rebuild failed: {0}", e.toString());
    }
  }

  @Override
  public void close() {
    exec.shutdownNow();
    try {
      exec.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
