package org.distillguard.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.standin.StandInUpstream;

/**
 * A real gateway on loopback in front of a real stand-in upstream, with a real SQLite store in a
 * temporary directory: what every end-to-end test starts from.
 */
final class GatewayFixture implements AutoCloseable {
  static final String ADMIN_TOKEN = "test-admin-token-0123456789";

  final Path dir;
  final StandInUpstream upstream;
  final GatewayConfig config;
  Gateway gateway;
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  GatewayFixture(Path dir, Consumer<GatewayConfig> tweak) throws Exception {
    this(dir, StandInUpstream.standalone().start("127.0.0.1", 0), tweak);
  }

  GatewayFixture(Path dir, StandInUpstream upstream, Consumer<GatewayConfig> tweak)
      throws Exception {
    this.dir = dir;
    this.upstream = upstream;
    this.config = config(dir, upstream.baseUrl(), tweak);
    this.gateway = Gateway.start(config, Clock.systemUTC());
  }

  static GatewayConfig config(Path dir, String upstreamUrl, Consumer<GatewayConfig> tweak)
      throws Exception {
    String yaml =
        """
        listen: {host: 127.0.0.1, port: 0}
        admin: {host: 127.0.0.1, port: 0, token: ${TOKEN}}
        upstreams:
          - {name: openai, api: openai, url: "${URL}", api_key: sk-upstream-openai}
          - {name: anthropic, api: anthropic, url: "${URL}", api_key: sk-upstream-anthropic}
        timeouts: {first_byte_ms: 1500, idle_ms: 3000}
        event_loops: 1
        shutdown_grace_seconds: 5
        """;
    GatewayConfig c =
        ConfigLoader.parse(yaml, Map.of("TOKEN", ADMIN_TOKEN, "URL", upstreamUrl), dir);
    tweak.accept(c);
    return c;
  }

  /** Restarts the gateway on the same directory (store, journal), as after a crash or deploy. */
  void restart() throws IOException {
    gateway.close();
    gateway = Gateway.start(config, Clock.systemUTC());
  }

  String url() {
    return "http://127.0.0.1:" + gateway.port();
  }

  String adminUrl() {
    return "http://127.0.0.1:" + gateway.adminPort();
  }

  /** Issues a key for an account and returns its secret. */
  String key(String account) throws Exception {
    Operations.CreatedKey k = gateway.operations().createKey("test", account, null, "test key");
    gateway.refresh();
    return k.secret();
  }

  HttpResponse<String> post(String path, String key, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .header("authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(adminUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .header("authorization", "Bearer " + ADMIN_TOKEN)
            .header("content-type", "application/json")
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String prompt) {
    return "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt
        + "\"}]}";
  }

  /** The last request the upstream received (there must be one). */
  StandInUpstream.Received last() {
    return java.util.Objects.requireNonNull(upstream.lastRequest(), "no upstream request yet");
  }

  org.distillguard.gateway.inline.InlineDetection detection() {
    return java.util.Objects.requireNonNull(gateway.detection(), "detector off");
  }

  /** Waits until the detector has processed everything submitted so far. */
  void awaitDetector() throws InterruptedException {
    var d = detection();
    if (!d.awaitProcessed(d.submitted(), 10_000)) {
      throw new AssertionError("detector did not catch up");
    }
  }

  @Override
  public void close() {
    gateway.close();
    upstream.close();
  }
}
