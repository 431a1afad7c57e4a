package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests, tokens and concurrency per key and account, with the providers' headers. */
class LimitsTest {
  @TempDir static Path dir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new GatewayFixture(
            dir,
            c -> {
              c.limits.key.rpm = 3;
              c.limits.key.tpm = 0;
              c.limits.key.concurrency = 0;
              c.limits.account.rpm = 0;
              c.limits.account.tpm = 200;
              c.limits.account.concurrency = 1;
              c.limits.ip.rpm = 0;
            });
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void requestsPerMinutePerKeyWithOpenAiHeaders() throws Exception {
    String k = fx.key("acct-rpm");
    String body = GatewayFixture.chat("hi");
    HttpResponse<String> first = fx.post("/v1/chat/completions", k, body);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2");
    fx.post("/v1/chat/completions", k, body);
    fx.post("/v1/chat/completions", k, body);
    HttpResponse<String> r = fx.post("/v1/chat/completions", k, body);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("rate_limit_exceeded").contains("requests per minute");
    long retry = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
    assertThat(retry).isBetween(1L, 60L);
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
  }

  @Test
  void anthropicClientsGetAnthropicHeadersAndErrorBody() throws Exception {
    String k = fx.key("acct-rpm-anthropic");
    String body =
        "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    HttpResponse<String> ok = fx.post("/v1/messages", k, body);
    assertThat(ok.headers().firstValue("anthropic-ratelimit-requests-limit")).hasValue("3");
    fx.post("/v1/messages", k, body);
    fx.post("/v1/messages", k, body);
    HttpResponse<String> r = fx.post("/v1/messages", k, body);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("\"type\":\"rate_limit_error\"");
    assertThat(r.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  void tokensPerMinuteAreEstimatedBeforeAndCorrectedAfter() throws Exception {
    String k = fx.key("acct-tpm");
    // About 150 tokens of prompt: admitted (estimate below 200), then corrected by actual usage.
    String prompt = "word ".repeat(150).trim();
    HttpResponse<String> first = fx.post("/v1/chat/completions", k, GatewayFixture.chat(prompt));
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> second = fx.post("/v1/chat/completions", k, GatewayFixture.chat(prompt));
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.body()).contains("tokens per minute");
    assertThat(second.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("200");
  }

  @Test
  void concurrentRequestsPerAccount() throws Exception {
    String k = fx.key("acct-concurrency");
    HttpRequest slow =
        HttpRequest.newBuilder(URI.create(fx.url() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(20))
            .header("authorization", "Bearer " + k)
            .header("x-standin-delay-ms", "800")
            .POST(HttpRequest.BodyPublishers.ofString(GatewayFixture.chat("slow")))
            .build();
    CompletableFuture<HttpResponse<String>> inFlight =
        fx.http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Integer.valueOf(1).equals(fx.gateway.status().get("in_flight")));
    HttpResponse<String> second = fx.post("/v1/chat/completions", k, GatewayFixture.chat("x"));
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.body()).contains("concurrent requests");
    assertThat(inFlight.get().statusCode()).isEqualTo(200);
    assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("x")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anAccountOverrideInTheStoreReplacesTheDefault() throws Exception {
    String k = fx.key("acct-override");
    fx.gateway.operations().putAccount("test", "acct-override", null, null, 100_000L, 5, null);
    // An override no token bucket can hold is refused with the reason, and changes nothing.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                fx.gateway
                    .operations()
                    .putAccount("test", "acct-override", null, null, 1L << 50, 5, null))
        .hasMessageContaining("account acct-override: tpm must be 0 (unlimited) to");
    assertThat(fx.gateway.operations().account("acct-override").orElseThrow().tpm())
        .isEqualTo(100_000L);
    fx.gateway.refresh();
    String prompt = "word ".repeat(150).trim();
    for (int i = 0; i < 3; i++) {
      assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat(prompt)).statusCode())
          .isEqualTo(200);
    }
  }
}
