package org.distillguard.intel.stix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Traffic Light Protocol 2.0 levels, with the marking-definition objects OASIS publishes for them
 * (cti-stix-common-objects, extension {@value #EXTENSION}). Their ids are fixed: every STIX tool
 * recognises them by id, so they must never be regenerated.
 */
public enum Tlp {
  CLEAR("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"),
  GREEN("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"),
  AMBER("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"),
  AMBER_STRICT("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"),
  RED("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red");

  /** The TLP 2.0 extension definition. */
  public static final String EXTENSION =
      "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

  /** The identity that published the TLP 2.0 markings. */
  public static final String CREATOR = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01";

  private final String id;
  private final String level;

  Tlp(String id, String level) {
    this.id = id;
    this.level = level;
  }

  public String id() {
    return id;
  }

  /** {@code clear}, {@code green}, {@code amber}, {@code amber+strict}, {@code red}. */
  public String level() {
    return level;
  }

  /** {@code TLP:AMBER+STRICT} and so on. */
  public String label() {
    return "TLP:" + level.toUpperCase(Locale.ROOT);
  }

  /** The marking-definition object, exactly as OASIS publishes it. */
  public ObjectNode markingDefinition() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", "marking-definition");
    o.put("spec_version", "2.1");
    o.put("id", id);
    o.put("created_by_ref", CREATOR);
    o.put("created", "2022-10-01T00:00:00.000Z");
    o.put("name", label());
    ObjectNode ext = o.putObject("extensions").putObject(EXTENSION);
    ext.put("extension_type", "property-extension");
    ext.put("tlp_2_0", level);
    return o;
  }

  /** The level a marking id stands for, or null if it is no TLP 2.0 marking. */
  public static @Nullable Tlp ofMarking(String markingId) {
    for (Tlp t : values()) {
      if (t.id.equals(markingId)) {
        return t;
      }
    }
    return null;
  }

  /** Parses {@code amber}, {@code TLP:AMBER}, {@code amber+strict}, {@code AMBER_STRICT}. */
  public static Tlp parse(String s) {
    String l = s.trim().toLowerCase(Locale.ROOT);
    if (l.startsWith("tlp:")) {
      l = l.substring(4);
    }
    l = l.replace('_', '+');
    for (Tlp t : values()) {
      if (t.level.equals(l)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown TLP level: " + s);
  }
}
