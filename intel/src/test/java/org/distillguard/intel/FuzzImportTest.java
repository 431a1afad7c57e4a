package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorStore;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The importer faces the network: seeded random mutations of a genuine bundle (structural edits of
 * the JSON tree, and byte edits of its text) must never throw, must never accept an object whose
 * signed content was changed, and must account for every object (accepted, duplicate, built-in or
 * rejected with a reason).
 */
class FuzzImportTest {
  @TempDir static Path tmp;
  static ObjectNode bundle;
  static Fixture.Member a = new Fixture.Member("provider-a");

  @BeforeAll
  static void export() throws Exception {
    bundle = new Fixture(tmp).export(a);
  }

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(100);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void treeMutationsAreRejectedPerObjectAndNeverThrow(long seed) throws IOException {
    Random r = new Random(seed);
    ObjectNode b = bundle.deepCopy();
    ArrayNode objects = (ArrayNode) b.get("objects");
    List<String> touched = new ArrayList<>();
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int k = r.nextInt(objects.size());
      JsonNode o = objects.get(k);
      touched.add(o.path("id").asText());
      mutate(o, r, 0);
    }
    IndicatorStore store = IndicatorStore.inMemory();
    Importer imp = new Importer(new Verifier(List.of(a.asPeer())), store);
    Importer.Report rep = imp.importBundle(b, "fuzz", Fixture.NOW + 1000);
    assertThat(rep.accepted() + rep.duplicates() + rep.builtIns() + rep.rejected().size())
        .isEqualTo(objects.size());
    // Whatever was accepted is byte-for-byte an object the publisher signed.
    for (IndicatorStore.Held h : store.all()) {
      JsonNode orig = find(h.object().path("id").asText());
      assertThat(IndicatorStore.digest(h.object())).isEqualTo(IndicatorStore.digest(orig));
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void byteMutationsOfTheTextNeverThrow(long seed) throws IOException {
    Random r = new Random(seed);
    byte[] text = bundle.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int edits = 1 + r.nextInt(6);
    for (int i = 0; i < edits; i++) {
      text[r.nextInt(text.length)] = (byte) r.nextInt(256);
    }
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return; // refused by the JSON reader: fine
    }
    IndicatorStore store = IndicatorStore.inMemory();
    Importer imp = new Importer(new Verifier(List.of(a.asPeer())), store);
    imp.importBundle(parsed, "fuzz", Fixture.NOW + 1000);
    for (IndicatorStore.Held h : store.all()) {
      assertThat(IndicatorStore.digest(h.object()))
          .isEqualTo(IndicatorStore.digest(find(h.object().path("id").asText())));
    }
  }

  private static JsonNode find(String id) {
    for (JsonNode o : bundle.get("objects")) {
      if (o.path("id").asText().equals(id)) {
        return o;
      }
    }
    throw new AssertionError("accepted an object that was never published: " + id);
  }

  private static void mutate(JsonNode n, Random r, int depth) {
    if (n instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        names.add(it.next().getKey());
      }
      String f = names.get(r.nextInt(names.size()));
      JsonNode child = o.get(f);
      if (depth < 3 && child.isContainerNode() && r.nextBoolean()) {
        mutate(child, r, depth + 1);
        return;
      }
      switch (r.nextInt(6)) {
        case 0 -> o.remove(f);
        case 1 -> o.put(f, 12345.5);
        case 2 -> o.put(f, child.asText() + "x");
        case 3 -> o.putNull(f);
        case 4 -> o.putArray(f).add("[ipv4-addr:value = '");
        default -> o.put("x_" + r.nextInt(1000), "extra");
      }
    } else if (n instanceof ArrayNode a && a.size() > 0) {
      int i = r.nextInt(a.size());
      if (depth < 3 && a.get(i).isContainerNode()) {
        mutate(a.get(i), r, depth + 1);
      } else {
        a.set(i, Json.MAPPER.getNodeFactory().textNode("mutated"));
      }
    }
  }
}
