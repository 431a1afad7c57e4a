package org.distillguard.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Usage;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.inline.InlineDetection;
import org.distillguard.gateway.intel.IntelGate;
import org.distillguard.gateway.keys.Directory;
import org.distillguard.gateway.keys.Identity;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.limits.Limiter;
import org.distillguard.gateway.limits.RateLimits;
import org.distillguard.gateway.limits.Scope;
import org.distillguard.gateway.limits.TokenEstimator;
import org.distillguard.gateway.mark.AnswerMarking;
import org.distillguard.gateway.mark.Marking;
import org.distillguard.gateway.metrics.GatewayMetrics;
import org.distillguard.gateway.policy.AccessLists;
import org.distillguard.gateway.policy.Action;
import org.distillguard.gateway.policy.Cidr;
import org.distillguard.gateway.policy.Decision;
import org.distillguard.gateway.policy.Policy;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.policy.Standings;
import org.distillguard.gateway.store.Account;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.wire.Api;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.gateway.wire.Degrader;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.ErrorBodies;
import org.distillguard.gateway.wire.Json;
import org.distillguard.gateway.wire.ResponseReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one client request on its event loop: authenticate, read the body (bounded), decide
 * (lists, verdict, campaign), degrade if so decided, charge the limits, forward, and pass the
 * answer back chunk by chunk with backpressure while reading its usage; then release the limits
 * with the actual usage and hand the exchange to the detector. Nothing here blocks.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
  private static final Logger ACCESS = LoggerFactory.getLogger("distillguard.access");
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  private static final int OUTPUT_CAP = 64 * 1024;
  private static final int COPY_CAP = 16 * 1024 * 1024;

  /**
   * Request headers never forwarded: hop-by-hop, credentials, and what the proxy recomputes. Sets
   * ordered ignoring case, so a header name is looked up as it came, without a lower-cased copy.
   */
  private static final Set<String> DROP_REQUEST =
      ignoringCase(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "authorization",
          "x-api-key",
          "accept-encoding",
          "expect");

  /** Response headers never passed back. */
  private static final Set<String> DROP_RESPONSE =
      ignoringCase(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length");

  private static Set<String> ignoringCase(String... names) {
    java.util.TreeSet<String> set = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return java.util.Collections.unmodifiableSet(set);
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final GatewayConfig config;
  private final Upstreams upstreams;
  private final Directory directory;
  private final Supplier<AccessLists> lists;
  private final Policy policy;
  private final IntelGate intel;
  private final Degrader degrader;
  private final RateLimits limiter;
  private final TokenEstimator estimator;
  private final @Nullable InlineDetection detection;
  private final @Nullable Marking marking;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final String idPrefix;
  private final LimitSpec keyDefault;
  private final LimitSpec accountDefault;
  private final LimitSpec orgDefault;
  private final LimitSpec ipDefault;
  private final LimitSpec throttled;
  private volatile boolean draining;
  private volatile Standings standings;
  private volatile @Nullable Consumer<Exchange> publisher;

  public ProxyHandler(
      Vertx vertx,
      HttpClient client,
      GatewayConfig config,
      Upstreams upstreams,
      Directory directory,
      Supplier<AccessLists> lists,
      Policy policy,
      IntelGate intel,
      RateLimits limiter,
      TokenEstimator estimator,
      @Nullable InlineDetection detection,
      GatewayMetrics metrics,
      Clock clock,
      @Nullable Marking marking) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.upstreams = upstreams;
    this.directory = directory;
    this.lists = lists;
    this.policy = policy;
    this.intel = intel;
    GatewayConfig.Degrade d = config.policy.degrade;
    this.degrader = new Degrader(d.maxTokens, d.refuseN, d.refuseLogprobs, d.stripReasoning);
    this.limiter = limiter;
    this.estimator = estimator;
    this.detection = detection;
    this.marking = marking;
    this.metrics = metrics;
    this.clock = clock;
    // Unique across gateways started in the same millisecond (their exchanges meet in Kafka).
    this.idPrefix =
        "dg-"
            + Long.toString(clock.millis(), 36)
            + Long.toString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36),
                36)
            + "-";
    this.keyDefault = spec(config.limits.key);
    this.accountDefault = spec(config.limits.account);
    this.orgDefault = spec(config.limits.org);
    this.ipDefault = spec(config.limits.ip);
    this.throttled = spec(config.limits.throttled);
    this.standings = detection == null ? Standings.NONE : detection::standing;
  }

  /** Where standings are read (the inline detector's, or combined with Kafka's decisions). */
  public void useStandings(Standings s) {
    this.standings = s;
  }

  /** Also hands every observed exchange to {@code sink} (Kafka); it must not block. */
  public void publishTo(Consumer<Exchange> sink) {
    this.publisher = sink;
  }

  static LimitSpec spec(GatewayConfig.Limit l) {
    return new LimitSpec(l.rpm, l.tpm, l.concurrency);
  }

  /** Requests being handled now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** New requests are refused with 503 from now on (graceful shutdown). */
  public void drain() {
    draining = true;
  }

  // ------------------------------------------------------------------ the request

  /** Everything known about one exchange as it goes through. */
  private final class Call {
    final HttpServerRequest req;
    final long startNanos = System.nanoTime();
    final long startMillis = clock.millis();
    Api api = Api.OPENAI;
    @Nullable Endpoint endpoint;
    @Nullable Identity identity;
    @Nullable String ip;
    @Nullable ApiRequest request;
    Decision decision = Decision.ALLOW;
    Limiter.@Nullable Permit permit;
    @Nullable ResponseReader reader;
    @Nullable AnswerMarking marking;
    @Nullable HttpClientRequest upstreamRequest;
    Upstreams.@Nullable Target target;
    long timer = -1;
    boolean done;
    boolean responded;
    int status;

    Call(HttpServerRequest req) {
      this.req = req;
    }
  }

  @Override
  public void handle(HttpServerRequest req) {
    Call c = new Call(req);
    inFlight.incrementAndGet();
    try {
      start(c);
    } catch (RuntimeException e) {
      internalError(c, e);
    }
  }

  /** A bug: logged with its trace, answered with a plain 500 in the API's format. */
  private void internalError(Call c, RuntimeException e) {
    LOG.error("internal error handling {} {}", c.req.method(), c.req.path(), e);
    fail(c, 500, "The gateway hit an internal error; please retry.", "internal_error");
  }

  private void start(Call c) {
    HttpServerRequest req = c.req;
    String path = req.path();
    Endpoint ep = Endpoint.forPath(path);
    c.api = ep == null ? Endpoint.apiForUnknownPath(path) : ep.api();
    if (ep == Endpoint.MODELS
        && (req.getHeader("anthropic-version") != null || req.getHeader("x-api-key") != null)) {
      c.api = Api.ANTHROPIC;
    }
    c.endpoint = ep;
    c.ip = clientIp(req);
    if (draining) {
      req.response().putHeader(HttpHeaders.CONNECTION, "close");
      fail(c, 503, "the gateway is shutting down; retry", null);
      return;
    }
    if (ep == null) {
      fail(c, 404, "Unknown request URL: " + req.method() + " " + path, "unknown_url");
      return;
    }
    if (!req.method().name().equals(ep.method())) {
      fail(c, 405, "Method " + req.method() + " is not allowed on " + path, "method_not_allowed");
      return;
    }
    String key = presentedKey(req);
    if (key == null) {
      fail(
          c,
          401,
          c.api == Api.ANTHROPIC
              ? "x-api-key header is required"
              : "You didn't provide an API key. Provide it in the Authorization header as"
                  + " 'Bearer YOUR_KEY'.",
          "missing_api_key");
      return;
    }
    Identity id = directory.identify(key);
    if (id == null) {
      fail(c, 401, "Incorrect API key provided.", "invalid_api_key");
      return;
    }
    c.identity = id;
    if (!ep.hasBody()) {
      proceed(c, null);
      return;
    }
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl != null) {
      try {
        if (Long.parseLong(cl.trim()) > config.maxRequestBytes) {
          tooLarge(c);
          return;
        }
      } catch (NumberFormatException e) {
        fail(c, 400, "Invalid Content-Length header", "invalid_request");
        return;
      }
    }
    Buffer body =
        Buffer.buffer(
            cl == null ? 1024 : (int) Math.min(Long.parseLong(cl.trim()), config.maxRequestBytes));
    req.handler(
        chunk -> {
          if (c.responded) {
            return;
          }
          if (body.length() + chunk.length() > config.maxRequestBytes) {
            tooLarge(c);
            return;
          }
          body.appendBuffer(chunk);
        });
    req.exceptionHandler(t -> finish(c, 499, Usage.NONE, ""));
    req.endHandler(
        v -> {
          if (!c.responded) {
            try {
              proceed(c, body);
            } catch (RuntimeException e) {
              internalError(c, e);
            }
          }
        });
  }

  private void tooLarge(Call c) {
    c.req.response().putHeader(HttpHeaders.CONNECTION, "close");
    fail(
        c,
        413,
        "Request too large: the body exceeds the gateway's limit of "
            + config.maxRequestBytes
            + " bytes.",
        "request_too_large");
  }

  private static @Nullable String presentedKey(HttpServerRequest req) {
    String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String k = auth.substring(7).trim();
      if (!k.isEmpty()) {
        return k;
      }
    }
    String x = req.getHeader("x-api-key");
    if (x != null && !x.isBlank()) {
      return x.trim();
    }
    return null;
  }

  private @Nullable String clientIp(HttpServerRequest req) {
    if (!config.clientIpHeader.isEmpty()) {
      String h = req.getHeader(config.clientIpHeader);
      if (h != null && !h.isBlank()) {
        int comma = h.indexOf(',');
        return (comma < 0 ? h : h.substring(0, comma)).trim();
      }
    }
    SocketAddress a = req.remoteAddress();
    return a == null ? null : a.hostAddress();
  }

  // ------------------------------------------------------------------ decide and admit

  private void proceed(Call c, @Nullable Buffer body) {
    Endpoint ep = java.util.Objects.requireNonNull(c.endpoint);
    Identity id = java.util.Objects.requireNonNull(c.identity);
    byte[] out = null;
    ApiRequest ar = null;
    if (body != null) {
      out = body.getBytes();
      JsonNode tree;
      try {
        tree = Json.parse(out);
      } catch (IOException e) {
        fail(c, 400, "We could not parse the JSON body of your request.", "invalid_json");
        return;
      }
      try {
        ar = ApiRequest.of(ep, tree);
      } catch (ApiRequest.Invalid e) {
        fail(c, 400, String.valueOf(e.getMessage()), "invalid_request");
        return;
      }
      c.request = ar;
    }
    byte[] ip = Cidr.literal(c.ip);
    ListEntry listed = lists.get().match(id.account(), id.keyId(), id.org(), ip);
    Standing standing = standings.standing(id.account());
    Decision d = intel.decide(policy.decide(listed, standing), listed, id, c.ip, ar);
    c.decision = d;
    if (d.action() != Action.ALLOW || listed != null) {
      String cause = IntelGate.decidedByIntel(d) ? "intel" : cause(standing);
      metrics.decision(d.action().id(), listed != null ? "list" : cause);
    }
    if (d.action() == Action.BLOCK) {
      fail(c, 403, blockMessage(id.account(), d), "policy_blocked");
      return;
    }
    boolean strip = false;
    boolean dropUsage = false;
    if (ar != null) {
      boolean changed = false;
      if (d.action() == Action.DEGRADE) {
        String refused = degrader.apply(ep, ar.body());
        if (refused != null) {
          fail(c, 403, refusedMessage(refused, d), "policy_degraded");
          return;
        }
        strip = degrader.stripsReasoning();
        changed = true;
      }
      if (ar.stream() && (ep == Endpoint.CHAT_COMPLETIONS || ep == Endpoint.COMPLETIONS)) {
        // Usage in a stream comes only if asked for; ask, and drop it again if the client didn't.
        JsonNode so = ar.body().get("stream_options");
        boolean asked =
            so != null && so.has("include_usage") && so.get("include_usage").asBoolean(false);
        if (!asked) {
          ObjectNode o =
              so instanceof ObjectNode existing ? existing : ar.body().putObject("stream_options");
          o.put("include_usage", true);
          dropUsage = true;
          changed = true;
        }
      }
      if (marking != null) {
        // Watermark and canaries (docs/WATERMARK.md): may force the upstream's switch on.
        c.marking = marking.plan(id.account(), standing, ep, ar);
        changed |= c.marking != null && c.marking.requestChanged();
      }
      if (changed) {
        out = Json.bytes(ar.body());
      }
    }
    // Limits.
    long estimate = ar == null ? 0 : estimator.estimate(ar.promptText(), ar.messages().size());
    List<Limiter.Key> keys = new ArrayList<>(5);
    keys.add(new Limiter.Key(Scope.KEY, id.keyId(), keyDefault));
    keys.add(new Limiter.Key(Scope.ACCOUNT, id.account(), accountSpec(id.account())));
    if (id.org() != null && !orgDefault.unlimited()) {
      keys.add(new Limiter.Key(Scope.ORG, id.org(), orgDefault));
    }
    if (ip != null && !ipDefault.unlimited()) {
      int bits = ip.length == 4 ? config.limits.ipPrefixV4 : config.limits.ipPrefixV6;
      keys.add(new Limiter.Key(Scope.IP, Cidr.prefixOf(ip, bits), ipDefault));
    }
    if (d.action() == Action.THROTTLE) {
      keys.add(new Limiter.Key(Scope.THROTTLE, id.account(), throttled));
    }
    // Shared limits answer asynchronously; carry on on this request's event loop when they do.
    byte[] payload = out;
    ApiRequest request = ar;
    boolean stripReasoning = strip;
    boolean dropStreamUsage = dropUsage;
    java.util.concurrent.CompletionStage<Limiter.Admission> answer =
        limiter.check(keys, estimate, System.nanoTime());
    if (answer instanceof java.util.concurrent.CompletableFuture<Limiter.Admission> done
        && done.isDone()
        && !done.isCompletedExceptionally()) {
      // Local limits answer at once: go on in this call, without a hop through the event loop.
      admitted(c, done.join(), ep, request, stripReasoning, dropStreamUsage, payload);
      return;
    }
    Future.fromCompletionStage(answer, vertx.getOrCreateContext())
        .onComplete(
            res -> {
              try {
                if (res.failed()) {
                  throw new IllegalStateException("the limits failed to answer", res.cause());
                }
                admitted(c, res.result(), ep, request, stripReasoning, dropStreamUsage, payload);
              } catch (RuntimeException e) {
                internalError(c, e);
              }
            });
  }

  private void admitted(
      Call c,
      Limiter.Admission adm,
      Endpoint ep,
      @Nullable ApiRequest ar,
      boolean strip,
      boolean dropUsage,
      byte @Nullable [] out) {
    if (c.done) { // the client went away while the limits were asked
      if (adm instanceof Limiter.Permit p) {
        p.finish(-1);
      }
      return;
    }
    if (adm instanceof Limiter.Refusal r) {
      metrics.limited(r.scope().id(), r.what());
      HttpServerResponse resp = c.req.response();
      long secs = Math.max(1, (r.retryAfterMillis() + 999) / 1000);
      resp.putHeader("retry-after", Long.toString(secs));
      resp.putHeader("retry-after-ms", Long.toString(r.retryAfterMillis()));
      rateHeaders(c.api, resp, r.info());
      String what =
          switch (r.what()) {
            case "tokens" -> "tokens per minute";
            case "concurrency" -> "concurrent requests";
            default -> "requests per minute";
          };
      fail(
          c,
          429,
          "Rate limit reached for "
              + what
              + " ("
              + r.scope().id()
              + " limit"
              + (r.scope() == Scope.THROTTLE ? ", reduced by policy" : "")
              + "). Please try again in "
              + secs
              + "s.",
          "rate_limit_exceeded");
      return;
    }
    Limiter.Permit permit = (Limiter.Permit) adm;
    c.permit = permit;
    Upstreams.Target t = upstreams.route(c.api, ar == null ? null : ar.model());
    if (t == null) {
      fail(
          c,
          404,
          "The model '"
              + (ar == null ? "" : ar.model())
              + "' does not exist or you do not have"
              + " access to it.",
          "model_not_found");
      return;
    }
    c.target = t;
    c.reader = new ResponseReader(ep, strip, dropUsage, config.journal.keepOutput ? OUTPUT_CAP : 0);
    forward(c, t, out == null ? Buffer.buffer() : Buffer.buffer(out));
  }

  /** Enrichment the gateway has: the account's creation time from the store. */
  private AccountMeta meta(String account) {
    Account a = directory.account(account);
    return a == null
        ? AccountMeta.NONE
        : new AccountMeta(a.createdMillis(), a.paymentFp(), a.emailDomain(), null, null);
  }

  private static String cause(@Nullable Standing s) {
    if (s == null) {
      return "none";
    }
    return s.campaign() != null ? "campaign" : "verdict";
  }

  private LimitSpec accountSpec(String account) {
    LimitSpec base = accountDefault;
    GatewayConfig.Limit fileOverride = config.limits.accounts.get(account);
    if (fileOverride != null) {
      base = spec(fileOverride);
    }
    Account a = directory.account(account);
    if (a != null && (a.rpm() != null || a.tpm() != null || a.concurrency() != null)) {
      base =
          new LimitSpec(
              a.rpm() != null ? a.rpm() : base.rpm(),
              a.tpm() != null ? a.tpm() : base.tpm(),
              a.concurrency() != null ? a.concurrency() : base.concurrency());
    }
    return base;
  }

  private String blockMessage(String account, Decision d) {
    return "Access for account "
        + account
        + " has been suspended under the provider's usage policy. Reference: "
        + d.ref()
        + ". Quote this reference to "
        + config.policy.supportContact
        + " if you believe this is a mistake.";
  }

  private String refusedMessage(String refused, Decision d) {
    return "This request asks for "
        + refused
        + ", which is not available to this account under the provider's usage policy."
        + " Reference: "
        + d.ref()
        + ". Quote this reference to "
        + config.policy.supportContact
        + " if you believe this is a mistake.";
  }

  // ------------------------------------------------------------------ upstream

  private void forward(Call c, Upstreams.Target t, Buffer body) {
    Endpoint ep = java.util.Objects.requireNonNull(c.endpoint);
    Identity id = java.util.Objects.requireNonNull(c.identity);
    HttpServerRequest req = c.req;
    RequestOptions ro =
        new RequestOptions()
            .setMethod(ep.hasBody() ? HttpMethod.POST : HttpMethod.GET)
            .setServer(t.server())
            .setHost(t.host())
            .setPort(t.port())
            .setSsl(t.ssl())
            .setURI(t.basePath() + req.uri())
            .setConnectTimeout(config.timeouts.connectMs)
            .setIdleTimeout(config.timeouts.idleMs);
    if (t.tls() != null) {
      ro.setSslOptions(t.tls());
    }
    MultiMap h = ro.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : ro.getHeaders();
    for (var e : req.headers()) {
      if (!DROP_REQUEST.contains(e.getKey())) {
        h.add(e.getKey(), e.getValue());
      }
    }
    String credential = id.upstreamKey() != null ? id.upstreamKey() : t.apiKey();
    if (!credential.isEmpty()) {
      if (t.api() == Api.ANTHROPIC) {
        h.set("x-api-key", credential);
      } else {
        h.set("authorization", "Bearer " + credential);
      }
    }
    if (ep.hasBody()) {
      h.set("content-length", Integer.toString(body.length()));
      if (h.get("content-type") == null) {
        h.set("content-type", "application/json");
      }
    }
    ro.setHeaders(h);
    // Client goes away: cancel the upstream call.
    req.response()
        .closeHandler(
            v -> {
              if (!c.done) {
                HttpClientRequest u = c.upstreamRequest;
                if (u != null) {
                  u.reset();
                }
                finish(c, 499, Usage.NONE, "");
              }
            });
    long sent = System.nanoTime();
    c.timer =
        vertx.setTimer(
            config.timeouts.firstByteMs,
            tid -> {
              c.timer = -1;
              if (!c.done && !c.req.response().headWritten()) {
                metrics.upstreamError(t.name(), "timeout");
                fail(c, 504, "The upstream did not answer in time.", "upstream_timeout");
                HttpClientRequest u = c.upstreamRequest;
                if (u != null) {
                  u.reset();
                }
              }
            });
    client
        .request(ro)
        .onFailure(err -> upstreamFailed(c, t, err))
        .onSuccess(
            ureq -> {
              c.upstreamRequest = ureq;
              if (c.done) {
                ureq.reset();
                return;
              }
              ureq.send(body)
                  .onFailure(err -> upstreamFailed(c, t, err))
                  .onSuccess(
                      uresp -> {
                        metrics.firstByte(t.name(), System.nanoTime() - sent);
                        respond(c, t, uresp);
                      });
            });
  }

  private void upstreamFailed(Call c, Upstreams.Target t, Throwable err) {
    cancelTimer(c);
    if (c.done) {
      return;
    }
    metrics.upstreamError(t.name(), "connect");
    LOG.warn("upstream {} failed: {}", t.name(), err.toString());
    fail(c, 502, "The upstream could not be reached.", "upstream_error");
  }

  private void cancelTimer(Call c) {
    if (c.timer >= 0) {
      vertx.cancelTimer(c.timer);
      c.timer = -1;
    }
  }

  private void respond(Call c, Upstreams.Target t, HttpClientResponse uresp) {
    cancelTimer(c);
    if (c.done) {
      return;
    }
    ResponseReader rr = java.util.Objects.requireNonNull(c.reader);
    HttpServerResponse resp = c.req.response();
    c.status = uresp.statusCode();
    c.responded = true;
    resp.setStatusCode(uresp.statusCode());
    for (var e : uresp.headers()) {
      String k = e.getKey();
      if (!DROP_RESPONSE.contains(k)
          && !k.regionMatches(true, 0, "x-ratelimit", 0, 11)
          && !k.regionMatches(true, 0, "anthropic-ratelimit", 0, 19)) {
        resp.headers().add(e.getKey(), e.getValue());
      }
    }
    Limiter.Permit p = c.permit;
    if (p != null) {
      rateHeaders(c.api, resp, p.info());
    }
    String ct = uresp.getHeader(HttpHeaders.CONTENT_TYPE);
    boolean sse = ct != null && ct.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    uresp.exceptionHandler(
        err -> {
          if (c.done) {
            return;
          }
          metrics.upstreamError(t.name(), "reset");
          if (!resp.headWritten()) {
            c.responded = false;
            resp.headers().clear();
            fail(c, 502, "The upstream failed while answering.", "upstream_error");
          } else {
            // Mid-answer: the status has gone out; cut the connection so the client sees it.
            resp.reset();
            finish(c, 502, rr.usage(), rr.output());
          }
        });
    // The end of an answer is held back until the exchange has been handed to the detector: a
    // client that has the whole answer can rely on the detector having it too, so its next
    // request sees the verdict. Streams hold only their final event ([DONE], message_stop,
    // response.completed); every other event goes out as soon as it is complete.
    Buffer[] held = {null};
    if (sse) {
      resp.setChunked(true);
      uresp.handler(
          buf -> {
            byte[] out = rr.streamChunk(buf.getBytes(), buf.length());
            AnswerMarking m = c.marking;
            if (m != null) {
              out = m.stream(out);
            }
            if (out.length == 0) {
              return;
            }
            if (rr.sawEnd() || held[0] != null) {
              if (held[0] == null) {
                held[0] = Buffer.buffer(out);
              } else {
                held[0].appendBytes(out);
              }
            } else {
              resp.write(Buffer.buffer(out));
              backpressure(resp, uresp);
            }
          });
      uresp.endHandler(
          v -> {
            Buffer last = held[0] == null ? Buffer.buffer() : held[0];
            byte[] tail = rr.streamEnd();
            AnswerMarking m = c.marking;
            if (m != null) {
              tail = m.streamEnd(tail);
            }
            if (tail.length > 0) {
              last.appendBytes(tail);
            }
            finish(c, c.status, rr.usage(), rr.output());
            resp.end(last);
          });
    } else if (rr.rewrites() || c.marking != null) {
      uresp
          .body()
          .onSuccess(
              b -> {
                byte[] out = rr.body(b.getBytes());
                AnswerMarking m = c.marking;
                if (m != null) {
                  out = m.body(out);
                }
                resp.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(out.length));
                finish(c, c.status, rr.usage(), rr.output());
                resp.end(Buffer.buffer(out));
              });
    } else {
      String len = uresp.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (len != null) {
        resp.putHeader(HttpHeaders.CONTENT_LENGTH, len);
      } else {
        resp.setChunked(true);
      }
      Buffer copy = Buffer.buffer(len == null ? 4096 : Math.min(COPY_CAP, parseOr(len, 4096)));
      uresp.handler(
          buf -> {
            if (copy.length() + buf.length() <= COPY_CAP) {
              copy.appendBuffer(buf);
            }
            Buffer prev = held[0];
            held[0] = buf;
            if (prev != null) {
              resp.write(prev);
              backpressure(resp, uresp);
            }
          });
      uresp.endHandler(
          v -> {
            rr.body(copy.getBytes());
            finish(c, c.status, rr.usage(), rr.output());
            resp.end(held[0] == null ? Buffer.buffer() : held[0]);
          });
    }
  }

  private static int parseOr(String s, int dflt) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static void backpressure(HttpServerResponse resp, HttpClientResponse uresp) {
    if (resp.writeQueueFull()) {
      uresp.pause();
      resp.drainHandler(v -> uresp.resume());
    }
  }

  /** Writes the {@code x-ratelimit-*} headers the way the called API's provider does. */
  static void rateHeaders(Api api, HttpServerResponse resp, Limiter.RateInfo i) {
    if (api == Api.ANTHROPIC) {
      if (i.limitRequests() >= 0) {
        resp.putHeader("anthropic-ratelimit-requests-limit", Long.toString(i.limitRequests()));
        resp.putHeader(
            "anthropic-ratelimit-requests-remaining", Long.toString(i.remainingRequests()));
        resp.putHeader(
            "anthropic-ratelimit-requests-reset",
            Instant.now().plusMillis(i.resetRequestsMillis()).toString());
      }
      if (i.limitTokens() >= 0) {
        resp.putHeader("anthropic-ratelimit-tokens-limit", Long.toString(i.limitTokens()));
        resp.putHeader(
            "anthropic-ratelimit-tokens-remaining",
            Long.toString(Math.max(0, i.remainingTokens())));
        resp.putHeader(
            "anthropic-ratelimit-tokens-reset",
            Instant.now().plusMillis(i.resetTokensMillis()).toString());
      }
    } else {
      if (i.limitRequests() >= 0) {
        resp.putHeader("x-ratelimit-limit-requests", Long.toString(i.limitRequests()));
        resp.putHeader("x-ratelimit-remaining-requests", Long.toString(i.remainingRequests()));
        resp.putHeader("x-ratelimit-reset-requests", duration(i.resetRequestsMillis()));
      }
      if (i.limitTokens() >= 0) {
        resp.putHeader("x-ratelimit-limit-tokens", Long.toString(i.limitTokens()));
        resp.putHeader(
            "x-ratelimit-remaining-tokens", Long.toString(Math.max(0, i.remainingTokens())));
        resp.putHeader("x-ratelimit-reset-tokens", duration(i.resetTokensMillis()));
      }
    }
  }

  /** OpenAI's reset format: {@code 1s}, {@code 6m0s}, {@code 120ms}. */
  static String duration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    long s = (millis + 999) / 1000;
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }

  // ------------------------------------------------------------------ endings

  private void fail(Call c, int status, String message, @Nullable String code) {
    c.responded = true;
    HttpServerResponse resp = c.req.response();
    if (!resp.ended() && !resp.closed() && !resp.headWritten()) {
      String body = ErrorBodies.body(c.api, status, message, code);
      resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
      if (status == 413 && !c.req.isEnded()) {
        // The rest of an oversized body is not worth reading: close once the answer is out.
        vertx.setTimer(50, t -> c.req.connection().close());
      }
    }
    finish(c, status, Usage.NONE, "");
  }

  private void finish(Call c, int status, Usage usage, String output) {
    if (c.done) {
      return;
    }
    c.done = true;
    cancelTimer(c);
    inFlight.decrementAndGet();
    long nanos = System.nanoTime() - c.startNanos;
    Limiter.Permit p = c.permit;
    if (p != null) {
      long total =
          usage.inputTokens() < 0 && usage.outputTokens() < 0
              ? -1
              : Math.max(0, usage.inputTokens()) + Math.max(0, usage.outputTokens());
      p.finish(total);
    }
    Endpoint ep = c.endpoint;
    String epId = ep == null ? "unknown" : ep.id();
    ApiRequest ar = c.request;
    metrics.request(epId, status, c.decision.action().id(), ar != null && ar.stream(), nanos);
    Identity id = c.identity;
    AnswerMarking marked = c.marking;
    if (marked != null) {
      marked.served(status);
    }
    // Only exchanges that reached the upstream are evidence of what was harvested.
    Consumer<Exchange> pub = publisher;
    if ((detection != null || pub != null)
        && ep != null
        && ep.observed()
        && id != null
        && ar != null
        && c.target != null) {
      Exchange e =
          Exchange.builder(idPrefix + sequence.incrementAndGet(), c.startMillis, id.account())
              .org(id.org())
              .apiKey(id.keyId())
              .ip(c.ip)
              .userAgent(c.req.getHeader(HttpHeaders.USER_AGENT))
              .endpoint(ep.id())
              .model(ar.model())
              .params(ar.params())
              .messages(ar.messages())
              .conversation(ar.conversation())
              .usage(usage)
              .output(output.isEmpty() ? null : output)
              .status(status)
              .accountMeta(meta(id.account()))
              .build();
      if (detection != null) {
        detection.submit(e);
      }
      if (pub != null) {
        pub.accept(e);
      }
    }
    if (config.accessLog) {
      ACCESS.info(
          "request endpoint={} status={} action={} account={} key={} ip={} model={} in={} out={}"
              + " ms={}",
          epId,
          status,
          c.decision.action().id(),
          id == null ? "-" : id.account(),
          id == null ? "-" : id.keyId(),
          c.ip,
          ar == null ? "-" : ar.model(),
          usage.inputTokens(),
          usage.outputTokens(),
          nanos / 1_000_000);
    }
  }
}
