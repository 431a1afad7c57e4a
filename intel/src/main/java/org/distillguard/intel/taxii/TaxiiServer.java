package org.distillguard.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.distillguard.intel.sign.Verification;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.jspecify.annotations.Nullable;

/**
 * A TAXII 2.1 server (Vert.x): discovery, one API root, its collections, objects (GET with {@code
 * added_after}, {@code limit}, {@code next}, {@code match[id|type|version|spec_version]}; POST
 * answered with a status resource), single objects, versions, manifest and status, all in {@code
 * application/taxii+json;version=2.1}.
 *
 * <p>Every request needs a credential: {@code Authorization: Bearer TOKEN} or HTTP Basic with the
 * principal as user name and the token as password. Each token maps to one principal (a peer's
 * name, or the member itself); each collection says which principals may read and which may write.
 * What is posted is verified object by object before it is stored: a collection names the verifier
 * and whether the signer must be the poster itself, so a peer cannot inject content in another's
 * name.
 */
public final class TaxiiServer implements AutoCloseable {
  /** The TAXII 2.1 media type. */
  public static final String MEDIA_TYPE = "application/taxii+json;version=2.1";

  /** The STIX 2.1 media type, for manifests. */
  public static final String STIX_MEDIA_TYPE = "application/stix+json;version=2.1";

  /** Largest request body accepted (bytes), also announced as {@code max_content_length}. */
  public static final int MAX_CONTENT_LENGTH = 64 << 20;

  private static final System.Logger LOG = System.getLogger("org.distillguard.intel.taxii");
  private static final int DEFAULT_LIMIT = 100;
  private static final int STATUSES_KEPT = 1_000;
  private static final int MAX_LIMIT = 1_000;

  /**
   * A collection and who may use it.
   *
   * @param readers principals that may read ({@code "*"}: every authenticated principal)
   * @param writers principals that may write
   * @param verifier checks posted objects
   * @param signers principal name to the identity its posted objects must be created by
   */
  public record CollectionAccess(
      TaxiiCollection collection,
      Set<String> readers,
      Set<String> writers,
      Verifier verifier,
      Map<String, String> signers) {}

  /** Server settings. */
  public record Options(
      String host,
      int port,
      String apiRoot,
      String title,
      Map<String, String> tokens,
      Clock clock) {}

  private final Options options;
  private final Map<String, CollectionAccess> collections = new LinkedHashMap<>();

