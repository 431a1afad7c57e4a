package org.distillguard.intel.sign;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verification.Rejected;
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

  private static final int MAX_PROOF = 64;
  private static final int CACHE = 4096;

  private final Map<String, Peer> byIdentity = new HashMap<>();

  /** Roots whose signature verified (LRU): a batch costs one Ed25519 verification. */
  private final Map<String, Boolean> verifiedRoots =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
              return size() > CACHE;
            }
          });

  public Verifier(List<Peer> peers) {
    for (Peer p : peers) {
      byIdentity.put(p.identity(), p);
    }
  }

  /** The Merkle root an object's audit path leads to. */
  private static byte[] root(JsonNode obj, JsonNode proof) {
    byte[] h;
    try {
      h = Signer.leaf(obj);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("no canonical form: " + e.getMessage(), e);
    }
    if (proof.isMissingNode()) {
      return h;
    }
    if (!proof.isArray() || proof.size() > MAX_PROOF) {
      throw new IllegalArgumentException("proof must be an array of at most " + MAX_PROOF);
    }
    Base64.Decoder b64 = Base64.getDecoder();
    for (JsonNode step : proof) {
      String s = step.asText("");
      if (s.length() < 2 || (s.charAt(0) != 'L' && s.charAt(0) != 'R')) {
        throw new IllegalArgumentException("bad proof step");
      }
      byte[] sib = b64.decode(s.substring(1));
      if (sib.length != 32) {
        throw new IllegalArgumentException("bad proof step length");
      }
      h = s.charAt(0) == 'L' ? Signer.node(sib, h) : Signer.node(h, sib);
    }
    return h;
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
    byte[] root;
    try {
      root = root(obj, sig.path("proof"));
    } catch (IllegalArgumentException e) {
      return new Rejected(who, Reason.MALFORMED, "signature extension: " + e.getMessage());
    }
    String cacheKey =
        keyId + ':' + HexFormat.of().formatHex(root) + ':' + sig.path("signature").asText();
    if (!verifiedRoots.containsKey(cacheKey)) {
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(Signer.message(root));
        if (!s.verify(signature)) {
          return new Rejected(who, Reason.FORGED, "signature does not verify");
        }
      } catch (GeneralSecurityException e) {
        return new Rejected(who, Reason.FORGED, "signature unusable: " + e.getMessage());
      }
      verifiedRoots.put(cacheKey, Boolean.TRUE);
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
