package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway serves the same on either network transport: Netty's epoll (the default on Linux) and
 * the JDK's NIO (elsewhere, or with {@code native_transport: false}).
 */
class TransportTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void answersWholeAndStreamedTheSameOnEitherTransport(boolean nativeTransport) throws Exception {
    try (GatewayFixture fx = new GatewayFixture(dir, c -> c.nativeTransport = nativeTransport)) {
      boolean epollHere =
          System.getProperty("os.name").startsWith("Linux")
              && Files.exists(Path.of("/proc/self")); // the bundled epoll needs Linux
      assertThat(fx.gateway.transport()).isEqualTo(nativeTransport && epollHere ? "epoll" : "NIO");
      String key = fx.key("acct-transport");

      HttpResponse<String> whole =
          fx.post("/v1/chat/completions", key, GatewayFixture.chat("Hello over the wire"));
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).contains("\"usage\"");

      String streamed =
          "{\"model\":\"gpt-test\",\"stream\":true,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, streamed\"}]}";
      HttpResponse<String> sse = fx.post("/v1/chat/completions", key, streamed);
      assertThat(sse.statusCode()).isEqualTo(200);
      assertThat(sse.body()).contains("data: ").endsWith("data: [DONE]\n\n");

      HttpResponse<String> wrongKey =
          fx.post("/v1/chat/completions", "sk-wrong", GatewayFixture.chat("hi"));
      assertThat(wrongKey.statusCode()).isEqualTo(401);
      fx.awaitDetector();
      assertThat(fx.detection().processed()).isEqualTo(2);
    }
  }
}
