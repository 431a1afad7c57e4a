package org.distillguard.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Prometheus metrics: requests by endpoint, status and action; latency histograms
 * (whole request, and upstream first byte); policy decisions; limit refusals; detector queue, lag
 * and drops. Meters are cached per label set so the request path does no registry lookups.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One finished request. */
  public void request(String endpoint, int status, String action, boolean stream, long nanos) {
    counters
        .computeIfAbsent(
            "r|" + endpoint + '|' + status + '|' + action,
            k ->
                Counter.builder("distillguard.requests")
                    .description("Requests handled, by endpoint, HTTP status and policy action")
                    .tag("endpoint", endpoint)
                    .tag("status", Integer.toString(status))
                    .tag("action", action)
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            "d|" + endpoint + '|' + stream,
            k ->
                Timer.builder("distillguard.request.duration")
                    .description("Time from request to the last byte of the answer")
                    .tag("endpoint", endpoint)
                    .tag("stream", Boolean.toString(stream))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Time until the upstream's response headers arrived. */
  public void firstByte(String upstream, long nanos) {
    timers
        .computeIfAbsent(
            "f|" + upstream,
            k ->
                Timer.builder("distillguard.upstream.first_byte")
                    .description("Time until the upstream's response headers")
                    .tag("upstream", upstream)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A policy decision other than a default allow. */
  public void decision(String action, String cause) {
    count(
        "distillguard.decisions",
        "Policy decisions by action and cause",
        "action",
        action,
        "cause",
        cause);
  }

  /** A request refused by a limit. */
  public void limited(String scope, String what) {
    count("distillguard.limited", "Requests refused by a rate limit", "scope", scope, "what", what);
  }

  /** An upstream failure seen by a client: timeout, connect or reset. */
  public void upstreamError(String upstream, String kind) {
    count("distillguard.upstream.errors", "Upstream failures", "upstream", upstream, "kind", kind);
  }

  private void count(String name, String desc, String k1, String v1, String k2, String v2) {
    counters
        .computeIfAbsent(
            name + '|' + v1 + '|' + v2,
            k -> Counter.builder(name).description(desc).tag(k1, v1).tag(k2, v2).register(registry))
        .increment();
  }

  /** Registers a gauge read from {@code obj}. */
  public <T> void gauge(String name, String desc, T obj, ToDoubleFunction<T> f) {
    Gauge.builder(name, obj, f).description(desc).register(registry);
  }

  /** Registers a monotonically increasing count read from {@code obj}. */
  public <T> void functionCounter(String name, String desc, T obj, ToDoubleFunction<T> f) {
    FunctionCounter.builder(name, obj, f).description(desc).register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
