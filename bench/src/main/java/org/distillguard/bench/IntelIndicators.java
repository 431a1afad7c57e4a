package org.distillguard.bench;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.stix.Tlp;

/**
 * A synthetic load of imported indicators: 50% IPv4 blocks (/24 mostly, some /16, /32 and /20), 20%
 * IPv6 blocks (/48 and /64), 30% keyed fingerprints, each with its own STIX id.
 */
final class IntelIndicators {
  private IntelIndicators() {}

  static List<ActiveIndicator> generate(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ActiveIndicator> out = new ArrayList<>(n);
    HexFormat hex = HexFormat.of();
    Action[] actions = {Action.WATCH, Action.THROTTLE, Action.DEGRADE, Action.BLOCK};
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      Match m;
      String k;
      if (kind < 5) {
        int a = r.nextInt();
        int len =
            switch (r.nextInt(10)) {
              case 0 -> 16;
              case 1 -> 32;
              case 2 -> 20;
              default -> 24;
            };
        int masked = len == 32 ? a : a & (int) (0xFFFFFFFFL << (32 - len));
        String addr =
            ((masked >>> 24) & 255)
                + "."
                + ((masked >>> 16) & 255)
                + "."
                + ((masked >>> 8) & 255)
                + "."
                + (masked & 255);
        m = new Match.IpBlock(len == 32 ? addr : addr + "/" + len);
        k = "ip_prefix";
      } else if (kind < 7) {
        boolean p48 = r.nextBoolean();
        String s =
            String.format(
                "2001:%x:%x:%s::/%d",
                r.nextInt(65536),
                r.nextInt(65536),
                p48 ? "0" : Integer.toHexString(r.nextInt(65536)),
                p48 ? 48 : 64);
        m = new Match.IpBlock(s);
        k = "ip_prefix";
      } else {
        byte[] b = new byte[16];
        r.nextBytes(b);
        m = new Match.Fingerprint("payment_fp", hex.formatHex(b));
        k = "payment_fp";
      }
      String id =
          String.format(
              "indicator--%08x-%04x-5%03x-8%03x-%012x",
              r.nextInt(),
              r.nextInt(65536),
              r.nextInt(4096),
              r.nextInt(4096),
              r.nextLong() & 0xFFFFFFFFFFFFL);
      out.add(
          new ActiveIndicator(
              id,
              "peer-" + (i % 5),
              k,
              m,
              Tlp.AMBER,
              actions[r.nextInt(actions.length)],
              80,
              Long.MAX_VALUE));
    }
    return out;
  }
}
