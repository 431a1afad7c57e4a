package org.distillguard.core.event;

/**
 * Dotted-quad IPv4 parsing for the hot paths that see a client address on every event or request
 * (campaign linking, indicator matching, the gateway's limits): no allocation, no regex, and never
 * a host-name lookup.
 */
public final class Ipv4 {
  /** What {@link #parse} returns for anything that is not a dotted quad. */
  public static final int NONE = -1;

  private Ipv4() {}

  /**
   * The address as an int, or {@link #NONE}; {@code NONE} is also 255.255.255.255, the broadcast
   * address, which is never a client's, so callers that must tell them apart compare the text.
   */
  public static int parse(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return NONE;
    }
    int value = 0;
    int part = 0;
    int digits = 0;
    int dots = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        part = part * 10 + (c - '0');
        if (++digits > 3 || part > 255) {
          return NONE;
        }
      } else if (c == '.') {
        if (digits == 0 || ++dots > 3) {
          return NONE;
        }
        value = (value << 8) | part;
        part = 0;
        digits = 0;
      } else {
        return NONE;
      }
    }
    if (dots != 3 || digits == 0) {
      return NONE;
    }
    return (value << 8) | part;
  }
}
