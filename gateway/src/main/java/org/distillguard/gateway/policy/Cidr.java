package org.distillguard.gateway.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

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
    if (!addr.matches("[0-9a-fA-F:.]+") || (!addr.contains(".") && !addr.contains(":"))) {
      throw new IllegalArgumentException("not an IP address or range: '" + s + "'");
    }
    byte[] b;
    try {
      b = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or range: '" + s + "'", e);
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
