package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pass-through mode and graceful shutdown. */
@Tag("slow")
class LifecycleTest {
  @TempDir Path dir;

  @Test
  void passThroughForwardsTheClientsOwnKeyAndAccountsByItsHash() throws Exception {
    try (GatewayFixture fx = new GatewayFixture(dir, c -> c.auth.mode = "passthrough")) {
      HttpResponse<String> r =
          fx.post("/v1/chat/completions", "sk-client-own-key-1", GatewayFixture.chat("hi"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(fx.last().headers().get("authorization")).isEqualTo("Bearer sk-client-own-key-1");
      fx.awaitDetector();
      String account =
          "pt-"
              + org.distillguard.gateway.keys.KeyCodec.sha256Hex("sk-client-own-key-1")
                  .substring(0, 16);
      Thread.sleep(300); // the journal is flushed when the detector's queue is empty
      assertThat(java.nio.file.Files.readString(dir.resolve("journal/exchanges.jsonl")))
          .contains("\"account\":\"" + account + "\"")
          .doesNotContain("sk-client-own-key-1");
    }
  }

  @Test
  void gracefulShutdownFinishesTheStreamInFlight() throws Exception {
    GatewayFixture fx = new GatewayFixture(dir, c -> {});
    try {
      String key = fx.key("acct-shutdown");
      HttpRequest slow =
          HttpRequest.newBuilder(URI.create(fx.url() + "/v1/chat/completions"))
              .timeout(Duration.ofSeconds(20))
              .header("authorization", "Bearer " + key)
              .header("x-standin-chunk-delay-ms", "100")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                          + "\"content\":\"x\"}]}"))
              .build();
      CompletableFuture<HttpResponse<String>> stream =
          fx.http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Integer.valueOf(1).equals(fx.gateway.status().get("in_flight")));
      fx.gateway.close(); // returns once the stream has finished
      HttpResponse<String> r = stream.get();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("data: [DONE]").contains(" asked");
    } finally {
      fx.upstream.close();
    }
  }
}
