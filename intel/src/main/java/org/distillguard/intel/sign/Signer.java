package org.distillguard.intel.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.distillguard.intel.stix.Canonical;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixTime;

/**
 * Signs STIX objects one by one, so that each object can travel alone (a TAXII page holds any
 * subset of a collection) and still be verified.
 *
 * <p>What is signed: the object's canonical form ({@link Canonical}: RFC 8785 JSON
 * canonicalization) after the signature extension {@value Extensions#SIGNATURE} has been filled in
 * with {@code key_id}, {@code signed_at} and {@code expires} and its {@code signature} property
 * removed. The signature is Ed25519 over those bytes, Base64 in {@code signature}. Every other
 * property, the version ({@code modified}) and the creator ({@code created_by_ref}) included, is
 * covered.
 */
public final class Signer {
  private final SigningKey key;
  private final String identity;

  public Signer(SigningKey key, String identity) {
    this.key = key;
    this.identity = identity;
  }

  public String identity() {
    return identity;
  }

  /**
   * Adds the signature extension to {@code obj} in place.
   *
   * @param signedAt when (epoch millis)
   * @param expires after when importers must refuse it (epoch millis)
   * @throws IllegalArgumentException if {@code obj} is not created by this member or has no
   *     canonical form
   */
  public ObjectNode sign(ObjectNode obj, long signedAt, long expires) {
    JsonNode creator = obj.get("created_by_ref");
    if (creator == null || !identity.equals(creator.asText())) {
      throw new IllegalArgumentException(
          "refusing to sign " + obj.path("id").asText() + ": not created by " + identity);
    }
    ObjectNode exts =
        obj.has("extensions") ? (ObjectNode) obj.get("extensions") : obj.putObject("extensions");
    ObjectNode sig = exts.putObject(Extensions.SIGNATURE);
    sig.put("extension_type", "property-extension");
    sig.put("key_id", key.keyId());
    sig.put("signed_at", StixTime.format(signedAt));
    sig.put("expires", StixTime.format(expires));
    byte[] bytes = Canonical.bytesOrThrow(obj);
    sig.put("signature", Base64.getEncoder().encodeToString(key.sign(bytes)));
    return obj;
  }
}
