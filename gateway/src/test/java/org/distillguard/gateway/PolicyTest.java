package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.store.StoredVerdict;
import org.distillguard.gateway.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Degrade, throttle, manual lists: what each policy action does to real requests. */
class PolicyTest {
  @TempDir static Path dir;
  static GatewayFixture fx;
  static String degraded;
  static String throttled;
  static String normal;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new GatewayFixture(
            dir,
            c -> {
              c.policy.suspicious = "degrade";
              c.policy.distillation = "throttle";
              c.policy.degrade.maxTokens = 16;
              c.limits.throttled.rpm = 2;
              c.limits.throttled.tpm = 0;
              c.limits.throttled.concurrency = 0;
            });
    degraded = fx.key("acct-degraded");
    throttled = fx.key("acct-throttled");
    normal = fx.key("acct-normal");
    // Standings as the detector would have left them, loaded at start like after a restart.
    fx.gateway.store().putVerdict(verdict("acct-degraded", "suspicious", "DG-TEST-DEGRADE"));
    fx.gateway.store().putVerdict(verdict("acct-throttled", "distillation", "DG-TEST-THROTTLE"));
    fx.restart();
  }

  static StoredVerdict verdict(String account, String verdict, String ref) {
    return new StoredVerdict(account, verdict, 0.9, 50, null, "test", 0, ref, null, false);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode json(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void degradeCapsTheOutputAndRefusesSamplesAndLogprobs() throws Exception {
    HttpResponse<String> r =
        fx.post(
            "/v1/chat/completions",
            degraded,
            "{\"model\":\"gpt-test\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Explain everything\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode sent = java.util.Objects.requireNonNull(fx.last().body());
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(16);
    HttpResponse<String> anth =
        fx.post(
            "/v1/messages",
            degraded,
            "{\"model\":\"c\",\"max_tokens\":4096,\"thinking\":{\"type\":\"enabled\","
                + "\"budget_tokens\":2048},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(anth.statusCode()).isEqualTo(200);
    JsonNode sentA = java.util.Objects.requireNonNull(fx.last().body());
    assertThat(sentA.path("max_tokens").asInt()).isEqualTo(16);
    assertThat(sentA.has("thinking")).isFalse();
    HttpResponse<String> n =
        fx.post(
            "/v1/chat/completions",
            degraded,
            "{\"model\":\"gpt-test\",\"n\":4,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(n.statusCode()).isEqualTo(403);
    assertThat(json(n.body()).path("error").path("code").asText()).isEqualTo("policy_degraded");
    assertThat(n.body()).contains("DG-TEST-DEGRADE");
    HttpResponse<String> lp =
        fx.post(
            "/v1/chat/completions",
            degraded,
            "{\"model\":\"gpt-test\",\"logprobs\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}");
    assertThat(lp.statusCode()).isEqualTo(403);
    // Others are untouched.
    HttpResponse<String> ok =
        fx.post(
            "/v1/chat/completions",
            normal,
            "{\"model\":\"gpt-test\",\"n\":2,\"max_tokens\":4096,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(java.util.Objects.requireNonNull(fx.last().body()).path("max_tokens").asInt())
        .isEqualTo(4096);
  }

  @Test
  void degradeStripsReasoningFromAnswersStreamedOrNot() throws Exception {
    String chat =
        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Think\"}]}";
    HttpResponse<String> plain =
        fx.post("/v1/chat/completions", normal, chat, "x-standin-reasoning", "true");
    assertThat(plain.body()).contains("reasoning_content");
    HttpResponse<String> stripped =
        fx.post("/v1/chat/completions", degraded, chat, "x-standin-reasoning", "true");
    assertThat(stripped.statusCode()).isEqualTo(200);
    assertThat(stripped.body()).doesNotContain("reasoning_content").contains("answer");
    String chatStream = chat.replace("{\"model\"", "{\"stream\":true,\"model\"");
    HttpResponse<String> s =
        fx.post("/v1/chat/completions", degraded, chatStream, "x-standin-reasoning", "true");
    assertThat(s.body()).doesNotContain("reasoning_content").contains("data: [DONE]");
    String msg =
        "{\"model\":\"c\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    HttpResponse<String> a = fx.post("/v1/messages", degraded, msg, "x-standin-reasoning", "true");
    assertThat(json(a.body()).path("content")).hasSize(1);
    assertThat(json(a.body()).path("content").get(0).path("type").asText()).isEqualTo("text");
    HttpResponse<String> as =
        fx.post(
            "/v1/messages",
            degraded,
            msg.replace("{\"model\"", "{\"stream\":true,\"model\""),
            "x-standin-reasoning",
            "true");
    assertThat(as.body())
        .doesNotContain("thinking")
        .contains("\"index\":0")
        .doesNotContain("\"index\":1")
        .contains("message_stop");
    HttpResponse<String> resp =
        fx.post(
            "/v1/responses",
            degraded,
            "{\"model\":\"gpt-test\",\"input\":\"x\"}",
            "x-standin-reasoning",
            "true");
    assertThat(resp.body()).doesNotContain("\"reasoning\"").contains("output_text");
  }

  @Test
  void throttledAccountsGetTheTighterLimitsWithRetryAfter() throws Exception {
    String body = GatewayFixture.chat("hello");
    assertThat(fx.post("/v1/chat/completions", throttled, body).statusCode()).isEqualTo(200);
    assertThat(fx.post("/v1/chat/completions", throttled, body).statusCode()).isEqualTo(200);
    HttpResponse<String> r = fx.post("/v1/chat/completions", throttled, body);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("reduced by policy");
    assertThat(r.headers().firstValue("retry-after")).isPresent();
    assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
  }

  @Test
  void manualDenyOfAnAccountKeyOrRangeBlocksWithAQuotableReference() throws Exception {
    String k = fx.key("acct-listed");
    String body = GatewayFixture.chat("hello");
    assertThat(fx.post("/v1/chat/completions", k, body).statusCode()).isEqualTo(200);
    ListEntry deny =
        fx.gateway
            .operations()
            .list("test", ListEntry.ListType.DENY, ListEntry.Kind.ACCOUNT, "acct-listed", "abuse");
    fx.gateway.refresh();
    HttpResponse<String> r = fx.post("/v1/chat/completions", k, body);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r.body()).path("error").path("code").asText()).isEqualTo("policy_blocked");
    assertThat(r.body()).contains("Reference: " + deny.ref());
    HttpResponse<String> anth =
        fx.post(
            "/v1/messages",
            k,
            "{\"model\":\"c\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(json(anth.body()).path("error").path("type").asText()).isEqualTo("permission_error");
    fx.gateway.operations().unlist("test", ListEntry.Kind.ACCOUNT, "acct-listed", "appeal");
    fx.gateway.refresh();
    assertThat(fx.post("/v1/chat/completions", k, body).statusCode()).isEqualTo(200);

    fx.gateway
        .operations()
        .list("test", ListEntry.ListType.DENY, ListEntry.Kind.IP, "127.0.0.0/8", "range");
    fx.gateway.refresh();
    try {
      assertThat(fx.post("/v1/chat/completions", normal, body).statusCode()).isEqualTo(403);
      // An allow of the account does not lift a deny of its range: deny wins.
      fx.gateway
          .operations()
          .list("test", ListEntry.ListType.ALLOW, ListEntry.Kind.ACCOUNT, "acct-normal", "vip");
      fx.gateway.refresh();
      assertThat(fx.post("/v1/chat/completions", normal, body).statusCode()).isEqualTo(403);
    } finally {
      fx.gateway.operations().unlist("test", ListEntry.Kind.IP, "127.0.0.0/8", null);
      fx.gateway.refresh();
    }
    assertThat(fx.post("/v1/chat/completions", normal, body).statusCode()).isEqualTo(200);
  }

  @Test
  void anAllowOverridesTheDetectorsVerdict() throws Exception {
    String k = fx.key("acct-vip");
    fx.gateway.store().putVerdict(verdict("acct-vip", "suspicious", "DG-TEST-VIP"));
    fx.gateway
        .operations()
        .list(
            "test",
            ListEntry.ListType.ALLOW,
            ListEntry.Kind.KEY,
            org.distillguard.gateway.keys.KeyCodec.idOf(k),
            "known batch customer");
    fx.gateway.refresh();
    HttpResponse<String> r =
        fx.post(
            "/v1/chat/completions",
            k,
            "{\"model\":\"gpt-test\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
  }
}
