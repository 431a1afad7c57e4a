package org.distillguard.intel.sanitize;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints of identifiers: {@code hex(HMAC-SHA256(K_fp, kind || 0x00 ||
 * normalize(value)))} truncated to 128 bits (32 hex digits). The kind is part of the input, so the
 * same string as an e-mail domain and as a client name gives unrelated fingerprints.
 *
 * <p>Normalization makes members agree: Unicode NFKC, surrounding white space removed; kinds that
 * are case-insensitive by nature (e-mail domains, e-mail addresses) are lower-cased.
 */
public final class Fingerprints {
  /** The kinds of identifiers DistillGuard fingerprints; the names appear in patterns. */
  public enum Kind {
    PAYMENT("payment_fp", false),
    EMAIL_DOMAIN("email_domain", true),
    EMAIL("email", true),
    ACCOUNT("account", false),
    /** An API key's public id (never its secret). */
    API_KEY("api_key", false),
    CLIENT("client", false),
    SYSTEM_PROMPT("system_prompt", false);

    private final String wire;
    private final boolean caseless;

    Kind(String wire, boolean caseless) {
      this.wire = wire;
      this.caseless = caseless;
    }

    /** The name used in bundles and patterns. */
    public String wire() {
      return wire;
    }

    public static Kind ofWire(String s) {
      for (Kind k : values()) {
        if (k.wire.equals(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown fingerprint kind: " + s);
    }
  }

  private final ThreadLocal<Mac> mac;
  private final String keyId;

  public Fingerprints(ConsortiumKey key) {
    byte[] k = key.fingerprintKey();
    this.keyId = key.keyId();
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(k, "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
              }
            });
  }

  public String keyId() {
    return keyId;
  }

  /** The fingerprint of {@code value} as an identifier of {@code kind}: 32 lower-case hex. */
  public String of(Kind kind, String value) {
    String v = normalize(kind, value);
    Mac m = mac.get();
    m.update(kind.wire.getBytes(StandardCharsets.UTF_8));
    m.update((byte) 0);
    byte[] h = m.doFinal(v.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(h, 0, 16);
  }

  static String normalize(Kind kind, String value) {
    String v = Normalizer.normalize(value, Normalizer.Form.NFKC).strip();
    return kind.caseless ? v.toLowerCase(Locale.ROOT) : v;
  }
}
