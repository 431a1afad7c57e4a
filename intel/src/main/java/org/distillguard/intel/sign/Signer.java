package org.distillguard.intel.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ToLongFunction;
import org.distillguard.intel.stix.Canonical;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixTime;

/**
 * Signs STIX objects so that each object can be verified on its own (a TAXII page holds any subset
 * of a collection), while a whole export costs one Ed25519 signature: the objects of a batch are
 * the leaves of a Merkle tree, the root is signed, and every object carries its audit path.
 *
 * <p>What is signed, exactly (normative; docs/INTEL.md repeats it):
 *
 * <ol>
 *   <li>Each object gets the property extension {@value Extensions#SIGNATURE} with {@code
 *       extension_type}, {@code key_id}, {@code signed_at} and {@code expires}.
 *   <li>{@code leaf = SHA-256(0x00 || C(o))}, where {@code C(o)} is the object's RFC 8785 canonical
 *       form ({@link Canonical}) with that extension's {@code proof} and {@code signature}
 *       properties left out. Every other property is covered: content, version ({@code modified}),
 *       creator ({@code created_by_ref}), signing time and expiry.
 *   <li>Leaves, in bundle order, are paired level by level: {@code node = SHA-256(0x01 || left ||
 *       right)}; an odd last node moves up unchanged. The last level's node is the root.
 *   <li>{@code signature = Ed25519(key, "distillguard-batch-v1:" || hex(root))}, Base64, the same
 *       in every object of the batch; {@code proof} is the object's audit path, leaf to root, each
 *       sibling as {@code "L"} or {@code "R"} (the sibling's side) followed by its Base64 hash.
 * </ol>
 *
 * <p>A batch of one has an empty proof and its root is its leaf. Verifiers cache verified roots, so
 * importing a 100,000-object export costs one signature verification and 100,000 hash paths.
 */
public final class Signer {
  /** Domain separation of the signed message. */
  static final String CONTEXT = "distillguard-batch-v1:";

  private final SigningKey key;
  private final String identity;

  public Signer(SigningKey key, String identity) {
    this.key = key;
    this.identity = identity;
  }

  public String identity() {
    return identity;
  }

  /** Signs one object (a batch of one). */
  public ObjectNode sign(ObjectNode obj, long signedAt, long expires) {
    signBatch(List.of(obj), signedAt, o -> expires);
    return obj;
  }

  /**
   * Signs objects in place as one batch.
   *
   * @param expires each object's expiry (epoch millis), after which importers refuse it
   * @throws IllegalArgumentException if an object is not created by this member or has no canonical
   *     form
   */
  public void signBatch(
      List<ObjectNode> objects, long signedAt, ToLongFunction<ObjectNode> expires) {
    if (objects.isEmpty()) {
      return;
    }
    List<byte[]> level = new ArrayList<>(objects.size());
    for (ObjectNode obj : objects) {
      JsonNode creator = obj.get("created_by_ref");
      if (creator == null || !identity.equals(creator.asText())) {
        throw new IllegalArgumentException(
            "refusing to sign " + obj.path("id").asText() + ": not created by " + identity);
      }
      ObjectNode exts =
          obj.get("extensions") instanceof ObjectNode e ? e : obj.putObject("extensions");
      ObjectNode sig = exts.putObject(Extensions.SIGNATURE);
      sig.put("extension_type", "property-extension");
      sig.put("key_id", key.keyId());
      sig.put("signed_at", StixTime.format(signedAt));
      sig.put("expires", StixTime.format(expires.applyAsLong(obj)));
      level.add(leaf(obj));
    }
    List<List<byte[]>> levels = new ArrayList<>();
    levels.add(level);
    while (level.size() > 1) {
      List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i < level.size(); i += 2) {
        up.add(i + 1 < level.size() ? node(level.get(i), level.get(i + 1)) : level.get(i));
      }
      levels.add(up);
      level = up;
    }
    byte[] root = level.get(0);
    String signature = Base64.getEncoder().encodeToString(key.sign(message(root)));
    Base64.Encoder b64 = Base64.getEncoder();
    for (int i = 0; i < objects.size(); i++) {
      ObjectNode sig = (ObjectNode) objects.get(i).get("extensions").get(Extensions.SIGNATURE);
      ArrayNode proof = sig.putArray("proof");
      int idx = i;
      for (int l = 0; l < levels.size() - 1; l++) {
        List<byte[]> nodes = levels.get(l);
        int sibling = idx ^ 1;
        if (sibling < nodes.size()) {
          proof.add((sibling < idx ? "L" : "R") + b64.encodeToString(nodes.get(sibling)));
        }
        idx >>= 1;
      }
      if (proof.isEmpty()) {
        sig.remove("proof");
      }
      sig.put("signature", signature);
    }
  }

  /** The leaf hash of an object: its canonical form without {@code proof} and {@code signature}. */
  static byte[] leaf(JsonNode obj) {
    JsonNode sig = obj.path("extensions").path(Extensions.SIGNATURE);
    JsonNode content = obj;
    if (sig.has("proof") || sig.has("signature")) {
      ObjectNode copy = ((ObjectNode) obj).deepCopy();
      ObjectNode s = (ObjectNode) copy.get("extensions").get(Extensions.SIGNATURE);
      s.remove("proof");
      s.remove("signature");
      content = copy;
    }
    MessageDigest md = sha256();
    md.update((byte) 0);
    return md.digest(Canonical.bytesOrThrow(content));
  }

  static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) 1);
    md.update(left);
    return md.digest(right);
  }

  static byte[] message(byte[] root) {
    return (CONTEXT + HexFormat.of().formatHex(root)).getBytes(StandardCharsets.US_ASCII);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
