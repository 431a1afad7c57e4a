package org.distillguard.intel.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Validates one STIX object against the OASIS STIX 2.1 JSON schema of its type (draft 2020-12),
 * shipped as resources ({@code oasis-schemas/}, BSD-3-Clause, OASIS Open; see the LICENSE file
 * there) and loaded offline. Types without an OASIS schema (custom objects) are not checked here.
 * Schemas are compiled once per type; validation is thread-safe.
 */
public final class StixSchemaCheck {
  private static final String PREFIX =
      "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
  private static final String ROOT = "oasis-schemas/";
  private static final List<String> FOLDERS = List.of("sdos/", "sros/", "common/");

  private final SchemaRegistry registry;
  private final Map<String, Object> byType = new ConcurrentHashMap<>();
  private static final Object NONE = new Object();

  public StixSchemaCheck() {
    this.registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b ->
                b.schemas(
                    (String iri) ->
                        iri.startsWith(PREFIX) ? read(iri.substring(PREFIX.length())) : null));
  }

  private static @Nullable String read(String path) {
    try (InputStream in = StixSchemaCheck.class.getResourceAsStream(ROOT + path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first schema violation of {@code object} (with their count), or null if it validates. */
  public @Nullable String firstError(JsonNode object) {
    Object s = byType.computeIfAbsent(object.path("type").asText(""), this::schemaFor);
    if (!(s instanceof Schema schema)) {
      return null;
    }
    List<Error> errors = schema.validate(object);
    if (errors.isEmpty()) {
      return null;
    }
    String first = errors.get(0).toString();
    return errors.size() == 1 ? first : first + " (and " + (errors.size() - 1) + " more)";
  }

  private Object schemaFor(String type) {
    if (type.isEmpty() || !type.matches("[a-z0-9-]+")) {
      return NONE;
    }
    for (String folder : FOLDERS) {
      String path = folder + type + ".json";
      if (StixSchemaCheck.class.getResource(ROOT + path) != null) {
        return registry.getSchema(SchemaLocation.of(PREFIX + path));
      }
    }
    return NONE;
  }
}
