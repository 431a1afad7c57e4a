package org.distillguard.intel.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A member's Ed25519 key pair (the JDK's own implementation, RFC 8032). Stored as a text file: the
 * private key as Base64 PKCS#8 on a line {@code private: …} and the public key as Base64 X.509
 * SubjectPublicKeyInfo on a line {@code public: …}; the public line is what peers pin.
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  public static SigningKey generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(255, random);
      KeyPair kp = g.generateKeyPair();
      return new SigningKey(kp.getPrivate(), kp.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    }
  }

  /** Reads a key file written by {@link #toFileText()}. */
  public static SigningKey read(Path file) throws IOException {
    String priv = null;
    String pub = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.startsWith("private:")) {
        priv = l.substring(8).strip();
      } else if (l.startsWith("public:")) {
        pub = l.substring(7).strip();
      }
    }
    if (priv == null || pub == null) {
      throw new IOException(file + ": not a signing key file (needs 'private:' and 'public:')");
    }
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey pk = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv)));
      return new SigningKey(pk, parsePublic(pub));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + ": unreadable Ed25519 key (" + e.getMessage() + ")", e);
    }
  }

  /** Parses a pinned public key: Base64 of the X.509 SubjectPublicKeyInfo. */
  public static PublicKey parsePublic(String base64) throws GeneralSecurityException {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not Base64: " + e.getMessage(), e);
    }
  }

  public String toFileText() {
    return "# DistillGuard Ed25519 signing key: keep the private line secret\n"
        + "private: "
        + Base64.getEncoder().encodeToString(privateKey.getEncoded())
        + "\npublic: "
        + publicBase64()
        + "\n";
  }

  public String publicBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** First 16 hex digits of SHA-256 over the public key's SubjectPublicKeyInfo. */
  public String keyId() {
    return keyId(publicKey);
  }

  public static String keyId(PublicKey key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId() + "]";
  }
}
