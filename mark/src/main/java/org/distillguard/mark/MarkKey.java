package org.distillguard.mark;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A derived watermark key (see {@link MasterKey#derive}). Its choice for a unit is one bit of
 * HMAC-SHA256(key, pair id 0 context): a pseudo-random function, so under the null hypothesis (a
 * text written without this key) every distinct (pair, context) unit agrees with the key's choice
 * with probability exactly 1/2, independently of every other unit.
 */
public final class MarkKey {
  private final Scope scope;
  private final String id;
  private final byte[] bytes;

  MarkKey(Scope scope, String id, byte[] bytes) {
    this.scope = scope;
    this.id = id;
    this.bytes = bytes.clone();
  }

  /** A key from its 32 bytes, for a key handed over without its master. */
  public static MarkKey of(Scope scope, String id, byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a derived key has 32 bytes");
    }
    return new MarkKey(scope, id, bytes);
  }

  public Scope scope() {
    return scope;
  }

  public String id() {
    return id;
  }

  /** "scope:id", e.g. "campaign:c-17". */
  public String label() {
    return scope.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
  }

  /** A short public fingerprint of the key (first 8 bytes of SHA-256 over HMAC("fp")), in hex. */
  public String fingerprint() {
    byte[] h = MasterKey.hmac(bytes, "fingerprint".getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(h, 0, 8);
  }

  /** Raw key bytes for sub-derivations (canaries). */
  byte[] bytes() {
    return bytes.clone();
  }

  /** HMAC of this key over {@code message}. */
  public byte[] hmac(byte[] message) {
    return MasterKey.hmac(bytes, message);
  }

  /**
   * A stateful evaluator of this key's choices: holds one {@link Mac}, so one per thread (a marker
   * or a test uses its own).
   */
  public Chooser chooser() {
    return new Chooser(bytes);
  }

  /** Evaluates {@code choice(pair, context)}; not thread-safe. */
  public static final class Chooser {
    private final Mac mac;

    Chooser(byte[] key) {
      try {
        mac = Mac.getInstance(MasterKey.ALGORITHM);
        mac.init(new SecretKeySpec(key, MasterKey.ALGORITHM));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }

    /** True when the key picks the pair's second word ({@code b}) in this context. */
    public boolean choosesB(String pairId, String context) {
      mac.update(pairId.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      byte[] h = mac.doFinal(context.getBytes(StandardCharsets.UTF_8));
      return (h[0] & 1) == 1;
    }
  }

  @Override
  public String toString() {
    return "MarkKey[" + label() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MarkKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
