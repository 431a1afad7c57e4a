package org.distillguard.core.link;

import org.distillguard.core.event.Ipv4;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * The network prefixes of a client address that campaign linking compares: the /24 of an IPv4
 * address, the /64 and /48 of an IPv6 address.
 *
 * <p>Parsing is cheap enough to run for every request; the readable CIDR is built only for prefixes
 * that end up as a campaign's indicator. Anything that is not an address literal gives {@link
 * #NONE}: linking must not resolve names or guess.
 */
final class IpPrefix {
  /** The key of "no usable address". */
  static final long NONE = 0;

  private static final long V4_TAG = 0x4000_0000_0000_0000L;
  private static final long V6_64_TAG = 0x6400_0000_0000_0000L;
  private static final long V6_48_TAG = 0x4800_0000_0000_0000L;

  private IpPrefix() {}

  /** The /24 (IPv4) or /64 (IPv6) key of {@code ip}, or {@link #NONE}. */
  static long primary(@Nullable String ip) {
    if (ip == null) {
      return NONE;
    }
    int v4 = Ipv4.parse(ip);
    if (v4 != Ipv4.NONE) {
      return V4_TAG | ((v4 >>> 8) & 0xFF_FFFFL);
    }
    long hi = parseV6High(ip);
    return hi == -1 ? NONE : Hashing.mix(V6_64_TAG ^ hi) | 1;
  }

  /** The /48 key of an IPv6 address, or {@link #NONE} for IPv4 and non-addresses. */
  static long wide(@Nullable String ip) {
    if (ip == null || ip.indexOf(':') < 0) {
      return NONE;
    }
    long hi = parseV6High(ip);
    return hi == -1 ? NONE : Hashing.mix(V6_48_TAG ^ (hi >>> 16)) | 1;
  }

  /** The readable CIDR of the primary prefix of {@code ip} ({@code 198.51.100.0/24}), or null. */
  static @Nullable String primaryCidr(@Nullable String ip) {
    if (ip == null) {
      return null;
    }
    int v4 = Ipv4.parse(ip);
    if (v4 != Ipv4.NONE) {
      return (v4 >>> 24) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + ".0/24";
    }
    long hi = parseV6High(ip);
    return hi == -1 ? null : v6Cidr(hi, 4) + "::/64";
  }

  /** The readable /48 of an IPv6 address, or null. */
  static @Nullable String wideCidr(@Nullable String ip) {
    if (ip == null || ip.indexOf(':') < 0) {
      return null;
    }
    long hi = parseV6High(ip);
    return hi == -1 ? null : v6Cidr(hi, 3) + "::/48";
  }

  private static String v6Cidr(long hi, int groups) {
    StringBuilder b = new StringBuilder(24);
    for (int g = 0; g < groups; g++) {
      if (g > 0) {
        b.append(':');
      }
      b.append(Integer.toHexString((int) ((hi >>> (48 - 16 * g)) & 0xFFFF)));
    }
    return b.toString();
  }

  /**
   * The high 64 bits (first four groups) of an IPv6 literal, or -1 when {@code s} is not one. A
   * zone ({@code %eth0}) is ignored; an embedded IPv4 tail only matters for the low half.
   */
  static long parseV6High(String s) {
    int end = s.indexOf('%');
    if (end < 0) {
      end = s.length();
    }
    if (end < 2 || end > 45 || s.indexOf(':') < 0) {
      return -1;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
    }
    while (i < end) {
      int start = i;
      int value = 0;
      while (i < end && i - start < 5) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) {
          break;
        }
        value = value * 16 + d;
        i++;
      }
      if (i < end && s.charAt(i) == '.') {
        // embedded IPv4: counts as two groups, whose value the high half does not need
        if (count > 6) {
          return -1;
        }
        count += 2;
        i = end;
        break;
      }
      if (i == start || i - start > 4 || count == 8) {
        return -1;
      }
      groups[count++] = value;
      if (i == end) {
        break;
      }
      if (s.charAt(i) != ':') {
        return -1;
      }
      i++;
      if (i < end && s.charAt(i) == ':') {
        if (gap >= 0) {
          return -1;
        }
        gap = count;
        i++;
      } else if (i == end) {
        return -1;
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return -1;
    }
    long hi = 0;
    for (int g = 0; g < 4; g++) {
      int v;
      if (gap < 0 || g < gap) {
        v = groups[g];
      } else {
        int fromEnd = 8 - g; // position counted from the end
        int tailIndex = count - fromEnd;
        v = tailIndex >= gap ? groups[tailIndex] : 0;
      }
      hi = (hi << 16) | (v & 0xFFFF);
    }
    return hi;
  }
}
