package org.distillguard.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.gateway.admin.AdminApi;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.inline.InlineDetection;
import org.distillguard.gateway.intel.IntelGate;
import org.distillguard.gateway.intel.IntelService;
import org.distillguard.gateway.journal.Journal;
import org.distillguard.gateway.kafka.KafkaLink;
import org.distillguard.gateway.keys.Directory;
import org.distillguard.gateway.limits.Limiter;
import org.distillguard.gateway.limits.RateLimits;
import org.distillguard.gateway.limits.TokenEstimator;
import org.distillguard.gateway.limits.redis.SharedLimits;
import org.distillguard.gateway.limits.redis.SharedSettings;
import org.distillguard.gateway.mark.Marking;
import org.distillguard.gateway.metrics.GatewayMetrics;
import org.distillguard.gateway.policy.AccessLists;
import org.distillguard.gateway.policy.Action;
import org.distillguard.gateway.policy.Policy;
import org.distillguard.gateway.policy.Standings;
import org.distillguard.gateway.proxy.ProxyHandler;
import org.distillguard.gateway.proxy.Upstreams;
import org.distillguard.gateway.store.JdbcStore;
import org.distillguard.gateway.store.Store;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: {@link #start} wires the store, directory, limits, policy, inline detector,
 * journal, proxy and admin listeners from a {@link GatewayConfig}; {@link #close} shuts down
 * gracefully (new requests get 503 while in-flight answers and streams finish, then the detector
 * drains its queue and the journal is flushed).
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final Store store;
  private final Operations operations;
  private final Directory directory;
  private final @Nullable InlineDetection detection;
  private final @Nullable Marking marking;
  private final @Nullable IntelService intel;
  private final GatewayMetrics metrics;
  private final Vertx vertx;
  private final HttpClient client;
  private final ProxyHandler proxy;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final RateLimits limiter;
  private final @Nullable KafkaLink kafka;
  private volatile AccessLists lists = AccessLists.EMPTY;
  private volatile boolean closed;
  private int port;
  private int adminPort = -1;

  private Gateway(GatewayConfig config, Clock clock) throws IOException {
    this.config = config;
    this.store =
        JdbcStore.open(ConfigLoader.jdbcUrl(config), config.store.user, config.store.password);
    Audit audit = new Audit(store, clock);
    this.operations = new Operations(store, audit);
    this.directory = new Directory(config.auth.mode.equals("passthrough"));
    this.metrics = new GatewayMetrics();
    refresh();
    if (config.detector.enabled) {
      DetectorConfig d = DetectorConfig.defaults();
      DetectorConfig dc =
          new DetectorConfig(
              config.detector.suspiciousAt != null
                  ? config.detector.suspiciousAt
                  : d.suspiciousAt(),
              config.detector.distillationAt != null
                  ? config.detector.distillationAt
                  : d.distillationAt(),
              config.detector.minRequests != null ? config.detector.minRequests : d.minRequests(),
              d.modelReleases());
      Detector detector =
          new Detector(
              dc,
              ScoringModel.shipped(),
              PromptAnalyzer.standard(),
              config.detector.linking ? LinkerConfig.defaults() : null);
      Path dir = config.baseDir.resolve(config.journal.dir);
      Journal journal =
          config.journal.enabled && config.kafka.keepsJournal()
              ? new Journal(
                  dir, config.journal.keepPrompts, config.journal.rotateMb * 1024L * 1024L, clock)
              : null;
      InlineDetection det =
          new InlineDetection(detector, journal, audit, config.detector.queueCapacity);
      det.load(store.verdicts());
      if (config.detector.replayJournal && journal != null && config.journal.keepPrompts) {
        long t0 = System.nanoTime();
        long since = clock.millis() - config.detector.replayDays * 86_400_000L;
        List<Path> files = new java.util.ArrayList<>();
        for (Path f : Journal.files(dir)) {
          if (java.nio.file.Files.getLastModifiedTime(f).toMillis() >= since) {
            files.add(f);
          }
        }
        long n = det.replay(files);
        if (n > 0) {
          LOG.info(
              "replayed {} journaled exchanges into the detector in {} ms",
              n,
              (System.nanoTime() - t0) / 1_000_000);
        }
      }
      det.start();
      this.detection = det;
    } else {
      this.detection = null;
    }
    this.kafka =
        config.kafka.enabled()
            ? KafkaLink.open(config.kafka, config.baseDir, config.listen.port, audit, clock)
            : null;
    int loops =
        config.eventLoops > 0 ? config.eventLoops : Runtime.getRuntime().availableProcessors();
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(loops)
                .setWorkerPoolSize(8)
                .setPreferNativeTransport(config.nativeTransport));
    int maxConn = 1;
    for (GatewayConfig.Upstream u : config.upstreams) {
      maxConn = Math.max(maxConn, u.maxConnections);
    }
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) config.timeouts.connectMs)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(maxConn).setMaxWaitQueueSize(-1));
    this.limiter = limits(config.limits.shared);
    this.marking = Marking.from(config, store, clock);
    this.intel =
        config.intel.enabled()
            ? IntelService.start(config.intel, config.baseDir, store, directory, metrics, clock)
            : null;
    GatewayConfig.Policy p = config.policy;
    Policy policy =
        new Policy(
            Action.of(p.suspicious),
            Action.of(p.distillation),
            Action.of(p.campaign),
            Action.of(p.campaignConfirmed));
    this.proxy =
        new ProxyHandler(
            vertx,
            client,
            config,
            new Upstreams(config.upstreams, config.baseDir),
            directory,
            () -> lists,
            policy,
            intel == null ? IntelGate.OFF : intel.gate(),
            limiter,
            new TokenEstimator(config.limits.tokenizer),
            detection,
            metrics,
            clock,
            marking);
    KafkaLink k = kafka;
    if (k != null) {
      InlineDetection local = detection;
      proxy.useStandings(k.standings(local == null ? Standings.NONE : local::standing, policy));
      if (k.publishes()) {
        proxy.publishTo(k::publish);
      }
      k.registerMetrics(metrics);
    }
    registerGauges();
  }

  private static RateLimits limits(GatewayConfig.SharedLimits s) {
    if (!s.backend.equals("redis")) {
      return new Limiter();
    }
    return SharedLimits.start(
        new SharedSettings(
            s.uri,
            Duration.ofMillis(s.timeoutMs),
            Duration.ofMillis(s.connectTimeoutMs),
            Duration.ofMillis(s.probeMs),
            s.expectedInstances,
            s.keyPrefix));
  }

  /** Starts a gateway; throws with a message for the operator when it cannot. */
  public static Gateway start(GatewayConfig config, Clock clock) throws IOException {
    Gateway g = new Gateway(config, clock);
    try {
      g.listen();
    } catch (RuntimeException e) {
      g.close();
      throw new IOException("cannot listen: " + e.getMessage(), e);
    }
    return g;
  }

  private void listen() {
    Handler<HttpServerRequest> main =
        req -> {
          String path = req.path();
          if (path.equals("/healthz")) {
            req.response().end("ok\n");
          } else if (path.equals("/readyz")) {
            boolean ok = !closed;
            String why = ok ? degraded() : null; // still serving: local limits, last decisions
            req.response()
                .setStatusCode(ok ? 200 : 503)
                .end(!ok ? "draining\n" : why == null ? "ready\n" : "degraded: " + why + "\n");
          } else {
            proxy.handle(req);
          }
        };
    int loops =
        config.eventLoops > 0 ? config.eventLoops : Runtime.getRuntime().availableProcessors();
    // One server per event loop, all on one port: Vert.x spreads connections across them. Port 0
    // (tests) is resolved to a free port first so that every instance binds the same one.
    int wanted = config.listen.port;
    if (wanted == 0 && loops > 1) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
        wanted = probe.getLocalPort();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("no free port: " + e.getMessage(), e);
      }
    }
    port = deploy(main, config.listen.host, wanted, loops);
    if (config.admin.port >= 0) {
      AdminApi admin =
          new AdminApi(
              vertx,
              operations,
              config.admin.token,
              detection,
              metrics,
              () -> !closed && store.ping(),
              this::refresh,
              Map.of("listen_port", port));
      admin.degradedBy(this::degraded);
      adminPort = deploy(admin, config.admin.host, config.admin.port, 1);
    }
    vertx.setPeriodic(
        Math.max(1, config.store.refreshSeconds) * 1000L,
        t ->
            vertx
                .executeBlocking(
                    () -> {
                      refresh();
                      return null;
                    },
                    false)
                .onFailure(e -> LOG.warn("refresh from the store failed: {}", e.toString())));
    vertx.setPeriodic(60_000, t -> limiter.sweep(System.nanoTime()));
    LOG.info(
        "distillguard gateway listening on {}:{} (admin {}), {} upstream(s), {} key(s), {}"
            + " transport",
        config.listen.host,
        port,
        adminPort < 0 ? "off" : config.admin.host + ":" + adminPort,
        config.upstreams.size(),
        directory.keyCount(),
        transport());
  }

  private int deploy(Handler<HttpServerRequest> handler, String host, int port, int instances) {
    HttpServerOptions opts =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setTcpNoDelay(true)
            .setCompressionSupported(false)
            .setIdleTimeout(300);
    List<HttpServer> mine = new CopyOnWriteArrayList<>();
    vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(opts)
                        .requestHandler(handler)
                        .listen()
                        .onSuccess(mine::add);
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .await();
    servers.addAll(mine);
    return mine.get(0).actualPort();
  }

  private void registerGauges() {
    metrics.gauge(
        "distillguard.inflight.requests", "Requests being handled", proxy, ProxyHandler::inFlight);
    metrics.gauge(
        "distillguard.keys", "Valid keys known to the gateway", directory, Directory::keyCount);
    if (limiter instanceof SharedLimits shared) {
      metrics.gauge(
          "distillguard.limits.shared.up",
          "1 while rate limits are shared through Redis, 0 while decided locally",
          shared,
          s -> s.up() ? 1 : 0);
      metrics.functionCounter(
          "distillguard.limits.shared.fallbacks",
          "Requests decided on local limits because Redis was unavailable",
          shared,
          SharedLimits::fallbacks);
    }
    Marking mk = marking;
    if (mk != null) {
      metrics.functionCounter(
          "distillguard.mark.servings",
          "Marked answers recorded in the store",
          mk,
          Marking::recorded);
      metrics.functionCounter(
          "distillguard.mark.servings.dropped",
          "Marked answers not recorded because the store's queue was full",
          mk,
          Marking::dropped);
    }
    InlineDetection d = detection;
    if (d != null) {
      metrics.gauge(
          "distillguard.detector.queue",
          "Exchanges waiting for the detector",
          d,
          InlineDetection::queued);
      metrics.gauge(
          "distillguard.detector.lag.seconds",
          "How long the latest exchange waited for the detector",
          d,
          x -> x.lastLagNanos() / 1e9);
      metrics.functionCounter(
          "distillguard.detector.processed",
          "Exchanges the detector has seen",
          d,
          InlineDetection::processed);
      metrics.functionCounter(
          "distillguard.detector.dropped",
          "Exchanges dropped because the detector's queue was full",
          d,
          InlineDetection::dropped);
      metrics.gauge(
          "distillguard.standings",
          "Accounts with a verdict in force",
          d,
          x -> x.standings().size());
    }
  }

  /**
   * Why the gateway serves in a degraded way (shared limits' Redis away: local limits; Kafka away:
   * last known decisions, spilling), or null.
   */
  public @Nullable String degraded() {
    String limits = limiter.degraded();
    KafkaLink k = kafka;
    String kafkaWhy = k == null ? null : k.degraded();
    if (limits == null) {
      return kafkaWhy;
    }
    return kafkaWhy == null ? limits : limits + "; " + kafkaWhy;
  }

  /** The Kafka link, or null when the {@code kafka} section is off. */
  public @Nullable KafkaLink kafka() {
    return kafka;
  }

  /** Rereads keys, accounts and lists from the store (blocking). */
  public void refresh() {
    directory.load(store.keys(), store.accounts());
    lists = new AccessLists(store.listEntries());
  }

  public int port() {
    return port;
  }

  /** The admin listener's port, or -1 when it is off. */
  public int adminPort() {
    return adminPort;
  }

  public Operations operations() {
    return operations;
  }

  public Store store() {
    return store;
  }

  /** The answer marking (watermark, canaries), or null when {@code marking.mode} is off. */
  public @Nullable Marking marking() {
    return marking;
  }

  public @Nullable InlineDetection detection() {
    return detection;
  }

  /** Intelligence sharing, when the {@code intel:} section is set. */
  public @Nullable IntelService intel() {
    return intel;
  }

  /** The network transport in use: {@code epoll} (see {@code native_transport}) or {@code NIO}. */
  public String transport() {
    return vertx.isNativeTransportEnabled() ? "epoll" : "NIO";
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Status figures for logs and tests. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("in_flight", proxy.inFlight());
    m.put("keys", directory.keyCount());
    String degraded = limiter.degraded();
    if (degraded != null) {
      m.put("limits_degraded", degraded);
    }
    KafkaLink k = kafka;
    if (k != null) {
      m.put("kafka", k.status());
    }
    return m;
  }

  /**
   * Graceful shutdown: refuses new requests (503), waits up to {@code grace} for in-flight requests
   * and streams, then stops listening, drains the detector and closes the store.
   */
  public void shutdown(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    proxy.drain();
    long deadline = System.nanoTime() + grace.toNanos();
    while (proxy.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (proxy.inFlight() > 0) {
      LOG.warn("shutdown: {} request(s) still in flight after the grace period", proxy.inFlight());
    }
    try {
      vertx.close().await();
    } catch (RuntimeException e) {
      LOG.warn("shutdown: closing Vert.x failed: {}", e.toString());
    }
    limiter.close();
    if (detection != null) {
      detection.close();
    }
    if (marking != null) {
      marking.close();
    }
    if (kafka != null) {
      kafka.close(Duration.ofSeconds(Math.min(10, Math.max(1, config.shutdownGraceSeconds))));
    }
    if (intel != null) {
      intel.close();
    }
    store.close();
    LOG.info("distillguard gateway stopped");
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(config.shutdownGraceSeconds));
  }
}
