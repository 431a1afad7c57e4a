package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.taxii.TaxiiCollection;
import org.distillguard.intel.taxii.TaxiiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TAXII server faces the network: seeded random query strings, paths, headers and POST bodies
 * (mutations of a genuine envelope) must get a TAXII answer (2xx or 4xx with a JSON error), never a
 * 500, a hang, or a stored object that was not genuinely signed.
 */
class TaxiiFuzzTest {
  static final String CID = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  @TempDir static Path tmp;
  static TaxiiServer server;
  static TaxiiCollection coll;
  static String envelope;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Fixture.Member a = new Fixture.Member("provider-a");
    ObjectNode bundle = new Fixture(tmp).export(a);
    envelope = "{\"objects\":" + bundle.get("objects") + "}";
    coll = new TaxiiCollection(CID, "fuzz", null, Clock.systemUTC());
    server =
        TaxiiServer.start(
            new TaxiiServer.Options(
                "127.0.0.1",
                0,
                "distillguard",
                "fuzz",
                Map.of("tok", "provider-a"),
                Clock.fixed(java.time.Instant.ofEpochMilli(Fixture.NOW), java.time.ZoneOffset.UTC)),
            List.of(
                new TaxiiServer.CollectionAccess(
                    coll,
                    Set.of("*"),
                    Set.of("provider-a"),
                    new Verifier(List.of(a.asPeer())),
                    Map.of("provider-a", a.signer.identity()))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    coll.close();
  }

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(60);
  }

  static String junk(Random r, int max) {
    String alphabet = "abcz019-_.:/%[]&=?#,+ \u00e9\u4e2d'\"\\";
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Printable ASCII only: what an HTTP client lets through in a header. */
  static String ascii(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      sb.append((char) (0x21 + r.nextInt(0x5e)));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void randomQueriesGetATaxiiAnswerNeverAServerError(long seed) throws Exception {
    Random r = new Random(seed);
    String[] params = {
      "added_after",
      "limit",
      "next",
      "match[id]",
      "match[type]",
      "match[version]",
      "match[spec_version]",
      "x"
    };
    String[] values = {
      "2026-11-06T00:00:00Z",
      "0",
      "-1",
      "99999999999",
      "last",
      "all",
      "first",
      "indicator",
      "1e9",
      "",
      "2026-13-45T99:99:99Z"
    };
    StringBuilder q = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      String v = r.nextBoolean() ? values[r.nextInt(values.length)] : junk(r, 30);
      q.append(i == 0 ? "?" : "&")
          .append(URLEncoder.encode(params[r.nextInt(params.length)], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    }
    String[] paths = {
      "/taxii2/",
      "/distillguard/",
      "/distillguard/collections/",
      "/distillguard/collections/" + CID + "/objects/",
      "/distillguard/collections/" + CID + "/manifest/",
      "/distillguard/collections/" + CID + "/objects/indicator--x/versions/",
      "/distillguard/status/" + URLEncoder.encode(junk(r, 10), StandardCharsets.UTF_8) + "/"
    };
    String path = paths[r.nextInt(paths.length)];
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path + q))
            .timeout(Duration.ofSeconds(10));
    switch (r.nextInt(4)) {
      case 0 -> b.header("Authorization", "Bearer tok");
      case 1 ->
          b.header(
              "Authorization",
              "Basic "
                  + java.util.Base64.getEncoder()
                      .encodeToString(junk(r, 20).getBytes(StandardCharsets.UTF_8)));
      case 2 -> b.header("Authorization", ascii(r, 20));
      default -> {}
    }
    if (r.nextBoolean()) {
      b.header("Accept", r.nextBoolean() ? TaxiiServer.MEDIA_TYPE : ascii(r, 20));
    }
    HttpResponse<String> resp = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(path + q).isBetween(200, 499);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void randomBodiesAreRefusedOrStoredOnlyIfGenuine(long seed) throws Exception {
    Random r = new Random(seed);
    byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
    int edits = r.nextInt(6);
    for (int i = 0; i < edits; i++) {
      body[r.nextInt(body.length)] = (byte) r.nextInt(256);
    }
    if (r.nextInt(5) == 0) {
      body = junk(r, 200).getBytes(StandardCharsets.UTF_8);
    }
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.port()
                        + "/distillguard/collections/"
                        + CID
                        + "/objects/"))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer tok")
            .header("Content-Type", TaxiiServer.MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isIn(202, 400);
    // Whatever the collection holds verifies: nothing unsigned or altered got in.
    Verifier v = new Verifier(List.of(new Fixture.Member("provider-a").asPeer()));
    for (TaxiiCollection.Entry e : coll.page(x -> true, Long.MIN_VALUE, 100_000).entries()) {
      if (!org.distillguard.intel.stix.Extensions.WELL_KNOWN_IDS.contains(e.id())) {
        assertThat(v.verify(e.object(), Fixture.NOW))
            .isInstanceOf(org.distillguard.intel.sign.Verification.Valid.class);
      }
    }
  }
}
