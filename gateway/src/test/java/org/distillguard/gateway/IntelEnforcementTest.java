package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distillguard.gateway.intel.IntelService;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway (member B) configured with an {@code intel:} section polls a real publisher
 * (member A) over loopback TAXII; A publishes signed indicators while B runs, and B's next requests
 * are decided by them: refused with a quotable, audited reference, degraded or throttled as B's
 * import policy says, unless B's own allow-list says otherwise.
 */
class IntelEnforcementTest {
  static final String POLICY =
      "{\"rules\":[{\"kinds\":[\"email_domain\"],\"action\":\"degrade\"},"
          + "{\"kinds\":[\"account\"],\"action\":\"watch\"},"
          + "{\"min_confidence\":50,\"action\":\"block\"}]}";
  static final Pattern REF = Pattern.compile("Reference: (DG-[0-9A-Z]+-[0-9A-Z]{3})");

  @TempDir Path tmp;
  IntelMembers members;
  IntelNode a;
  GatewayFixture fx;

  @BeforeEach
  void start() throws Exception {
    members = new IntelMembers(tmp, List.of("provider-a", "provider-b"), POLICY);
    a = members.open("provider-a", Clock.systemUTC());
    a.serve();
    Path gw = Files.createDirectories(tmp.resolve("gateway-b"));
    fx =
        new GatewayFixture(
            gw,
            c -> {
              c.clientIpHeader = "X-Forwarded-For";
              c.detector.enabled = false;
              c.intel.config = members.config("provider-b").toString();
              c.intel.pollIntervalMs = 100;
              c.intel.sightingsIntervalMs = 0;
            });
  }