  /** Status resources of recent POSTs (the last {@value #STATUSES_KEPT}). */
  private final Map<String, ObjectNode> statuses =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> e) {
              return size() > STATUSES_KEPT;
            }
          });

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, byte[]> tokenDigests = new LinkedHashMap<>();

  private TaxiiServer(Options options, List<CollectionAccess> access) {
    this.options = options;
    access.forEach(a -> collections.put(a.collection().id(), a));
    options.tokens().forEach((token, principal) -> tokenDigests.put(principal, sha256(token)));
    this.vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create().setBodyLimit(MAX_CONTENT_LENGTH));
    r.route().handler(this::authenticate);
    String root = "/" + options.apiRoot() + "/";
    r.get("/taxii2/").handler(this::discovery);
    r.get(root).handler(this::apiRoot);
    r.get(root + "collections/").handler(this::collectionsList);
    r.get(root + "collections/:cid/").handler(this::collection);
    r.get(root + "collections/:cid/objects/").handler(this::getObjects);
    r.post(root + "collections/:cid/objects/").handler(this::postObjects);
    r.get(root + "collections/:cid/objects/:oid/").handler(this::getObject);
    r.get(root + "collections/:cid/objects/:oid/versions/").handler(this::versions);
    r.get(root + "collections/:cid/manifest/").handler(this::manifest);
    r.get(root + "status/:sid/").handler(this::status);
    r.route().last().handler(ctx -> error(ctx, 404, "Not found", "no such TAXII endpoint"));
    this.server = vertx.createHttpServer().requestHandler(r);
  }

  /** Starts a server; {@code options.port()} 0 picks a free port (see {@link #port()}). */
  public static TaxiiServer start(Options options, List<CollectionAccess> access)
      throws IOException {
    TaxiiServer s = new TaxiiServer(options, access);
    try {
      s.server
          .listen(options.port(), options.host())
          .toCompletionStage()
          .toCompletableFuture()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.close();
      throw new IOException("interrupted while starting the TAXII server", e);
    } catch (ExecutionException e) {
      s.close();
      throw new IOException(
          "cannot listen on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + String.valueOf(e.getCause()),
          e);
    }
    return s;
  }

  public int port() {
    return server.actualPort();
  }

  /** The discovery URL. */
  public String url() {
    return "http://" + options.host() + ":" + port() + "/taxii2/";
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.log(
          Level.WARNING, "TAXII server did not close cleanly: {0}", String.valueOf(e.getCause()));
    }
  }

  // ---- authentication and content negotiation ----

  private void authenticate(RoutingContext ctx) {
    String principal = principal(ctx.request().getHeader("Authorization"));
    if (principal == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"taxii\", Basic realm=\"taxii\"");
      error(ctx, 401, "Unauthorized", "a valid Bearer token or Basic credential is required");
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !acceptable(accept)) {
      error(ctx, 406, "Not Acceptable", "this server speaks " + MEDIA_TYPE);
      return;
    }
    ctx.put("principal", principal);
    ctx.next();
  }

  static boolean acceptable(String accept) {
    for (String part : accept.split(",", -1)) {
      String p = part.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
      if (p.startsWith("*/*")
          || p.startsWith("application/*")
          || p.equals("application/taxii+json")
          || p.startsWith("application/taxii+json;version=2.1")) {
        return true;
      }
    }
    return false;
  }

  private @Nullable String principal(@Nullable String authorization) {
    if (authorization == null) {
      return null;
    }
    String token;
    String claimed = null;
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = authorization.substring(7).strip();
    } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      claimed = decoded.substring(0, colon);
      token = decoded.substring(colon + 1);
    } else {
      return null;
    }
    byte[] d = sha256(token);
    String found = null;
    // Compare against every principal in constant time per comparison; no early exit on a hit.
    for (Map.Entry<String, byte[]> e : tokenDigests.entrySet()) {
      if (MessageDigest.isEqual(d, e.getValue())) {
        found = e.getKey();
      }
    }
    if (found != null && claimed != null && !claimed.equals(found)) {
      return null;
    }
    return found;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String principalOf(RoutingContext ctx) {
    String p = ctx.get("principal");
    return p == null ? "" : p;
  }

  // ---- endpoints ----

  private void discovery(RoutingContext ctx) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("title", options.title());
    o.put("description", "DistillGuard intelligence sharing (TAXII 2.1)");
    String root = "/" + options.apiRoot() + "/";
    o.put("default", root);
    o.putArray("api_roots").add(root);
    send(ctx, 200, o);
  }

  private void apiRoot(RoutingContext ctx) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("title", options.title());
    o.putArray("versions").add(MEDIA_TYPE);
    o.put("max_content_length", MAX_CONTENT_LENGTH);
    send(ctx, 200, o);
  }

  private ObjectNode describe(CollectionAccess a, String principal) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", a.collection().id());
    o.put("title", a.collection().title());
    o.put("can_read", canRead(a, principal));
    o.put("can_write", a.writers().contains(principal));
    o.putArray("media_types").add(STIX_MEDIA_TYPE);
    return o;
  }

  private static boolean canRead(CollectionAccess a, String principal) {
    return a.readers().contains("*") || a.readers().contains(principal);
  }

  private void collectionsList(RoutingContext ctx) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ArrayNode arr = o.putArray("collections");
    String p = principalOf(ctx);
    for (CollectionAccess a : collections.values()) {
      if (canRead(a, p) || a.writers().contains(p)) {
        arr.add(describe(a, p));
      }
    }
    send(ctx, 200, o);
  }

  private @Nullable CollectionAccess collectionFor(RoutingContext ctx, boolean write) {
    CollectionAccess a = collections.get(ctx.pathParam("cid"));
    String p = principalOf(ctx);
    if (a == null || (!canRead(a, p) && !a.writers().contains(p))) {
      error(ctx, 404, "Not found", "no such collection");
      return null;
    }
    if (write ? !a.writers().contains(p) : !canRead(a, p)) {
      error(
          ctx,
          403,
          "Forbidden",
          p + " may not " + (write ? "write to" : "read") + " this collection");
      return null;
    }
    return a;
  }

  private void collection(RoutingContext ctx) {
    CollectionAccess a = collections.get(ctx.pathParam("cid"));
    String p = principalOf(ctx);
    if (a == null || (!canRead(a, p) && !a.writers().contains(p))) {
      error(ctx, 404, "Not found", "no such collection");
      return;
    }
    send(ctx, 200, describe(a, p));
  }

  /** Parsed query filters; the error, if any, is for a 400. */
  private record Query(
      Predicate<TaxiiCollection.Entry> filter, long after, int limit, @Nullable String error) {}

  private Query query(RoutingContext ctx, CollectionAccess a, @Nullable String objectId) {
    var params = ctx.queryParams();
    long after = Long.MIN_VALUE;
    try {
      String next = params.get("next");
      String addedAfter = params.get("added_after");
      if (next != null) {
        after = Long.parseLong(next);
      } else if (addedAfter != null) {
        after = TaxiiTime.parseMicros(addedAfter);
      }
    } catch (IllegalArgumentException e) {
      return new Query(x -> false, 0, 0, "bad added_after or next: " + e.getMessage());
    }
    int limit = DEFAULT_LIMIT;
    String l = params.get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        return new Query(x -> false, 0, 0, "bad limit");
      }
      if (limit < 1) {
        return new Query(x -> false, 0, 0, "limit must be positive");
      }
      limit = Math.min(limit, MAX_LIMIT);
    }
    Set<String> ids = csv(params.get("match[id]"));
    if (objectId != null) {
      ids = Set.of(objectId);
    }
    Set<String> types = csv(params.get("match[type]"));
    Set<String> specs = csv(params.get("match[spec_version]"));
    Set<String> versions = csv(params.get("match[version]"));
    if (versions.isEmpty()) {
      versions = Set.of("last");
    }
    final Set<String> fIds = ids;
    final Set<String> fVersions = versions;
    TaxiiCollection c = a.collection();
    Predicate<TaxiiCollection.Entry> f =
        e ->
            (fIds.isEmpty() || fIds.contains(e.id()))
                && (types.isEmpty() || types.contains(e.type()))
                && (specs.isEmpty() || specs.contains(e.specVersion()))
                && (fVersions.contains("all")
                    || fVersions.contains(e.version())
                    || (fVersions.contains("last") && c.isLast(e))
                    || (fVersions.contains("first") && c.isFirst(e)));
    return new Query(f, after, limit, null);
  }

  private static Set<String> csv(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return Set.of();
    }
    Set<String> out = new java.util.HashSet<>();
    for (String s : v.split(",", -1)) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private void getObjects(RoutingContext ctx) {
    objectsResponse(ctx, null);
  }

  private void getObject(RoutingContext ctx) {
    objectsResponse(ctx, ctx.pathParam("oid"));
  }

  private void objectsResponse(RoutingContext ctx, @Nullable String objectId) {
    CollectionAccess a = collectionFor(ctx, false);
    if (a == null) {
      return;
    }
    Query q = query(ctx, a, objectId);
    if (q.error() != null) {
      error(ctx, 400, "Bad request", q.error());
      return;
    }
    TaxiiCollection.Page page = a.collection().page(q.filter(), q.after(), q.limit());
    if (objectId != null && page.entries().isEmpty()) {
      error(ctx, 404, "Not found", "no such object");
      return;
    }
    ObjectNode env = Json.MAPPER.createObjectNode();
    env.put("more", page.more());
    if (page.more()) {
      env.put("next", Long.toString(page.entries().get(page.entries().size() - 1).addedMicros()));
    }
    ArrayNode arr = env.putArray("objects");
    page.entries().forEach(e -> arr.add(e.object()));
    if (arr.isEmpty()) {
      env.remove("objects");
    }
    dateHeaders(ctx, page);
    send(ctx, 200, env);
  }

  private void versions(RoutingContext ctx) {
    CollectionAccess a = collectionFor(ctx, false);
    if (a == null) {
      return;
    }
    String oid = ctx.pathParam("oid");
    Query q = query(ctx, a, oid);
    if (q.error() != null) {
      error(ctx, 400, "Bad request", q.error());
      return;
    }
    Predicate<TaxiiCollection.Entry> all = e -> e.id().equals(oid);
    TaxiiCollection.Page page = a.collection().page(all, q.after(), q.limit());
    if (page.entries().isEmpty()) {
      error(ctx, 404, "Not found", "no such object");
      return;
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("more", page.more());
    if (page.more()) {
      o.put("next", Long.toString(page.entries().get(page.entries().size() - 1).addedMicros()));
    }
    ArrayNode v = o.putArray("versions");
    page.entries().forEach(e -> v.add(e.version()));
    dateHeaders(ctx, page);
    send(ctx, 200, o);
  }

  private void manifest(RoutingContext ctx) {
    CollectionAccess a = collectionFor(ctx, false);
    if (a == null) {
      return;
    }
    Query q = query(ctx, a, null);
    if (q.error() != null) {
      error(ctx, 400, "Bad request", q.error());
      return;
    }
    TaxiiCollection.Page page = a.collection().page(q.filter(), q.after(), q.limit());
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("more", page.more());
    if (page.more()) {
      o.put("next", Long.toString(page.entries().get(page.entries().size() - 1).addedMicros()));
    }
    ArrayNode arr = o.putArray("objects");
    for (TaxiiCollection.Entry e : page.entries()) {
      ObjectNode m = arr.addObject();
      m.put("id", e.id());
      m.put("date_added", TaxiiTime.format(e.addedMicros()));
      m.put("version", e.version());
      m.put("media_type", STIX_MEDIA_TYPE);
    }
    if (arr.isEmpty()) {
      o.remove("objects");
    }
    dateHeaders(ctx, page);
    send(ctx, 200, o);
  }

  private static void dateHeaders(RoutingContext ctx, TaxiiCollection.Page page) {
    if (!page.entries().isEmpty()) {
      ctx.response()
          .putHeader(
              "X-TAXII-Date-Added-First", TaxiiTime.format(page.entries().get(0).addedMicros()))
          .putHeader(
              "X-TAXII-Date-Added-Last",
              TaxiiTime.format(page.entries().get(page.entries().size() - 1).addedMicros()));
    }
  }

  private void postObjects(RoutingContext ctx) {
    CollectionAccess a = collectionFor(ctx, true);
    if (a == null) {
      return;
    }
    String ct = ctx.request().getHeader("Content-Type");
    if (ct == null
        || !ct.toLowerCase(java.util.Locale.ROOT)
            .replace(" ", "")
            .startsWith("application/taxii+json")) {
      error(ctx, 415, "Unsupported Media Type", "POST an envelope as " + MEDIA_TYPE);
      return;
    }
    String principal = principalOf(ctx);
    long requestMicros = micros();
    var body = ctx.body().buffer();
    if (body == null) {
      error(ctx, 400, "Bad request", "empty body");
      return;
    }
    byte[] bytes = body.getBytes();
    vertx
        .executeBlocking(() -> store(a, principal, bytes, requestMicros))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                Throwable t = ar.cause();
                if (t instanceof IllegalArgumentException) {
                  error(ctx, 400, "Bad request", t.getMessage());
                } else {
                  LOG.log(Level.ERROR, "TAXII POST failed: {0}", t.toString());
                  error(ctx, 500, "Internal error", "could not store the objects");
                }
              } else {
                send(ctx, 202, ar.result());
              }
            });
  }

  private ObjectNode store(CollectionAccess a, String principal, byte[] bytes, long requestMicros)
      throws IOException {
    JsonNode env;
    try {
      env = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not JSON");
    }
    if (!env.isObject() || !env.path("objects").isArray()) {
      throw new IllegalArgumentException("expected an envelope with an 'objects' array");
    }
    long now = options.clock().millis();
    List<JsonNode> accepted = new ArrayList<>();
    ObjectNode status = Json.MAPPER.createObjectNode();
    String sid = UUID.randomUUID().toString();
    status.put("id", sid);
    status.put("status", "complete");
    status.put("request_timestamp", TaxiiTime.format(requestMicros));
    ArrayNode failures = Json.MAPPER.createArrayNode();
    String requiredSigner = a.signers().get(principal);
    for (JsonNode o : env.get("objects")) {
      String id = o.path("id").asText("");
      String version = TaxiiCollection.version(o);
      String problem = null;
      if (!o.isObject() || id.isEmpty()) {
        problem = "not a STIX object";
      } else if (!Extensions.WELL_KNOWN_IDS.contains(id)) {
        Verification v = a.verifier().verify(o, now);
        if (v instanceof Verification.Rejected r) {
          problem = r.reason().wire() + ": " + r.detail();
        } else if (requiredSigner != null
            && !requiredSigner.equals(o.path("created_by_ref").asText())) {
          problem =
              "signed by " + o.path("created_by_ref").asText() + ", not by the poster " + principal;
        }
      }
      if (problem != null) {
        ObjectNode f = failures.addObject();
        f.put("id", id.isEmpty() ? "unknown" : id);
        f.put("version", version);
        f.put("message", problem);
        LOG.log(Level.WARNING, "TAXII POST by {0}: rejected {1}: {2}", principal, id, problem);
      } else {
        accepted.add(o);
      }
    }
    a.collection().add(accepted);
    ArrayNode successes = Json.MAPPER.createArrayNode();
    for (JsonNode o : accepted) {
      ObjectNode s = successes.addObject();
      s.put("id", o.path("id").asText());
      s.put("version", TaxiiCollection.version(o));
    }
    status.put("total_count", env.get("objects").size());
    status.put("success_count", successes.size());
    status.set("successes", successes);
    status.put("failure_count", failures.size());
    status.set("failures", failures);
    status.put("pending_count", 0);
    statuses.put(sid, status);
    return status;
  }

  private void status(RoutingContext ctx) {
    ObjectNode s = statuses.get(ctx.pathParam("sid"));
    if (s == null) {
      error(ctx, 404, "Not found", "no such status");
      return;
    }
    send(ctx, 200, s);
  }

  // ---- responses ----

  private long micros() {
    java.time.Instant t = options.clock().instant();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private static void send(RoutingContext ctx, int code, JsonNode body) {
    HttpServerResponse r = ctx.response();
    if (r.ended()) {
      return;
    }
    try {
      r.setStatusCode(code)
          .putHeader("Content-Type", MEDIA_TYPE)
          .end(io.vertx.core.buffer.Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
    } catch (IOException e) {
      r.setStatusCode(500).end();
    }
  }

  private static void error(
      RoutingContext ctx, int code, String title, @Nullable String description) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("title", title);
    if (description != null) {
      o.put("description", description);
    }
    o.put("http_status", Integer.toString(code));
    send(ctx, code, o);
  }
}
