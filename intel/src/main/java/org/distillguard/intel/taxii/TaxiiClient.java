package org.distillguard.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.intel.IntelConfig.Taxii;
import org.distillguard.intel.stix.Json;
import org.jspecify.annotations.Nullable;

/**
 * A small TAXII 2.1 client on the JDK's HTTP client: reads pages of a collection's objects and
 * posts envelopes. Responses are read with a size cap and parsed defensively; anything unexpected
 * is an {@link IOException} naming the URL and the status.
 */
public final class TaxiiClient {
  private final HttpClient http;
  private final Duration timeout;

  public TaxiiClient(Duration timeout) {
    // HTTP/1.1: no h2c upgrade dance on plain-HTTP connections.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    this.timeout = timeout;
  }

  /** One page of objects. */
  public record Page(
      List<JsonNode> objects,
      boolean more,
      @Nullable String next,
      @Nullable String dateAddedLast) {}

  static String objectsUrl(Taxii t) {
    String base = t.url();
    // The configured URL is the server's discovery URL (…/taxii2/) or its base; the API root sits
    // beside discovery.
    if (base.endsWith("/taxii2/")) {
      base = base.substring(0, base.length() - "taxii2/".length());
    }
    if (!base.endsWith("/")) {
      base = base + "/";
    }
    return base + t.apiRoot() + "/collections/" + t.collection() + "/objects/";
  }

  /**
   * Gets one page of objects, every version, oldest first.
   *
   * @param addedAfter a TAXII timestamp (the last page's {@code X-TAXII-Date-Added-Last}), or null
   * @param next the previous page's {@code next}, or null
   */
  public Page objects(Taxii t, @Nullable String addedAfter, @Nullable String next, int limit)
      throws IOException {
    StringBuilder url = new StringBuilder(objectsUrl(t)).append("?limit=").append(limit);
    url.append("&").append(enc("match[version]")).append("=all");
    if (next != null) {
      url.append("&next=").append(enc(next));
    } else if (addedAfter != null) {
      url.append("&added_after=").append(enc(addedAfter));
    }
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url.toString()))
            .timeout(timeout)
            .header("Accept", TaxiiServer.MEDIA_TYPE)
            .header("Authorization", "Bearer " + t.token())
            .GET()
            .build();
    HttpResponse<InputStream> resp = send(req);
    JsonNode env = readJson(resp, url.toString());
    List<JsonNode> objects = new ArrayList<>();
    JsonNode arr = env.path("objects");
    if (!arr.isMissingNode() && !arr.isArray()) {
      throw new IOException(url + ": 'objects' is not an array");
    }
    arr.forEach(objects::add);
    String last = resp.headers().firstValue("X-TAXII-Date-Added-Last").orElse(null);
    JsonNode n = env.get("next");
    return new Page(
        objects,
        env.path("more").asBoolean(false),
        n != null && n.isTextual() ? n.asText() : null,
        last);
  }

  /** Posts objects to a collection; returns the status resource. */
  public JsonNode post(Taxii t, List<JsonNode> objects) throws IOException {
    ObjectNode env = Json.MAPPER.createObjectNode();
    ArrayNode arr = env.putArray("objects");
    objects.forEach(arr::add);
    String url = objectsUrl(t);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout.multipliedBy(10))
            .header("Accept", TaxiiServer.MEDIA_TYPE)
            .header("Content-Type", TaxiiServer.MEDIA_TYPE)
            .header("Authorization", "Bearer " + t.token())
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(env)))
            .build();
    HttpResponse<InputStream> resp = send(req);
    return readJson(resp, url);
  }

  private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + req.uri(), e);
    }
  }

  private static JsonNode readJson(HttpResponse<InputStream> resp, String url) throws IOException {
    byte[] body;
    try (InputStream in = resp.body()) {
      body = in.readNBytes(TaxiiServer.MAX_CONTENT_LENGTH + 1);
    }
    if (body.length > TaxiiServer.MAX_CONTENT_LENGTH) {
      throw new IOException(
          url + ": response larger than " + TaxiiServer.MAX_CONTENT_LENGTH + " bytes");
    }
    int code = resp.statusCode();
    if (code != 200 && code != 202) {
      String detail = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      throw new IOException(url + ": HTTP " + code + " " + detail);
    }
    String ct = resp.headers().firstValue("Content-Type").orElse("");
    if (!ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/taxii+json")) {
      throw new IOException(url + ": unexpected content type '" + ct + "'");
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IOException(url + ": response is not JSON", e);
    }
    if (n == null || !n.isObject()) {
      throw new IOException(url + ": response is not a JSON object");
    }
    return n;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