  @AfterEach
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
    if (a != null) {
      a.close();
    }
  }

  IntelService intel() {
    return Objects.requireNonNull(fx.gateway.intel());
  }

  void publish(ObjectNode... objects) throws Exception {
    JsonNode st = a.publish(a.signedBundle(List.of(objects)));
    assertThat(st.path("failure_count").asInt()).as(st.toString()).isZero();
  }

  /** Sends until the answer's status is {@code status} (the feed polls every 100 ms). */
  HttpResponse<String> awaitStatus(int status, Supplier<HttpResponse<String>> send) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    HttpResponse<String> r = send.get();
    while (r.statusCode() != status && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      r = send.get();
    }
    return r;
  }

  HttpResponse<String> chat(String key, String ip, String prompt) {
    try {
      return fx.post(
          "/v1/chat/completions", key, GatewayFixture.chat(prompt), "X-Forwarded-For", ip);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anAddressBlockPublishedByAPeerIsRefusedAtBWithoutARestartAndWithAnAuditedReference()
      throws Exception {
    String key = fx.key("acct-1");
    assertThat(chat(key, "198.51.100.7", "hello").statusCode()).isEqualTo(200);

    long now = System.currentTimeMillis();
    ObjectNode v4 =
        IntelMembers.indicator(
            "provider-a", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']", "ip_prefix", 90, now);
    ObjectNode v6 =
        IntelMembers.indicator(
            "provider-a", "[ipv6-addr:value ISSUBSET '2001:db8:bad::/48']", "ip_prefix", 90, now);
    publish(v4, v6);

    HttpResponse<String> refused = awaitStatus(403, () -> chat(key, "198.51.100.7", "hello"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("policy_blocked").contains("acct-1");
    Matcher m = REF.matcher(refused.body());
    assertThat(m.find()).as(refused.body()).isTrue();
    String ref = m.group(1);
    assertThat(chat(key, "2001:db8:bad::1", "hello").statusCode()).isEqualTo(403);
    // Neighbours outside the blocks pass.
    assertThat(chat(key, "198.51.101.7", "hello").statusCode()).isEqualTo(200);
    assertThat(chat(key, "2001:db8:bae::1", "hello").statusCode()).isEqualTo(200);

    // The reference is an audit entry naming the indicator and its publisher (written off the
    // request path, so it may take a moment).
    AuditEntry e = awaitAudit(ref);
    assertThat(e.actor()).isEqualTo("intel");
    assertThat(e.action()).isEqualTo("intel.block");
    assertThat(e.subject()).isEqualTo("account:acct-1");
    assertThat(e.reason()).contains(v4.get("id").asText()).contains("provider-a");
    // The same decision quotes the same reference.
    assertThat(chat(key, "198.51.100.8", "hello").body()).contains(ref);
    assertThat(fx.gateway.metrics().scrape())
        .containsPattern(
            "distillguard_decisions_total\\{action=\"block\",cause=\"intel\"[^}]*\\} [1-9]");
  }

  AuditEntry awaitAudit(String ref) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (AuditEntry e : fx.gateway.store().audit("account:", null, 1000)) {
        if (e.id().equals(ref)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no audit entry " + ref);
  }

  @Test
  void theAccountsKeyedPaymentAndEmailFingerprintsMatchAndEachKindGetsItsPolicysAction()
      throws Exception {
    var fp = intel().node().fingerprints();
    fx.gateway
        .operations()
        .putAccount("test", "acct-card", null, null, null, null, null, "card-fp-0042", null);
    fx.gateway
        .operations()
        .putAccount("test", "acct-mail", null, null, null, null, null, null, "Evil.Example");
    String card = fx.key("acct-card");
    String mail = fx.key("acct-mail");
    String clean = fx.key("acct-clean");
    long now = System.currentTimeMillis();
    publish(
        IntelMembers.fingerprint(
            "provider-a", "payment_fp", fp.of(Kind.PAYMENT, "card-fp-0042"), 90, now),
        // e-mail domains are normalized (lower case) on both sides
        IntelMembers.fingerprint(
            "provider-a", "email_domain", fp.of(Kind.EMAIL_DOMAIN, "evil.example"), 90, now));

    HttpResponse<String> r = awaitStatus(403, () -> chat(card, "192.0.2.1", "hi"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("acct-card").containsPattern(REF.pattern());

    // Degrade: the output cap is lowered on the way to the upstream.
    String big =
        "{\"model\":\"gpt-test\",\"max_tokens\":4000,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    long deadline = System.nanoTime() + 20_000_000_000L;
    int cap = 4000;
    while (System.nanoTime() < deadline) {
      assertThat(
              fx.post("/v1/chat/completions", mail, big, "X-Forwarded-For", "192.0.2.2")
                  .statusCode())
          .isEqualTo(200);
      cap = Objects.requireNonNull(fx.last().body()).path("max_tokens").asInt();
      if (cap != 4000) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(cap).isEqualTo(512);

    assertThat(chat(clean, "192.0.2.3", "hi").statusCode()).isEqualTo(200);
    assertThat(
            fx.post("/v1/chat/completions", clean, big, "X-Forwarded-For", "192.0.2.3")
                .statusCode())
        .isEqualTo(200);
    assertThat(Objects.requireNonNull(fx.last().body()).path("max_tokens").asInt()).isEqualTo(4000);
  }

  @Test
  void aLocalAllowListEntryWinsOverAnImportedBlock() throws Exception {
    String allowed = fx.key("acct-contracted");
    String other = fx.key("acct-other");
    fx.gateway
        .operations()
        .list("test", ListEntry.ListType.ALLOW, ListEntry.Kind.ACCOUNT, "acct-contracted", "eval");
    fx.gateway.refresh();
    publish(
        IntelMembers.indicator(
            "provider-a",
            "[ipv4-addr:value = '203.0.113.50']",
            "ip_prefix",
            95,
            System.currentTimeMillis()));
    assertThat(awaitStatus(403, () -> chat(other, "203.0.113.50", "x")).statusCode())
        .isEqualTo(403);
    assertThat(chat(allowed, "203.0.113.50", "x").statusCode()).isEqualTo(200);
  }

  @Test
  void aPromptFilledFromACampaignsTemplateIsRefusedAndOrdinaryPromptsAreNot() throws Exception {
    String[] topics = {
      "photosynthesis",
      "the french revolution",
      "compound interest",
      "plate tectonics",
      "the immune system",
      "supply and demand",
      "black holes",
      "the printing press",
      "machine learning",
      "the water cycle",
      "roman aqueducts",
      "vaccination",
      "inflation",
      "the silk road",
      "entropy",
      "democracy",
      "volcanoes",
      "the renaissance",
      "gravity",
      "climate change",
      "the internet",
      "antibiotics",
      "cryptography",
      "the cold war"
    };
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < topics.length; i++) {
      prompts.add(template(topics[i], i % 3 == 0 ? "high school students" : "new employees"));
    }
    TemplateSketch sketch = a.sketcher().templateSketch(prompts, 0.05, 3);
    assertThat(sketch.shingles()).isGreaterThan(10);
    String key = fx.key("acct-t");
    String benign = fx.key("acct-b");
    publish(IntelMembers.campaign("provider-a", "hydra-1", sketch, 90, System.currentTimeMillis()));

    // A topic the campaign never sent, in the same template.
    HttpResponse<String> r =
        awaitStatus(
            403, () -> chat(key, "192.0.2.9", template("the history of jazz", "journalists")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    for (String p :
        List.of(
            "What's a good recipe for banana bread with walnuts?",
            "Explain step by step how photosynthesis works in desert plants, please.",
            "Write a haiku about the sea",
            "")) {
      assertThat(chat(benign, "192.0.2.10", p).statusCode()).as(p).isEqualTo(200);
    }
  }

  static String template(String topic, String audience) {
    return "You are a world-class tutor. Explain step by step, with one worked example and a short"
        + " summary at the end, why "
        + topic
        + " matters to "
        + audience
        + ". Answer in exactly five numbered points and cite no sources.";
  }

  @Test
  void matchesAreReportedToThePublisherAsSightingsThatCarryNoRequestData() throws Exception {
    String key = fx.key("acct-sighted");
    ObjectNode ind =
        IntelMembers.indicator(
            "provider-a",
            "[ipv4-addr:value ISSUBSET '198.18.77.0/24']",
            "ip_prefix",
            60,
            System.currentTimeMillis());
    publish(ind);
    String id = ind.get("id").asText();
    assertThat(awaitStatus(403, () -> chat(key, "198.18.77.5", "secret prompt 1")).statusCode())
        .isEqualTo(403);
    chat(key, "198.18.77.6", "secret prompt 2");
    assertThat(intel().sightings().count(id)).isGreaterThanOrEqualTo(2);

    JsonNode status = Objects.requireNonNull(intel().publishSightings());
    assertThat(status.path("failure_count").asInt()).isZero();
    assertThat(status.path("success_count").asInt()).isEqualTo(1);
    assertThat(intel().publishSightings()).as("nothing new to report").isNull();

    // A polls B's collection and counts B's sighting as a confirmation of its indicator.
    a.poller().pollAll(a.config().peers());
    assertThat(a.store().confirmations(id, a.config().identity())).isEqualTo(1);
    JsonNode sighting =
        a.store().ofType("sighting").stream()
            .map(h -> h.object())
            .filter(o -> o.path("sighting_of_ref").asText().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(sighting.path("count").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(sighting.path("where_sighted_refs").get(0).asText())
        .isEqualTo(intel().node().config().identity());
    String published = Files.readString(tmp.resolve("state-provider-b/taxii/published.jsonl"));
    assertThat(published).contains(id);
    for (String secret : List.of("acct-sighted", "198.18.77.5", "198.18.77.6", "secret prompt")) {
      assertThat(published).doesNotContain(secret);
    }
  }
}
