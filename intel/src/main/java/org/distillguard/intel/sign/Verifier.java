package org.distillguard.intel.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verification.Rejected;
import org.distillguard.intel.stix.Canonical;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.StixTime;

/**
 * Checks signatures against pinned peer keys. Replay (an object version seen before) is the
 * importer's business, since it needs the store; everything that one object and the clock can tell
 * is checked here: signed at all, by a known peer, with a pinned key, untampered, not expired, not
 * from the future.
 */
public final class Verifier {
  /** Clock skew tolerated between members. */
  public static final Duration SKEW = Duration.ofMinutes(5);

  private final Map<String, Peer> byIdentity = new HashMap<>();

  public Verifier(List<Peer> peers) {
    for (Peer p : peers) {
      byIdentity.put(p.identity(), p);
    }
  }

  public List<Peer> peers() {
    return List.copyOf(byIdentity.values());
  }

  /** Verifies {@code obj} at time {@code now} (epoch millis). Does not modify {@code obj}. */
  public Verification verify(JsonNode obj, long now) {
    String creator = obj.path("created_by_ref").asText("");
    Peer peer = byIdentity.get(creator);
    String who = peer != null ? peer.name() : (creator.isEmpty() ? "<no creator>" : creator);
    JsonNode sig = obj.path("extensions").path(Extensions.SIGNATURE);
    if (!sig.isObject()) {
      return new Rejected(who, Reason.UNSIGNED, "no signature extension");
    }
    if (peer == null) {
      return new Rejected(who, Reason.UNKNOWN_SIGNER, "created_by_ref is not a configured peer");
    }
    String keyId = sig.path("key_id").asText("");
    PublicKey key = null;
    for (PublicKey k : peer.keys()) {
      if (SigningKey.keyId(k).equals(keyId)) {
        key = k;
      }
    }
    if (key == null) {
      return new Rejected(who, Reason.KEY_NOT_PINNED, "key " + keyId + " is not pinned");
    }
    byte[] signature;
    long signedAt;
    long expires;
    try {
      signature = Base64.getDecoder().decode(sig.path("signature").asText(""));
      signedAt = StixTime.parseMillis(sig.path("signed_at").asText(""));
      expires = StixTime.parseMillis(sig.path("expires").asText(""));
    } catch (IllegalArgumentException e) {
      return new Rejected(who, Reason.MALFORMED, "signature extension: " + e.getMessage());
    }
    ObjectNode copy = ((ObjectNode) obj).deepCopy();
    ((ObjectNode) copy.get("extensions").get(Extensions.SIGNATURE)).remove("signature");
    byte[] bytes;
    try {
      bytes = Canonical.bytes(copy);
    } catch (Canonical.NotCanonicalException e) {
      return new Rejected(who, Reason.MALFORMED, "no canonical form: " + e.getMessage());
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(bytes);
      if (!s.verify(signature)) {
        return new Rejected(who, Reason.FORGED, "signature does not verify");
      }
    } catch (GeneralSecurityException e) {
      return new Rejected(who, Reason.FORGED, "signature unusable: " + e.getMessage());
    }
    if (expires < now) {
      return new Rejected(who, Reason.EXPIRED, "expired " + StixTime.format(expires));
    }
    if (signedAt > now + SKEW.toMillis()) {
      return new Rejected(
          who, Reason.NOT_YET_VALID, "signed in the future " + StixTime.format(signedAt));
    }
    return new Verification.Valid(peer);
  }
}
