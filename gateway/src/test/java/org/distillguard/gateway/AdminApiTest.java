package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.distillguard.gateway.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over HTTP: token, keys, accounts, lists, verdicts, audit; and restarts. */
class AdminApiTest {
  @TempDir static Path dir;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new GatewayFixture(dir, c -> {});
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void withoutTheTokenNothingIsServed() throws Exception {
    HttpResponse<String> r =
        fx.http.send(
            HttpRequest.newBuilder(URI.create(fx.adminUrl() + "/admin/v1/keys"))
                .header("authorization", "Bearer wrong")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(fx.get(fx.adminUrl() + "/admin/v1/keys").statusCode()).isEqualTo(401);
  }

  @Test
  void keysAreCreatedUsedRevokedAndAudited() throws Exception {
    HttpResponse<String> created =
        fx.admin(
            "POST",
            "/admin/v1/keys",
            "{\"account\":\"acct-admin\",\"org\":\"org-1\",\"name\":\"ci\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String secret = json(created).path("key").asText();
    String id = json(created).path("id").asText();
    assertThat(secret).startsWith("dg_" + id + "_");
    assertThat(fx.post("/v1/chat/completions", secret, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(200);
    // Only the hash is kept.
    assertThat(fx.admin("GET", "/admin/v1/keys", "").body()).contains(id).doesNotContain(secret);
    assertThat(fx.admin("DELETE", "/admin/v1/keys/" + id + "?reason=leaked", "").statusCode())
        .isEqualTo(200);
    assertThat(fx.post("/v1/chat/completions", secret, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(401);
    JsonNode audit = json(fx.admin("GET", "/admin/v1/audit?subject=key:" + id, ""));
    assertThat(audit).hasSize(2);
    assertThat(audit.get(0).path("action").asText()).isEqualTo("key.revoke");
    assertThat(audit.get(0).path("reason").asText()).isEqualTo("leaked");
    assertThat(audit.get(0).path("actor").asText()).isEqualTo("admin-api");
    assertThat(audit.get(1).path("action").asText()).isEqualTo("key.create");
  }

  @Test
  void listsAndAccountsThroughTheApi() throws Exception {
    HttpResponse<String> acct =
        fx.admin(
            "POST", "/admin/v1/accounts", "{\"id\":\"acct-api\",\"rpm\":5,\"note\":\"trial\"}");
    assertThat(acct.statusCode()).isEqualTo(201);
    assertThat(json(acct).path("rpm").asInt()).isEqualTo(5);
    HttpResponse<String> deny =
        fx.admin(
            "POST",
            "/admin/v1/lists",
            "{\"list\":\"deny\",\"kind\":\"ip\",\"subject\":\"203.0.113.0/24\",\"reason\":\"botnet\"}");
    assertThat(deny.statusCode()).isEqualTo(201);
    assertThat(json(deny).path("ref").asText()).startsWith("DG-");
    assertThat(fx.admin("GET", "/admin/v1/lists", "").body()).contains("203.0.113.0/24");
    HttpResponse<String> bad =
        fx.admin(
            "POST", "/admin/v1/lists", "{\"list\":\"deny\",\"kind\":\"ip\",\"subject\":\"nope\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(
            fx.admin("DELETE", "/admin/v1/lists?kind=ip&subject=203.0.113.0/24", "").statusCode())
        .isEqualTo(200);
    String k = fx.key("acct-api");
    assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(200);
    HttpResponse<String> revoked =
        fx.admin("DELETE", "/admin/v1/accounts/acct-api?reason=fraud", "");
    assertThat(json(revoked).path("revoked_keys")).hasSize(1);
    assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(401);
    JsonNode view = json(fx.admin("GET", "/admin/v1/accounts/acct-api", ""));
    assertThat(view.path("account").path("note").asText()).isEqualTo("trial");
    assertThat(json(fx.admin("GET", "/admin/v1/status", "")).has("detector_processed")).isTrue();
  }

  @Test
  void keysListsAndTheAuditLogSurviveARestart() throws Exception {
    String k = fx.key("acct-restart");
    fx.gateway
        .operations()
        .list(
            "test",
            org.distillguard.gateway.store.ListEntry.ListType.DENY,
            org.distillguard.gateway.store.ListEntry.Kind.ACCOUNT,
            "acct-restart-denied",
            "x");
    fx.restart();
    assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(200);
    String denied = fx.key("acct-restart-denied");
    assertThat(fx.post("/v1/chat/completions", denied, GatewayFixture.chat("hi")).statusCode())
        .isEqualTo(403);
    assertThat(json(fx.admin("GET", "/admin/v1/audit?subject=account:acct-restart", "")))
        .isNotEmpty();
  }
}
