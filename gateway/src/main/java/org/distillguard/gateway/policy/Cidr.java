package org.distillguard.gateway.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.distillguard.core.event.Ipv4;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address range such as {@code 198.51.100.0/24}; a bare address is a /32 or /128.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses a range; only literal addresses (no DNS lookups). */
  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] b = literal(addr);
    if (b == null) {
      throw new IllegalArgumentException("not an IP address or range: '" + s + "'");
    }
    int max = b.length * 8;
    int p;
    try {
      p = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in '" + s + "'", e);
    }
    if (p < 0 || p > max) {
      throw new IllegalArgumentException("prefix length out of range in '" + s + "'");
    }
    return new Cidr(mask(b, p), p, t);
  }

  /**
   * The bytes of a literal IPv4 or IPv6 address, or null if {@code s} is not one. Runs on every
   * request (the client's address), so the common dotted quad is parsed by hand; other strings are
   * checked to hold only address characters before the JDK parses them, which therefore never
   * resolves a host name.
   */
  public static byte @Nullable [] literal(@Nullable String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return null;
    }
    int v4 = Ipv4.parse(s);
    if (v4 != Ipv4.NONE || s.equals("255.255.255.255")) {
      return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
    }
    if (s.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  static byte[] mask(byte[] addr, int prefix) {
    byte[] out = addr.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - 8 * i));
      out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
    }
    return out;
  }

  public boolean contains(byte[] addr) {
    if (addr.length != network.length) {
      return false;
    }
    byte[] m = mask(addr, prefix);
    return java.util.Arrays.equals(m, network);
  }

  /** The range of {@code prefix} bits containing {@code addr}, as text, e.g. {@code 1.2.3.0/24}. */
  public static String prefixOf(byte[] addr, int prefix) {
    try {
      return InetAddress.getByAddress(mask(addr, prefix)).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
