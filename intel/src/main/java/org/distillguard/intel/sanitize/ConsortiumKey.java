package org.distillguard.intel.sanitize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the consortium's members share (and outsiders do not): 32 or more random bytes. Every
 * identifier leaves a member only as HMAC-SHA256 under a key derived from it, so that members can
 * match the same card or e-mail domain without revealing it, and an outsider who reads a bundle
 * cannot test guesses. Sub-keys are derived per purpose (HKDF-style {@code HMAC(master, label)}),
 * so a fingerprint can never be confused with a sketch hash.
 *
 * <p>The key file holds the bytes in Base64 (one line; {@code #} comments allowed). Rotate by
 * distributing a new file: the {@link #keyId()} published next to every keyed value tells importers
 * which key was used.
 */
public final class ConsortiumKey {
  /** The fewest secret bytes accepted: 256 bits. */
  public static final int MIN_BYTES = 32;

  private final byte[] master;
  private final byte[] fingerprintKey;
  private final byte[] sketchKey;
  private final String keyId;

  public ConsortiumKey(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "consortium key too short: " + secret.length + " bytes, need at least " + MIN_BYTES);
    }
    this.master = secret.clone();
    this.fingerprintKey = derive("distillguard/fingerprint/v1");
    this.sketchKey = derive("distillguard/minhash/v1");
    this.keyId = HexFormat.of().formatHex(derive("distillguard/key-id/v1"), 0, 8);
  }

  /** Reads a key file (Base64, one line, {@code #} comments). */
  public static ConsortiumKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    StringBuilder b64 = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        b64.append(l);
      }
    }
    try {
      return new ConsortiumKey(Base64.getDecoder().decode(b64.toString()));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": not a consortium key (" + e.getMessage() + ")", e);
    }
  }

  /** A new random key as the text of a key file. */
  public static String generate(SecureRandom random) {
    byte[] b = new byte[MIN_BYTES];
    random.nextBytes(b);
    return "# DistillGuard consortium key: share with members only\n"
        + Base64.getEncoder().encodeToString(b)
        + "\n";
  }

  /** Public, non-secret name of this key (16 hex digits), published with keyed values. */
  public String keyId() {
    return keyId;
  }

  byte[] fingerprintKey() {
    return fingerprintKey;
  }

  byte[] sketchKey() {
    return sketchKey;
  }

  private byte[] derive(String label) {
    return hmac(master, label.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "ConsortiumKey[" + keyId + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsortiumKey k && Arrays.equals(master, k.master);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode();
  }
}
