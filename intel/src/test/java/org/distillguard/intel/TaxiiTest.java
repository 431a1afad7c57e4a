package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distillguard.intel.IntelConfig.PeerConfig;
import org.distillguard.intel.IntelConfig.Taxii;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ImportPolicy;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.taxii.CursorStore;
import org.distillguard.intel.taxii.Poller;
import org.distillguard.intel.taxii.TaxiiClient;
import org.distillguard.intel.taxii.TaxiiCollection;
import org.distillguard.intel.taxii.TaxiiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two members over real HTTP on loopback: A serves its collection, B polls it. */
class TaxiiTest {
  static final String COLLECTION = "2c8e1f2a-6a55-4a43-9a0d-5f0d3c1a7b11";
  @TempDir Path tmp;
  Fixture.Member a = new Fixture.Member("provider-a");
  Fixture.Member b = new Fixture.Member("provider-b");
  TaxiiCollection published;
  TaxiiServer server;
  TaxiiClient client = new TaxiiClient(Duration.ofSeconds(5));
  ObjectNode bundle;
  final Clock clock =
      Clock.fixed(java.time.Instant.ofEpochMilli(Fixture.NOW + 1000), java.time.ZoneOffset.UTC);

  @BeforeEach
  void start() throws Exception {
    bundle = new Fixture(tmp).export(a);
    published =
        new TaxiiCollection(
            COLLECTION,
            "provider-a indicators",
            tmp.resolve("a/published.jsonl"),
            Clock.systemUTC());
    server = startServer();
  }

  private TaxiiServer startServer() throws IOException {
    return TaxiiServer.start(
        new TaxiiServer.Options(
            "127.0.0.1",
            0,
            "distillguard",
            "provider-a",
            Map.of("token-a-self", "provider-a", "token-b", "provider-b"),
            clock),
        List.of(
            new TaxiiServer.CollectionAccess(
                published,
                Set.of("*"),
                Set.of("provider-a"),
                new Verifier(List.of(a.asPeer())),
                Map.of("provider-a", a.signer.identity()))));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    published.close();
  }

  Taxii as(String token) {
    return new Taxii(server.url(), "distillguard", COLLECTION, token);
  }

  List<JsonNode> objects(JsonNode bundle) {
    List<JsonNode> out = new ArrayList<>();
    bundle.get("objects").forEach(out::add);
    return out;
  }

  /** Member B: a store, an importer trusting A, a poller with cursors in {@code dir}. */
  final class MemberB implements AutoCloseable {
    final IndicatorStore store;
    final Poller poller;
    final PeerConfig peerA;

    MemberB(Path dir) throws IOException {
      store = IndicatorStore.open(dir);
      Importer importer = new Importer(new Verifier(List.of(a.asPeer())), store);
      poller = new Poller(client, importer, new CursorStore(dir), clock);
      peerA =
          new PeerConfig(
              "provider-a", a.signer.identity(), List.of(a.key.publicKey()), as("token-b"));
    }

    Poller.Result poll() {
      return poller.poll(peerA);
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }

  @Test
  void memberBImportsWhatMemberAPublishesAndBlocksTheCampaignsNetwork() throws Exception {
    JsonNode status = client.post(as("token-a-self"), objects(bundle));
    assertThat(status.get("status").asText()).isEqualTo("complete");
    assertThat(status.get("failure_count").asInt()).isZero();
    assertThat(status.get("success_count").asInt()).isEqualTo(bundle.get("objects").size());

    try (MemberB mb = new MemberB(tmp.resolve("b"))) {
      Poller.Result r = mb.poll();
      assertThat(r.error()).isNull();
      assertThat(r.report().rejected()).isEmpty();
      assertThat(r.report().accepted()).isEqualTo(bundle.get("objects").size() - 4);
      IndicatorMatcher m =
          IndicatorMatcher.build(mb.store, ImportPolicy.defaults(), clock.millis());
      assertThat(Objects.requireNonNull(m.matchIp("198.18.4.200")).action())
          .isEqualTo(Action.BLOCK);
      // Polling again finds nothing new.
      Poller.Result again = mb.poll();
      assertThat(again.report().accepted()).isZero();
      assertThat(again.report().duplicates()).isZero();
    }
  }

  @Test
  void aForgedObjectServedByTheCollectionIsRejectedAndTheRestImported() throws Exception {
    List<JsonNode> objs = objects(bundle);
    ObjectNode forged = null;
    for (JsonNode o : objs) {
      if ("campaign".equals(o.get("type").asText())) {
        forged = (ObjectNode) o;
      }
    }
    Objects.requireNonNull(forged).put("name", "something else entirely");
    // The server itself refuses it on POST...
    JsonNode status = client.post(as("token-a-self"), objs);
    assertThat(status.get("failure_count").asInt()).isEqualTo(1);
    assertThat(status.get("failures").get(0).get("id").asText())
        .isEqualTo(forged.get("id").asText());
    assertThat(status.get("failures").get(0).get("message").asText()).startsWith("forged");
    // ...and if a compromised server serves it anyway, the poller refuses it.
    published.add(List.of(forged));
    try (MemberB mb = new MemberB(tmp.resolve("b"))) {
      Poller.Result r = mb.poll();
      assertThat(r.report().rejected()).hasSize(1);
      assertThat(r.report().rejected().get(0).reason()).isEqualTo(Reason.FORGED);
      assertThat(r.report().rejected().get(0).peer()).isEqualTo("provider-a");
      assertThat(r.report().accepted()).isEqualTo(objs.size() - 4 - 1);
    }
  }

