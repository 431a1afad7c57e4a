package org.distillguard.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.distillguard.gateway.Gateway;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.kafka.KafkaConfig;
import org.distillguard.gateway.kafka.KafkaLink;
import org.distillguard.gateway.standin.StandInUpstream;
import org.jspecify.annotations.Nullable;

/**
 * Two real gateways on loopback (their own listeners, journals and Kafka state; one shared SQLite
 * store, so a key works at both), in front of one stand-in upstream, publishing exchanges to Kafka
 * and following the decision topic. Their inline detectors are off: every refusal here comes from
 * the Flink job's decisions. Logged exchanges are sent as real HTTP requests in the wire format of
 * their endpoint, with the log's client address ({@code X-Forwarded-For}), user agent and answer
 * length, at the log's times ({@link ReplayClock}).
 */
final class GatewayPair implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "e2e-admin-token-0123456789";

  final ReplayClock clock = new ReplayClock(0);
  private final StandInUpstream upstream;
  private final List<GatewayConfig> configs = new ArrayList<>();
  private final Gateway[] gateways = new Gateway[2];
  private final Map<String, String> keys = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  GatewayPair(Path dir, String bootstrap, String exchanges, String decisions) throws Exception {
    this(dir, bootstrap, exchanges, decisions, KafkaConfig.READ_UNCOMMITTED);
  }

  /**
   * @param isolation how the gateways read the decision topic ({@code kafka.decisions.isolation})
   */
  GatewayPair(Path dir, String bootstrap, String exchanges, String decisions, String isolation)
      throws Exception {
    upstream = StandInUpstream.standalone().start("127.0.0.1", 0);
    Files.createDirectories(dir);
    for (int i = 0; i < 2; i++) {
      String yaml =
          """
          listen: {host: 127.0.0.1, port: 0}
          admin: {host: 127.0.0.1, port: 0, token: ${TOKEN}}
          upstreams:
            - {name: openai, api: openai, url: "${URL}", api_key: sk-upstream}
            - {name: anthropic, api: anthropic, url: "${URL}", api_key: sk-upstream}
          client_ip_header: X-Forwarded-For
          event_loops: 1
          shutdown_grace_seconds: 5
          store: {url: "jdbc:sqlite:${DB}"}
          limits:
            key: {rpm: 0, tpm: 0, concurrency: 0}
            account: {rpm: 0, tpm: 0, concurrency: 0}
            ip: {rpm: 0, tpm: 0, concurrency: 0}
          detector: {enabled: false}
          kafka:
            bootstrap_servers: ${KAFKA}
            instance: gw-${N}
            state_dir: kafka-${N}
            down_after_ms: 1000
            exchanges: {topic: ${EXCHANGES}}
            decisions: {topic: ${DECISIONS}, isolation: ${ISOLATION}}
          """;
      GatewayConfig c =
          ConfigLoader.parse(
              yaml,
              Map.of(
                  "TOKEN", TOKEN,
                  "URL", upstream.baseUrl(),
                  "DB", dir.resolve("shared.db").toAbsolutePath().toString(),
                  "KAFKA", bootstrap,
                  "N", Integer.toString(i),
                  "EXCHANGES", exchanges,
                  "DECISIONS", decisions,
                  "ISOLATION", isolation),
              dir);
      configs.add(c);
      gateways[i] = Gateway.start(c, clock);
    }
  }

  Gateway gateway(int i) {
    return gateways[i];
  }

  KafkaLink kafka(int i) {
    return Objects.requireNonNull(gateways[i].kafka());
  }

  /** Restarts gateway i on the same directories (a deploy or a crash-free restart). */
  void restart(int i) throws Exception {
    gateways[i].close();
    gateways[i] = Gateway.start(configs.get(i), clock);
  }

  /** Issues a key for an account created at {@code createdMillis}, valid at both gateways. */
  void account(String account, @Nullable String org, long createdMillis) throws Exception {
    clock.set(createdMillis);
    keys.put(account, gateways[0].operations().createKey("e2e", account, org, "e2e").secret());
  }

  /** Makes both gateways read the keys issued so far. */
  void refresh() {
    for (Gateway g : gateways) {
      g.refresh();
    }
  }

  /** Sends a logged exchange through gateway i at the log's time; returns the status. */
  int send(Exchange e, int i) throws Exception {
    clock.set(e.timeMillis());
    return request(e, i).statusCode();
  }

  /** Sends a short request as the account through gateway i; returns the status. */
  int probe(String account, int i) throws Exception {
    Exchange e =
        Exchange.builder("probe", clock.millis(), account)
            .endpoint("chat.completions")
            .model("m-large")
            .prompt("hello")
            .build();
    return request(e, i).statusCode();
  }

  HttpResponse<String> readyz(int i) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateways[i].adminPort() + "/readyz"))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> request(Exchange e, int i) throws Exception {
    String key = Objects.requireNonNull(keys.get(e.account()), e.account());
    String endpoint = e.endpoint() == null ? "chat.completions" : e.endpoint();
    ObjectNode body = JSON.createObjectNode();
    body.put("model", e.model() == null ? "m-large" : e.model());
    Params p = e.params();
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
    String path;
    switch (endpoint) {
      case "messages" -> {
        path = "/v1/messages";
        ArrayNode ms = body.putArray("messages");
        for (Message m : e.messages()) {
          if (m.role().equals(Message.SYSTEM)) {
            body.put("system", m.content());
          } else {
            ms.addObject().put("role", m.role()).put("content", m.content());
          }
        }
        body.put("max_tokens", p.maxTokens() == null ? 1024 : p.maxTokens());
        b.header("x-api-key", key).header("anthropic-version", "2023-06-01");
      }
      case "responses" -> {
        path = "/v1/responses";
        ArrayNode in = body.putArray("input");
        for (Message m : e.messages()) {
          if (m.role().equals(Message.SYSTEM)) {
            body.put("instructions", m.content());
          } else {
            in.addObject().put("role", m.role()).put("content", m.content());
          }
        }
        if (p.maxTokens() != null) {
          body.put("max_output_tokens", p.maxTokens());
        }
        b.header("authorization", "Bearer " + key);
      }
      default -> {
        path = "/v1/chat/completions";
        ArrayNode ms = body.putArray("messages");
        for (Message m : e.messages()) {
          ms.addObject().put("role", m.role()).put("content", m.content());
        }
        if (p.maxTokens() != null) {
          body.put("max_tokens", p.maxTokens());
        }
        b.header("authorization", "Bearer " + key);
      }
    }
    if (p.temperature() != null) {
      body.put("temperature", p.temperature());
    }
    if (Boolean.TRUE.equals(p.stream())) {
      body.put("stream", true);
    }
    if (e.conversation() != null) {
      body.put("conversation", e.conversation());
    }
    if (e.ip() != null) {
      b.header("X-Forwarded-For", e.ip());
    }
    if (e.userAgent() != null) {
      b.header("User-Agent", e.userAgent());
    }
    long words = Math.max(1, Math.min(2000, e.usage().outputTokens()));
    b.header("x-standin-words", Long.toString(words));
    b.header("content-type", "application/json");
    b.uri(URI.create("http://127.0.0.1:" + gateways[i].port() + path));
    b.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    for (Gateway g : gateways) {
      if (g != null) {
        g.close();
      }
    }
    upstream.close();
  }
}
