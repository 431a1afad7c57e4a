package org.distillguard.gateway.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.keys.Directory;
import org.distillguard.gateway.metrics.GatewayMetrics;
import org.distillguard.gateway.store.Store;
import org.distillguard.intel.IndicatorFeed;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's intelligence sharing, started from the {@code intel:} section: opens the member's
 * {@link IntelNode} (its keys, pinned peers, import policy, state directory), optionally serves its
 * TAXII collection, runs the {@link IndicatorFeed} that polls the peers and swaps in new snapshots
 * (so imported indicators apply without a restart), and periodically publishes the gateway's
 * matches as signed STIX sightings in the member's own collection, where the publishers read them.
 */
public final class IntelService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IntelService.class);

  private final IntelNode node;
  private final IndicatorFeed feed;
  private final AtomicReference<@Nullable IntelSnapshot> snapshot = new AtomicReference<>();
  private final Sightings sightings = new Sightings();
  private final java.util.concurrent.atomic.AtomicInteger held =
      new java.util.concurrent.atomic.AtomicInteger(-1);
  private final ScheduledExecutorService background;
  private final IntelGate gate;

  private IntelService(
      GatewayConfig.Intel config,
      IntelNode node,
      Store store,
      Directory directory,
      GatewayMetrics metrics,
      Clock clock)
      throws IOException {
    this.node = node;
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "distillguard-intel-gateway");
              t.setDaemon(true);
              return t;
            });
    PromptSketcher sketcher = config.templates ? node.sketcher() : null;
    this.feed =
        node.feed(
            Duration.ofMillis(config.pollIntervalMs),
            m -> {
              snapshot.set(IntelSnapshot.of(m, sketcher));
              // Sightings arriving change the store every poll: log only what an operator notices.
              int n = m.indicators().size();
              if (held.getAndSet(n) != n) {
                LOG.info("intel: {} imported indicator(s) held", n);
              }
            });
    // The feed may already have swapped in a newer snapshot: only fill the gap.
    snapshot.compareAndSet(null, IntelSnapshot.of(feed.current(), sketcher));
    this.gate =
        new IntelGate(
            this::snapshot,
            new SubjectFingerprints(node.fingerprints()),
            directory,
            sightings,
            new DecisionRefs(store, background, clock),
            clock);
    if (config.sightingsIntervalMs > 0) {
      background.scheduleWithFixedDelay(
          this::publishSightingsQuietly,
          config.sightingsIntervalMs,
          config.sightingsIntervalMs,
          TimeUnit.MILLISECONDS);
    }
    metrics.gauge(
        "distillguard.intel.indicators",
        "Imported indicators held (any action)",
        this,
        s -> s.snapshot().matcher().indicators().size());
  }

  /**
   * Starts intelligence sharing for a gateway; throws with a message naming the problem (the
   * configuration file, a key file, the TAXII port).
   */
  public static IntelService start(
      GatewayConfig.Intel config,
      Path baseDir,
      Store store,
      Directory directory,
      GatewayMetrics metrics,
      Clock clock)
      throws IOException {
    Path file = config.file(baseDir);
    IntelConfig ic;
    try {
      ic = IntelConfig.read(file);
    } catch (IntelConfig.ConfigException e) {
      throw new IOException("intel.config: " + e.getMessage(), e);
    }
    IntelNode node;
    try {
      node = IntelNode.open(ic, clock);
    } catch (IOException e) {
      throw new IOException("intel: cannot open member " + ic.member() + ": " + e.getMessage(), e);
    }
    try {
      if (config.serve) {
        node.serve();
      }
      IntelService s = new IntelService(config, node, store, directory, metrics, clock);
      LOG.info(
          "intel: member {}, polling {} peer(s) every {} ms{}",
          ic.member(),
          ic.peers().stream().filter(p -> p.taxii() != null).count(),
          config.pollIntervalMs,
          config.serve ? ", TAXII server on " + ic.server().host() + ":" + ic.server().port() : "");
      return s;
    } catch (IOException | RuntimeException e) {
      node.close();
      throw new IOException("intel: " + e.getMessage(), e);
    }
  }

  /** The check the proxy applies to every request. */
  public IntelGate gate() {
    return gate;
  }

  /** The snapshot requests are matched against now. */
  public IntelSnapshot snapshot() {
    IntelSnapshot s = snapshot.get();
    return s == null ? IntelSnapshot.EMPTY : s;
  }

  public Sightings sightings() {
    return sightings;
  }

  public IntelNode node() {
    return node;
  }

  /**
   * Publishes the indicators matched since the last report as signed sightings in the member's own
   * collection; returns the server's status, or null when there was nothing to report. Matches
   * whose report fails are reported again next time.
   */
  public @Nullable JsonNode publishSightings() throws IOException {
    Map<String, long[]> changed = sightings.takeChanged();
    if (changed.isEmpty()) {
      return null;
    }
    try {
      JsonNode status = node.publish(node.sightings(changed));
      if (status.path("failure_count").asInt() > 0) {
        LOG.warn("intel: sightings partly refused by the own collection: {}", status);
      }
      return status;
    } catch (IOException | RuntimeException e) {
      sightings.unreported(changed.keySet());
      throw e;
    }
  }

  private void publishSightingsQuietly() {
    try {
      publishSightings();
    } catch (IOException | RuntimeException e) {
      LOG.warn("intel: publishing sightings failed (retried later): {}", e.toString());
    }
  }

  @Override
  public void close() {
    background.shutdown();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publishSightingsQuietly();
    feed.close();
    try {
      node.close();
    } catch (IOException e) {
      LOG.warn("intel: closing the member's state failed: {}", e.toString());
    }
  }
}
