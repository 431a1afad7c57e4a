package org.distillguard.intel.stix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The objects DistillGuard itself defines: the project's identity and two STIX extension
 * definitions. They are the same constant objects in every member's bundles; importers know them by
 * id and keep their built-in copy (so they are the only objects accepted unsigned). The normative
 * description of both extensions is {@code docs/INTEL.md}.
 */
public final class Extensions {
  private static final String CREATED = "2026-11-01T00:00:00.000Z";

  /** The DistillGuard project, author of the extension definitions. */
  public static final String PROJECT_IDENTITY = "identity--3c0b1d9e-7a55-5c5e-8f61-4b1f0c2f6d01";

  /**
   * Fingerprints, prompt-template sketches and behavioral fingerprints: a property extension of
   * {@code campaign} and {@code indicator}, and the new SCO type {@value #FINGERPRINT_SCO} that
   * indicator patterns compare against.
   */
  public static final String INTEL = "extension-definition--1f4a3b62-9c0d-5e7a-8b21-6d9e0c4f7a10";

  /** The per-object Ed25519 signature, a property extension of every signed object. */
  public static final String SIGNATURE =
      "extension-definition--8e2d5c47-3b19-5f0a-9c66-2a7b1e4d9f30";

  /** The SCO type of keyed fingerprints in patterns: {@code [distillguard-fingerprint:…]}. */
  public static final String FINGERPRINT_SCO = "distillguard-fingerprint";

  /** Ids importers replace by their built-in copies. */
  public static final Set<String> WELL_KNOWN_IDS =
      Set.of(
          PROJECT_IDENTITY,
          INTEL,
          SIGNATURE,
          Tlp.CLEAR.id(),
          Tlp.GREEN.id(),
          Tlp.AMBER.id(),
          Tlp.AMBER_STRICT.id(),
          Tlp.RED.id(),
          Tlp.CREATOR);

  private Extensions() {}

  public static ObjectNode projectIdentity() {
    ObjectNode o = base("identity", PROJECT_IDENTITY);
    o.put("name", "DistillGuard project");
    o.put("identity_class", "organization");
    o.put("description", "Author of the DistillGuard STIX extension definitions.");
    return o;
  }

  public static ObjectNode intelDefinition() {
    ObjectNode o = base("extension-definition", INTEL);
    o.put("created_by_ref", PROJECT_IDENTITY);
    o.put("name", "DistillGuard distillation intelligence");
    o.put(
        "description",
        "Keyed fingerprints (HMAC-SHA256 under a consortium key), keyed MinHash sketches of"
            + " normalized prompt templates and behavioral fingerprints of API-distillation"
            + " campaigns; and the SCO type distillguard-fingerprint used in indicator patterns.");
    o.put("schema", "https://distillguard.org/docs/INTEL.md#extension-distillguard-intel-v1");
    o.put("version", "1.0.0");
    ArrayNode types = o.putArray("extension_types");
    types.add("property-extension");
    types.add("new-sco");
    return o;
  }

  public static ObjectNode signatureDefinition() {
    ObjectNode o = base("extension-definition", SIGNATURE);
    o.put("created_by_ref", PROJECT_IDENTITY);
    o.put("name", "DistillGuard object signature");
    o.put(
        "description",
        "An Ed25519 signature by the object's creator over the object's canonical form (RFC 8785"
            + " JSON canonicalization) with this extension's signature property removed.");
    o.put("schema", "https://distillguard.org/docs/INTEL.md#extension-distillguard-signature-v1");
    o.put("version", "1.0.0");
    o.putArray("extension_types").add("property-extension");
    return o;
  }

  /** Every well-known object a bundle carries so that it stands on its own. */
  public static List<ObjectNode> builtIns(Tlp tlp) {
    return List.of(
        projectIdentity(), intelDefinition(), signatureDefinition(), tlp.markingDefinition());
  }

  private static ObjectNode base(String type, String id) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", type);
    o.put("spec_version", "2.1");
    o.put("id", id);
    o.put("created", CREATED);
    o.put("modified", CREATED);
    return o;
  }
}
