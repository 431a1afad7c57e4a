package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.intel.pattern.StixPatterns;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportTest {
  @TempDir Path tmp;
  Fixture fx;
  ObjectNode bundle;

  @BeforeEach
  void export() throws Exception {
    fx = new Fixture(tmp);
    bundle = fx.export(new Fixture.Member("provider-a"));
  }

  private List<JsonNode> ofType(String type) {
    List<JsonNode> out = new ArrayList<>();
    bundle
        .get("objects")
        .forEach(
            o -> {
              if (type.equals(o.get("type").asText())) {
                out.add(o);
              }
            });
    return out;
  }

  @Test
  void everyExportedObjectValidatesAgainstTheOasisSchemas() {
    assertThat(StixSchemas.validateBundle(bundle)).as("bundle").isEmpty();
    // Each object on its own too, wrapped in a bundle, so an error names the object.
    for (JsonNode o : bundle.get("objects")) {
      ObjectNode single = Json.MAPPER.createObjectNode();
      single.put("type", "bundle").put("id", bundle.get("id").asText());
      single.putArray("objects").add(o);
      assertThat(StixSchemas.validateBundle(single)).as(o.get("id").asText()).isEmpty();
    }
  }

  @Test
  void everyPatternIsValidStixPatterning() {
    List<JsonNode> indicators = ofType("indicator");
    assertThat(indicators).isNotEmpty();
    for (JsonNode i : indicators) {
      String p = i.get("pattern").asText();
      assertThat(StixPatterns.validate(p)).as(p).isEmpty();
      assertThat(StixPatterns.parse(p).match()).as("enforceable: " + p).isNotNull();
    }
  }

  @Test
  void publishesTheCampaignItsBlockFingerprintsAndSketchesWithRelationshipsAndSightings() {
    assertThat(ofType("identity")).hasSize(2); // the member and the DistillGuard project
    List<JsonNode> campaigns = ofType("campaign");
    assertThat(campaigns).hasSize(1);
    JsonNode c = campaigns.get(0);
    assertThat(c.get("confidence").asInt()).isEqualTo(97);
    JsonNode ext = c.get("extensions").get(Extensions.INTEL);
    assertThat(ext.get("template_sketches").get(0).get("minhash_hex").asText()).hasSize(512);
    assertThat(ext.get("behavior")).isNotEmpty();
    List<String> patterns = new ArrayList<>();
    ofType("indicator").forEach(i -> patterns.add(i.get("pattern").asText()));
    assertThat(patterns)
        .contains("[ipv4-addr:value ISSUBSET '198.18.4.0/24']")
        .contains("[ipv6-addr:value = '2001:db8:77:1::5']")
        .contains("[ipv6-addr:value ISSUBSET '2001:db8:99::/48']")
        .doesNotContain("[ipv6-addr:value ISSUBSET '2001:db8:77::/48']")
        .anyMatch(p -> p.contains("kind = 'payment_fp'"))
        .anyMatch(p -> p.contains("kind = 'email_domain'"))
        .anyMatch(p -> p.contains("kind = 'system_prompt'"))
        .anyMatch(p -> p.contains("kind = 'client'"));
    // Identifiers bystanders share (the SDK everyone uses, the benign accounts' mail domain, the
    // neighbour's card) identify no campaign and are not published.
    org.distillguard.intel.sanitize.Fingerprints fp =
        new org.distillguard.intel.sanitize.Fingerprints(Fixture.consortiumKey());
    assertThat(String.join("\n", patterns))
        .contains(fp.of(Kind.CLIENT, Fixture.HYDRA_CLIENT))
        .doesNotContain(fp.of(Kind.CLIENT, "OpenAI/Python 1.54.0"))
        .doesNotContain(fp.of(Kind.EMAIL_DOMAIN, "gmail.example"))
        .doesNotContain(fp.of(Kind.PAYMENT, "pf-neighbour-card-000111"));
    assertThat(ofType("relationship"))
        .allMatch(r -> r.get("relationship_type").asText().equals("indicates"));
    assertThat(ofType("sighting")).isNotEmpty();
    assertThat(ofType("marking-definition")).hasSize(1);
    for (JsonNode o : bundle.get("objects")) {
      if (o.has("created_by_ref")
          && o.get("created_by_ref").asText().startsWith("identity--")
          && !Extensions.WELL_KNOWN_IDS.contains(o.get("id").asText())) {
        assertThat(o.get("extensions").has(Extensions.SIGNATURE)).as(o.get("id").asText()).isTrue();
        if (!o.get("type").asText().equals("identity")) {
          assertThat(o.get("object_marking_refs").get(0).asText())
              .isEqualTo("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
        }
      }
    }
  }

  /**
   * The privacy test: no 20-character substring of any prompt, payment value, e-mail
   * (domain), system prompt or account id appears in the bundle; values shorter than 20 characters
   * must not appear whole.
   */
  @Test
  void noTwentyCharacterSubstringOfAnyInputLeaves() {
    String text = bundle.toString();
    String pretty = bundle.toPrettyString();
    for (String secret : fx.secrets) {
      int w = Math.min(20, secret.length());
      for (int i = 0; i + w <= secret.length(); i++) {
        String sub = secret.substring(i, i + w);
        assertThat(text.contains(sub) || pretty.contains(sub))
            .as("leaked '%s' of '%s'", sub, secret)
            .isFalse();
      }
    }
    // Local unkeyed hashes from campaigns.jsonl never leave either.
    assertThat(text).doesNotContain("3f9a0c11aa22bb33").doesNotContain("77ab00ff11ee22dd");
  }

  /**
   * The exported bundle of the fixture, byte for byte (keys derive from fixed seeds, Ed25519 is
   * deterministic, ids and versions come from the data). After an intended format change,
   * regenerate with {@code -Dsurefire.argLine=-Dintel.golden.update=true} and review the diff.
   */
  @Test
  void matchesTheGoldenBundle() throws Exception {
    Path golden = Path.of("src/test/resources/golden/fixture-bundle.json");
    String actual = bundle.toPrettyString() + "\n";
    if (Boolean.getBoolean("intel.golden.update")) {
      java.nio.file.Files.createDirectories(golden.toAbsolutePath().getParent());
      java.nio.file.Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(java.nio.file.Files.readString(golden));
  }

  @Test
  void exportingTheSameAnalysisTwiceGivesTheSameBytes() throws Exception {
    ObjectNode again = fx.export(new Fixture.Member("provider-a"));
    assertThat(again.toPrettyString()).isEqualTo(bundle.toPrettyString());
  }
}