  @Test
  void theCursorSurvivesARestartAndNoVersionIsImportedTwice() throws Exception {
    List<JsonNode> objs = objects(bundle);
    client.post(as("token-a-self"), objs.subList(0, 10));
    try (MemberB mb = new MemberB(tmp.resolve("b"))) {
      assertThat(mb.poll().report().accepted()).isEqualTo(10 - 4);
    }
    client.post(as("token-a-self"), objs.subList(10, objs.size()));
    // B restarts (new store and cursor objects from the same directory); A's server restarts too.
    server.close();
    published.close();
    published =
        new TaxiiCollection(
            COLLECTION,
            "provider-a indicators",
            tmp.resolve("a/published.jsonl"),
            Clock.systemUTC());
    server = startServer();
    try (MemberB mb = new MemberB(tmp.resolve("b"))) {
      Poller.Result r = mb.poll();
      assertThat(r.report().accepted()).isEqualTo(objs.size() - 10);
      assertThat(r.report().duplicates()).isZero();
      assertThat(mb.store.all()).hasSize(objs.size() - 4);
    }
  }

  @Test
  void paginatesWithLimitAndNext() throws Exception {
    client.post(as("token-a-self"), objects(bundle));
    int total = 0;
    String next = null;
    int pages = 0;
    do {
      TaxiiClient.Page p = client.objects(as("token-b"), null, next, 3);
      total += p.objects().size();
      next = p.more() ? p.next() : null;
      pages++;
    } while (next != null);
    assertThat(total).isEqualTo(bundle.get("objects").size());
    assertThat(pages).isEqualTo((total + 2) / 3);
  }

  // ---- protocol details over raw HTTP ----

  HttpResponse<String> get(String path, String token, String accept) throws Exception {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
    if (!token.isEmpty()) {
      rb.header("Authorization", "Bearer " + token);
    }
    if (!accept.isEmpty()) {
      rb.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(rb.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(HttpResponse<String> r) throws IOException {
    assertThat(r.headers().firstValue("Content-Type")).hasValue(TaxiiServer.MEDIA_TYPE);
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void speaksTaxiiDiscoveryApiRootCollectionsManifestVersionsAndFilters() throws Exception {
    client.post(as("token-a-self"), objects(bundle));
    String t = TaxiiServer.MEDIA_TYPE;
    JsonNode d = json(get("/taxii2/", "token-b", t));
    assertThat(d.get("api_roots").get(0).asText()).isEqualTo("/distillguard/");
    JsonNode root = json(get("/distillguard/", "token-b", t));
    assertThat(root.get("versions").get(0).asText()).isEqualTo(t);
    JsonNode cols = json(get("/distillguard/collections/", "token-b", t));
    assertThat(cols.get("collections").get(0).get("can_read").asBoolean()).isTrue();
    assertThat(cols.get("collections").get(0).get("can_write").asBoolean()).isFalse();
    HttpResponse<String> man =
        get(
            "/distillguard/collections/" + COLLECTION + "/manifest/?match[type]=indicator",
            "token-b",
            t);
    JsonNode manifest = json(man);
    assertThat(manifest.get("objects"))
        .isNotEmpty()
        .allMatch(o -> o.get("id").asText().startsWith("indicator--"));
    assertThat(man.headers().firstValue("X-TAXII-Date-Added-Last")).isPresent();
    String someId = manifest.get("objects").get(0).get("id").asText();
    JsonNode one =
        json(
            get(
                "/distillguard/collections/" + COLLECTION + "/objects/" + someId + "/",
                "token-b",
                t));
    assertThat(one.get("objects")).hasSize(1);
    JsonNode versions =
        json(
            get(
                "/distillguard/collections/" + COLLECTION + "/objects/" + someId + "/versions/",
                "token-b",
                t));
    assertThat(versions.get("versions")).hasSize(1);
    String lastAdded = man.headers().firstValue("X-TAXII-Date-Added-Last").orElseThrow();
    JsonNode after =
        json(
            get(
                "/distillguard/collections/"
                    + COLLECTION
                    + "/objects/?added_after="
                    + lastAdded
                    + "&match[type]=indicator",
                "token-b",
                t));
    assertThat(after.get("more").asBoolean()).isFalse();
    assertThat(after.has("objects")).isFalse();
    String statusId =
        client.post(as("token-a-self"), objects(bundle).subList(5, 6)).get("id").asText();
    assertThat(
            json(get("/distillguard/status/" + statusId + "/", "token-a-self", t))
                .get("status")
                .asText())
        .isEqualTo("complete");
  }

  @Test
  void refusesMissingCredentialsWrongMediaTypesAndWritesByReaders() throws Exception {
    assertThat(get("/taxii2/", "", "").statusCode()).isEqualTo(401);
    assertThat(get("/taxii2/", "wrong-token", "").statusCode()).isEqualTo(401);
    assertThat(get("/taxii2/", "token-b", "text/html").statusCode()).isEqualTo(406);
    assertThat(get("/distillguard/collections/nope/objects/", "token-b", "").statusCode())
        .isEqualTo(404);
    assertThat(
            get("/distillguard/collections/" + COLLECTION + "/objects/?limit=zero", "token-b", "")
                .statusCode())
        .isEqualTo(400);
    assertThatThrownBy(() -> client.post(as("token-b"), objects(bundle)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("403");
    HttpRequest wrongType =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.port()
                        + "/distillguard/collections/"
                        + COLLECTION
                        + "/objects/"))
            .header("Authorization", "Bearer token-a-self")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"objects\":[]}"))
            .build();
    assertThat(
            HttpClient.newHttpClient()
                .send(wrongType, HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(415);
  }
}
