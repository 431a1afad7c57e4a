package org.distillguard.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.distillguard.gateway.inline.InlineDetection;
import org.distillguard.gateway.metrics.GatewayMetrics;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.wire.Json;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: {@code /healthz}, {@code /readyz}, {@code /metrics}, and the token-protected
 * {@code /admin/v1/...} API over {@link Operations} (see {@code docs/GATEWAY.md}). Store calls run
 * on worker threads; every change is audited with the actor {@code admin-api} (plus the {@code
 * X-DistillGuard-Actor} header, when sent, to name the person).
 */
public final class AdminApi implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final ObjectMapper OUT =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Vertx vertx;
  private final Operations ops;
  private final byte[] token;
  private final @Nullable InlineDetection detection;
  private final GatewayMetrics metrics;
  private final BooleanSupplier ready;
  private final Runnable refresh;
  private final Map<String, Object> statusExtra;
  private volatile Supplier<@Nullable String> degraded = () -> null;

  public AdminApi(
      Vertx vertx,
      Operations ops,
      String token,
      @Nullable InlineDetection detection,
      GatewayMetrics metrics,
      BooleanSupplier ready,
      Runnable refresh,
      Map<String, Object> statusExtra) {
    this.vertx = vertx;
    this.ops = ops;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.detection = detection;
    this.metrics = metrics;
    this.ready = ready;
    this.refresh = refresh;
    this.statusExtra = statusExtra;
  }

  /**
   * What {@code /readyz} appends while the gateway serves in a degraded way (Kafka away): null when
   * all is well. A degraded gateway stays ready (200): it still serves, with its last known state.
   */
  public void degradedBy(Supplier<@Nullable String> why) {
    this.degraded = why;
  }

  /** A failure with an HTTP status and a message for the operator. */
  private static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Problem(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  @Override
  public void handle(HttpServerRequest req) {
    String path = req.path();
    HttpServerResponse resp = req.response();
    switch (path) {
      case "/healthz" -> {
        resp.putHeader("content-type", "text/plain").end("ok\n");
        return;
      }
      case "/readyz" -> {
        vertx
            .executeBlocking(ready::getAsBoolean)
            .onComplete(
                r -> {
                  boolean ok = r.succeeded() && Boolean.TRUE.equals(r.result());
                  String why = ok ? degraded.get() : null;
                  resp.setStatusCode(ok ? 200 : 503)
                      .putHeader("content-type", "text/plain")
                      .end(
                          !ok
                              ? "not ready\n"
                              : why == null ? "ready\n" : "degraded: " + why + "\n");
                });
        return;
      }
      case "/metrics" -> {
        resp.putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(metrics.scrape());
        return;
      }
      default -> {}
    }
    if (!path.startsWith("/admin/v1/")) {
      send(resp, 404, Map.of("error", "no such path: " + path));
      return;
    }
    if (!authorized(req.getHeader("authorization"))) {
      send(resp, 401, Map.of("error", "missing or wrong admin token (Authorization: Bearer ...)"));
      return;
    }
    req.body()
        .onSuccess(
            b -> {
              JsonNode body = null;
              if (b.length() > 0) {
                try {
                  body = Json.parse(b.getBytes());
                } catch (java.io.IOException e) {
                  send(resp, 400, Map.of("error", "the body is not JSON"));
                  return;
                }
              }
              String who = req.getHeader("x-distillguard-actor");
              String actor = who == null || who.isBlank() ? "admin-api" : "admin-api:" + who.trim();
              JsonNode finalBody = body;
              String method = req.method().name();
              String[] parts = path.substring("/admin/v1/".length()).split("/", 2);
              Callable<Object> work = () -> route(method, parts, req, finalBody, actor);
              vertx
                  .executeBlocking(work, false)
                  .onComplete(
                      r -> {
                        if (r.succeeded()) {
                          Object result = r.result();
                          int status = method.equals("POST") ? 201 : 200;
                          send(resp, status, result);
                        } else if (r.cause() instanceof Problem p) {
                          send(resp, p.status, Map.of("error", String.valueOf(p.getMessage())));
                        } else if (r.cause() instanceof Operations.Rejected rej) {
                          send(resp, 400, Map.of("error", String.valueOf(rej.getMessage())));
                        } else {
                          LOG.error("admin {} {} failed: {}", method, path, r.cause().toString());
                          send(resp, 500, Map.of("error", "internal error; see the gateway log"));
                        }
                      });
            });
  }

  private boolean authorized(@Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, token);
  }

  private Object route(
      String method, String[] parts, HttpServerRequest req, @Nullable JsonNode body, String actor)
      throws Exception {
    String resource = parts[0];
    String id = parts.length > 1 ? parts[1] : null;
    Object result =
        switch (resource) {
          case "status" -> status();
          case "accounts" -> accounts(method, id, body, actor, req.getParam("reason"));
          case "keys" -> keys(method, id, body, actor, req.getParam("reason"));
          case "lists" -> lists(method, body, actor, req);
          case "verdicts" -> verdicts(method, id, actor, req.getParam("reason"));
          case "audit" ->
              ops.audit(
                  req.getParam("subject"),
                  req.getParam("before"),
                  intParam(req.getParam("limit"), 100));
          default -> throw new Problem(404, "no such resource: " + resource);
        };
    if (!method.equals("GET")) {
      refresh.run();
    }
    return result;
  }

  private Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>(statusExtra);
    if (detection != null) {
      m.put("detector_submitted", detection.submitted());
      m.put("detector_processed", detection.processed());
      m.put("detector_dropped", detection.dropped());
      m.put("detector_queued", detection.queued());
      m.put("detector_lag_ms", detection.lastLagNanos() / 1e6);
      m.put("standings", detection.standings().size());
    }
    return m;
  }

  private Object accounts(
      String method,
      @Nullable String id,
      @Nullable JsonNode body,
      String actor,
      @Nullable String reason)
      throws Exception {
    if (method.equals("GET") && id == null) {
      return ops.accounts();
    }
    if (method.equals("GET") && id != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("account", ops.account(id).orElseThrow(() -> new Problem(404, "no account " + id)));
      m.put("keys", ops.keys().stream().filter(k -> k.account().equals(id)).toList());
      m.put("standing", detection == null ? null : detection.standing(id));
      return m;
    }
    if (method.equals("DELETE") && id != null) {
      return Map.of("revoked_keys", ops.revokeAccount(actor, id, reason));
    }
    if (method.equals("POST") && id == null) {
      JsonNode b = require(body);
      return ops.putAccount(
          actor,
          req(b, "id"),
          opt(b, "org"),
          b.hasNonNull("rpm") ? b.get("rpm").asInt() : null,
          b.hasNonNull("tpm") ? b.get("tpm").asLong() : null,
          b.hasNonNull("concurrency") ? b.get("concurrency").asInt() : null,
          opt(b, "note"),
          opt(b, "payment_fp"),
          opt(b, "email_domain"));
    }
    throw new Problem(405, method + " not allowed here");
  }

  private Object keys(
      String method,
      @Nullable String id,
      @Nullable JsonNode body,
      String actor,
      @Nullable String reason)
      throws Exception {
    if (method.equals("GET") && id == null) {
      return ops.keys();
    }
    if (method.equals("POST") && id == null) {
      JsonNode b = require(body);
      Operations.CreatedKey k =
          ops.createKey(actor, req(b, "account"), opt(b, "org"), opt(b, "name"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", k.key().id());
      m.put("account", k.key().account());
      m.put("name", k.key().name());
      m.put("key", k.secret());
      m.put("note", "the key is shown only now; DistillGuard keeps only its SHA-256");
      return m;
    }
    if (method.equals("DELETE") && id != null) {
      ops.revokeKey(actor, id, reason);
      return Map.of("revoked", id);
    }
    throw new Problem(405, method + " not allowed here");
  }

  private Object lists(String method, @Nullable JsonNode body, String actor, HttpServerRequest req)
      throws Exception {
    switch (method) {
      case "GET" -> {
        return ops.lists();
      }
      case "POST" -> {
        JsonNode b = require(body);
        try {
          return ops.list(
              actor,
              ListEntry.ListType.of(req(b, "list")),
              ListEntry.Kind.of(req(b, "kind")),
              req(b, "subject"),
              opt(b, "reason"));
        } catch (IllegalArgumentException e) {
          throw new Problem(400, "list must be allow or deny; kind account, key, org or ip");
        }
      }
      case "DELETE" -> {
        String kind = req.getParam("kind");
        String subject = req.getParam("subject");
        if (kind == null || subject == null) {
          throw new Problem(400, "DELETE /admin/v1/lists?kind=...&subject=...");
        }
        try {
          ops.unlist(actor, ListEntry.Kind.of(kind), subject, req.getParam("reason"));
        } catch (IllegalArgumentException e) {
          throw new Problem(400, "kind must be account, key, org or ip");
        }
        return Map.of("removed", kind + ":" + subject);
      }
      default -> throw new Problem(405, method + " not allowed here");
    }
  }

  private Object verdicts(
      String method, @Nullable String account, String actor, @Nullable String reason)
      throws Exception {
    if (method.equals("GET")) {
      return ops.verdicts();
    }
    if (method.equals("DELETE") && account != null) {
      boolean had = detection != null && detection.clear(account);
      ops.clearedVerdict(actor, account, reason);
      return Map.of("cleared", account, "had_standing", had);
    }
    throw new Problem(405, method + " not allowed here");
  }

  private static JsonNode require(@Nullable JsonNode body) throws Problem {
    if (body == null || !body.isObject()) {
      throw new Problem(400, "a JSON object body is required");
    }
    return body;
  }

  private static String req(JsonNode b, String field) throws Problem {
    String v = opt(b, field);
    if (v == null) {
      throw new Problem(400, "'" + field + "' is required");
    }
    return v;
  }

  private static @Nullable String opt(JsonNode b, String field) {
    JsonNode v = b.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static int intParam(@Nullable String s, int dflt) {
    if (s == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static void send(HttpServerResponse resp, int status, @Nullable Object body) {
    String json;
    try {
      json = OUT.writeValueAsString(body == null ? Map.of() : body) + "\n";
    } catch (Exception e) {
      status = 500;
      json = "{\"error\":\"cannot serialise the result\"}\n";
    }
    resp.setStatusCode(status).putHeader("content-type", "application/json").end(json);
  }

  /** For tests and the status endpoint. */
  public static List<String> routes() {
    return List.of(
        "GET /admin/v1/status",
        "GET|POST /admin/v1/accounts",
        "GET|DELETE /admin/v1/accounts/{id}",
        "GET|POST /admin/v1/keys",
        "DELETE /admin/v1/keys/{id}",
        "GET|POST|DELETE /admin/v1/lists",
        "GET /admin/v1/verdicts",
        "DELETE /admin/v1/verdicts/{account}",
        "GET /admin/v1/audit");
  }
}
