package org.distillguard.mark;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one secret every watermark and canary key is derived from (HMAC-SHA256 of the JDK).
 *
 * <p>{@code derive(scope, id)} = HMAC(master, "distillguard/mark/v1" 0 scope 0 id): knowing one
 * derived key reveals nothing about the master or about any other derived key, so a key may be
 * handed to a probe operator or to counsel without exposing the rest. Keep the master like any
 * signing key; rotate by starting a new master (old marks stay testable with the old one).
 */
public final class MasterKey {
  static final String ALGORITHM = "HmacSHA256";
  private static final int MIN_BYTES = 16;
  private final byte[] secret;

  private MasterKey(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a master key needs at least " + MIN_BYTES + " bytes");
    }
    this.secret = secret.clone();
  }

  /** A master key from raw bytes (at least 16; 32 recommended). */
  public static MasterKey of(byte[] secret) {
    return new MasterKey(secret);
  }

  /** A master key from hexadecimal text (surrounding whitespace ignored). */
  public static MasterKey fromHex(String hex) {
    return new MasterKey(HexFormat.of().parseHex(hex.strip().toLowerCase(Locale.ROOT)));
  }

  /** The key of {@code scope} and {@code id}. */
  public MarkKey derive(Scope scope, String id) {
    byte[] label =
        ("distillguard/mark/v1\0" + scope.name() + "\0" + id).getBytes(StandardCharsets.UTF_8);
    return new MarkKey(scope, id, hmac(secret, label));
  }

  /** Shorthand for {@code derive(Scope.MEMBER, id)}. */
  public MarkKey member(String id) {
    return derive(Scope.MEMBER, id);
  }

  /** Shorthand for {@code derive(Scope.CAMPAIGN, id)}. */
  public MarkKey campaign(String id) {
    return derive(Scope.CAMPAIGN, id);
  }

  /** Shorthand for {@code derive(Scope.ACCOUNT, id)}. */
  public MarkKey account(String id) {
    return derive(Scope.ACCOUNT, id);
  }

  /** The i-th decoy key. */
  public MarkKey decoy(int i) {
    return derive(Scope.DECOY, Integer.toString(i));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[" + secret.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterKey k && Arrays.equals(secret, k.secret);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret);
  }
}
