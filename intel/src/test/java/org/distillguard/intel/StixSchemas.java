package org.distillguard.intel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The OASIS STIX 2.1 JSON schemas from ../shared/specs, loaded offline. */
final class StixSchemas {
  private static final String PREFIX =
      "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

  private StixSchemas() {}

  /** The specs folder, or a skipped test if absent (plain clone). */
  static Path specs() {
    String shared = System.getenv("DISTILLGUARD_SHARED");
    Path p = Path.of(shared != null ? shared : "../../shared", "specs", "stix2.1");
    Assumptions.assumeTrue(
        Files.isDirectory(p.resolve("schemas")),
        "STIX 2.1 schemas not found at " + p + " (../shared absent): conformance test skipped");
    return p;
  }

  static Schema bundleSchema() {
    return schema("common/bundle.json");
  }

  static Schema schema(String path) {
    Path root = specs().resolve("schemas");
    SchemaRegistry reg =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b ->
                b.schemas(
                    (String iri) -> {
                      if (!iri.startsWith(PREFIX)) {
                        return null;
                      }
                      try {
                        return Files.readString(root.resolve(iri.substring(PREFIX.length())));
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }));
    return reg.getSchema(SchemaLocation.of(PREFIX + path));
  }

  /**
   * Validates a bundle. The OASIS bundle schema does not list {@code extension-definition} among
   * the objects a bundle may hold (its custom-object branch then fails on them), so those are
   * validated against {@code common/extension-definition.json} on their own and everything else
   * through {@code common/bundle.json}.
   */
  static List<Error> validateBundle(JsonNode bundle) {
    ObjectNode rest = ((ObjectNode) bundle).deepCopy();
    ArrayNode objects = rest.putArray("objects");
    List<Error> errors = new ArrayList<>();
    Schema extSchema = schema("common/extension-definition.json");
    for (JsonNode o : bundle.path("objects")) {
      if ("extension-definition".equals(o.path("type").asText())) {
        errors.addAll(extSchema.validate(o));
      } else {
        objects.add(o);
      }
    }
    if (!objects.isEmpty()) {
      errors.addAll(bundleSchema().validate(rest));
    }
    return errors;
  }
}
