package org.distillguard.intel.stix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * STIX identifiers. DistillGuard derives its ids deterministically (UUIDv5, as the STIX 2.1 spec
 * recommends for SCOs, applied here to every object it creates): exporting the same campaign again
 * gives the same id and therefore a new <em>version</em> of the same object, not a duplicate.
 */
public final class StixIds {
  /** The UUIDv5 namespace of DistillGuard ids: a fixed constant, part of the format. */
  public static final UUID NAMESPACE = UUID.fromString("6d1b4a4e-3a0c-5d0b-9b3e-2b8f0f7a9c11");

  private static final Pattern ID =
      Pattern.compile(
          "^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}"
              + "-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");

  private StixIds() {}

  /** {@code type--uuid5(NAMESPACE, type + "|" + parts joined by "|")}. */
  public static String of(String type, String... parts) {
    StringBuilder name = new StringBuilder(type);
    for (String p : parts) {
      name.append('|').append(p);
    }
    return type + "--" + uuid5(NAMESPACE, name.toString());
  }

  /** Whether {@code id} is a well-formed STIX identifier. */
  public static boolean isValid(String id) {
    return id.length() <= 300 && ID.matcher(id).matches();
  }

  /** The type part of an id ({@code indicator} of {@code indicator--…}). */
  public static String typeOf(String id) {
    int i = id.indexOf("--");
    return i < 0 ? "" : id.substring(0, i);
  }

  static UUID uuid5(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer ns = ByteBuffer.allocate(16);
    ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
    sha1.update(ns.array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}
