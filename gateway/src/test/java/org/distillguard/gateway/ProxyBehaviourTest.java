package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.distillguard.gateway.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy over real HTTP on loopback: errors in each API's format, endpoints, failures. */
class ProxyBehaviourTest {
  @TempDir static Path dir;
  static GatewayFixture fx;
  static String key;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new GatewayFixture(
            dir,
            c -> {
              c.maxRequestBytes = 4096;
              c.limits.key.rpm = 0;
              c.limits.account.rpm = 0;
              c.limits.ip.rpm = 0;
            });
    key = fx.key("acct-proxy");
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.parse(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void unknownKeyIs401InOpenAiFormatAndAnthropicFormat() throws Exception {
    HttpResponse<String> o = fx.post("/v1/chat/completions", "sk-wrong", GatewayFixture.chat("hi"));
    assertThat(o.statusCode()).isEqualTo(401);
    assertThat(json(o).path("error").path("code").asText()).isEqualTo("invalid_api_key");
    HttpResponse<String> a =
        fx.post(
            "/v1/messages",
            "sk-wrong",
            "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[]}",
            "anthropic-version",
            "2023-06-01");
    assertThat(a.statusCode()).isEqualTo(401);
    assertThat(json(a).path("type").asText()).isEqualTo("error");
    assertThat(json(a).path("error").path("type").asText()).isEqualTo("authentication_error");
  }

  @Test
  void missingKeyIs401() throws Exception {
    HttpResponse<String> r = fx.get(fx.url() + "/v1/models");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("Exception");
  }

  @Test
  void malformedJsonIs400AndNeverAStackTrace() throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", key, "{\"model\": ");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(r.body()).doesNotContain("at org.");
    HttpResponse<String> noMessages = fx.post("/v1/chat/completions", key, "{\"model\":\"m\"}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    HttpResponse<String> anthropic =
        fx.post("/v1/messages", key, "{\"model\":\"c\",\"messages\":[]}");
    assertThat(anthropic.statusCode()).isEqualTo(400);
    assertThat(json(anthropic).path("error").path("message").asText()).contains("max_tokens");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    String big = "x".repeat(5000);
    HttpResponse<String> r = fx.post("/v1/chat/completions", key, GatewayFixture.chat(big));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("request_too_large");
    HttpResponse<String> a =
        fx.post(
            "/v1/messages",
            key,
            "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + big
                + "\"}]}");
    assertThat(a.statusCode()).isEqualTo(413);
    assertThat(json(a).path("error").path("type").asText()).isEqualTo("request_too_large");
  }

  @Test
  void unknownPathIs404() throws Exception {
    HttpResponse<String> r = fx.post("/v1/nothing", key, "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("unknown_url");
  }

  @Test
  void upstreamErrorsPassThroughWithTheirStatus() throws Exception {
    HttpResponse<String> r =
        fx.post("/v1/chat/completions", key, GatewayFixture.chat("hi"), "x-standin-status", "503");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("stand-in error 503");
  }

  @Test
  void slowUpstreamIs504InTheApisFormat() throws Exception {
    HttpResponse<String> r =
        fx.post(
            "/v1/chat/completions", key, GatewayFixture.chat("hi"), "x-standin-delay-ms", "4000");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("upstream_timeout");
    HttpResponse<String> a =
        fx.post(
            "/v1/messages",
            key,
            "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "x-standin-delay-ms",
            "4000");
    assertThat(a.statusCode()).isEqualTo(504);
    assertThat(json(a).path("error").path("type").asText()).isEqualTo("timeout_error");
  }

  @Test
  void everyOpenAiEndpointIsForwarded() throws Exception {
    HttpResponse<String> completions =
        fx.post("/v1/completions", key, "{\"model\":\"gpt-test\",\"prompt\":\"Say hi\"}");
    assertThat(completions.statusCode()).isEqualTo(200);
    assertThat(json(completions).path("choices").get(0).path("text").asText()).contains("answer");
    HttpResponse<String> responses =
        fx.post("/v1/responses", key, "{\"model\":\"gpt-test\",\"input\":\"Say hi\"}");
    assertThat(responses.statusCode()).isEqualTo(200);
    assertThat(json(responses).path("usage").path("output_tokens").asInt()).isEqualTo(8);
    HttpResponse<String> streamed =
        fx.post(
            "/v1/responses", key, "{\"model\":\"gpt-test\",\"input\":\"Say hi\",\"stream\":true}");
    assertThat(streamed.body()).contains("event: response.completed");
    HttpResponse<String> emb =
        fx.post("/v1/embeddings", key, "{\"model\":\"emb-test\",\"input\":\"Say hi\"}");
    assertThat(json(emb).path("data").get(0).path("embedding").size()).isEqualTo(8);
    HttpResponse<String> models = fx.get(fx.url() + "/v1/models", "authorization", "Bearer " + key);
    assertThat(json(models).path("data").get(0).path("id").asText()).isEqualTo("gpt-standin");
    HttpResponse<String> anthropicModels =
        fx.get(fx.url() + "/v1/models", "x-api-key", key, "anthropic-version", "2023-06-01");
    assertThat(json(anthropicModels).path("data").get(0).path("type").asText()).isEqualTo("model");
  }

  @Test
  void upstreamDownIs502() throws Exception {
    try (GatewayFixture down =
        new GatewayFixture(
            dir.resolve("down"),
            c -> {
              c.upstreams.get(0).url = "http://127.0.0.1:1";
              c.detector.enabled = false;
            })) {
      String k = down.key("acct-down");
      HttpResponse<String> r = down.post("/v1/chat/completions", k, GatewayFixture.chat("hi"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(json(r).path("error").path("code").asText()).isEqualTo("upstream_error");
    }
  }

  @Test
  void clientDisconnectCancelsTheUpstreamStream() throws Exception {
    long before = fx.upstream.cancelled();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(fx.url() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(20))
            .header("authorization", "Bearer " + key)
            .header("x-standin-chunk-delay-ms", "200")
            .header("x-standin-words", "100")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"long\"}]}"))
            .build();
    HttpResponse<InputStream> r = fx.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] first = new byte[64];
      assertThat(in.read(first)).isPositive(); // the first event arrives before the answer ends
    } // closing the stream drops the connection mid-answer
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fx.upstream.cancelled() > before);
  }

  @Test
  void healthAndReadinessAndMetrics() throws Exception {
    assertThat(fx.get(fx.url() + "/healthz").statusCode()).isEqualTo(200);
    assertThat(fx.get(fx.adminUrl() + "/readyz").statusCode()).isEqualTo(200);
    fx.post("/v1/chat/completions", key, GatewayFixture.chat("count me"));
    String metrics = fx.get(fx.adminUrl() + "/metrics").body();
    assertThat(metrics)
        .contains("distillguard_requests_total")
        .contains("distillguard_request_duration_seconds_bucket")
        .contains("distillguard_detector_queue");
  }
}
