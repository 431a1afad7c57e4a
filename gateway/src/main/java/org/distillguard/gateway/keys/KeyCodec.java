package org.distillguard.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The format of issued keys, {@code dg_<id>_<secret>}: a 10-character id that is safe to log and
 * show, and 32 characters of secret (190 bits) from {@link SecureRandom}. Only the SHA-256 of the
 * whole string is stored; a fast hash is right here because the secret is random, not a password.
 */
public final class KeyCodec {
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  private KeyCodec() {}

  /** A fresh key: its id and the full secret string to hand to the client once. */
  public record NewKey(String id, String secret, String sha256) {}

  public static NewKey generate() {
    String id = random(10, 36); // lower-case and digits only
    String secret = "dg_" + id + "_" + random(32, ALPHABET.length);
    return new NewKey(id, secret, sha256Hex(secret));
  }

  private static String random(int n, int alphabet) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = ALPHABET[RANDOM.nextInt(alphabet)];
    }
    return new String(c);
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code s}. */
  public static String sha256Hex(String s) {
    MessageDigest md = SHA256.get();
    md.reset();
    byte[] d = md.digest(s.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[d.length * 2];
    for (int i = 0; i < d.length; i++) {
      out[2 * i] = HEX[(d[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[d[i] & 0xF];
    }
    return new String(out);
  }

  /** The id part of a key in the issued format, for messages; "" if it is not one. */
  public static String idOf(String presented) {
    if (presented.startsWith("dg_") && presented.length() > 14 && presented.charAt(13) == '_') {
      return presented.substring(3, 13);
    }
    return "";
  }
}
