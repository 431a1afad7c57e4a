package org.distillguard.sim;

import java.util.SplittableRandom;

/**
 * Synthetic infrastructure: addresses, client strings, countries, email domains.
 *
 * <p>Every address comes from a range that can never be a real client: the documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), the shared address space
 * 100.64.0.0/10 (stands in for residential ISPs), the benchmarking range 198.18.0.0/15 (stands in
 * for cloud providers) and the reserved range 240.0.0.0/4 (stands in for business lines: company
 * offices). A detector tuned on this log therefore learns shapes, not real ranges.
 *
 * <p>Real address space is not uniform: a carrier's CGNAT pool or a big cloud region's NAT gateways
 * put many unrelated customers behind a few /24s. {@link #CGNAT_PREFIXES} and {@link
 * #BUSY_CLOUD_PREFIXES} are those busy prefixes; sharing one of them is weak evidence of anything.
 */
final class Infra {
  private Infra() {}

  /** Countries with a UTC offset in minutes, weighted roughly like a global API user base. */
  static final String[] COUNTRIES = {
    "US", "US", "US", "US", "GB", "DE", "FR", "IN", "IN", "JP", "BR", "CA", "AU", "KR", "NL", "ES"
  };

  static int utcOffsetMinutes(String country, SplittableRandom r) {
    return switch (country) {
      case "US" -> -60 * (5 + r.nextInt(4));
      case "CA" -> -60 * (5 + r.nextInt(3));
      case "BR" -> -180;
      case "GB" -> 0;
      case "DE", "FR", "NL", "ES" -> 60;
      case "IN" -> 330;
      case "JP", "KR" -> 540;
      case "AU" -> 600;
      case "CN", "HK", "SG" -> 480;
      default -> 0;
    };
  }

  static final String[] CONSUMER_EMAIL = {
    "gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"
  };

  static final String[] THROWAWAY_EMAIL = {
    "mailbox.example", "tmpmail.example", "inboxkit.example", "gmail.com", "proton.me"
  };

  static final String[] BROWSERS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
  };

  static final String[] SDKS = {
    "OpenAI/Python 1.54.0",
    "OpenAI/Python 1.55.3",
    "OpenAI/NodeJS 4.73.0",
    "Anthropic/Python 0.40.0",
    "Anthropic/TypeScript 0.32.1",
    "langchain-openai/0.2.9",
    "curl/8.5.0"
  };

  static final String[] SCRIPT_CLIENTS = {
    "OpenAI/Python 1.54.0",
    "OpenAI/Python 1.40.6",
    "python-requests/2.32.3",
    "aiohttp/3.10.10",
    "Go-http-client/2.0",
    "OpenAI/NodeJS 4.73.0",
    "Anthropic/Python 0.40.0"
  };

  /** The endpoint an SDK string implies: Anthropic SDKs call messages, the others chat. */
  static String endpointFor(String userAgent, SplittableRandom r) {
    if (userAgent.startsWith("Anthropic/")) {
      return "messages";
    }
    return Rng.chance(r, 0.12) ? "responses" : "chat.completions";
  }

  /** A home connection: CGNAT-like residential space (100.64.0.0/10). */
  static String residential(SplittableRandom r) {
    return "100." + (64 + r.nextInt(64)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
  }

  /** A /24 prefix (without the last octet) in residential space. */
  static String residentialPrefix(SplittableRandom r) {
    return "100." + (64 + r.nextInt(64)) + "." + r.nextInt(256) + ".";
  }

  /** A cloud or VPS host (198.18.0.0/15). */
  static String cloud(SplittableRandom r) {
    return cloudPrefix(r) + (1 + r.nextInt(254));
  }

  static String cloudPrefix(SplittableRandom r) {
    return "198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + ".";
  }

  /**
   * A few busy carrier-grade NAT /24s (RFC 6598 space): a mobile or fixed-line carrier that puts
   * hundreds of subscribers behind each public address of a small pool. Fixed, so every run (and
   * every seed) has the same busy prefixes, as a real provider sees the same big carriers daily.
   */
  static final String[] CGNAT_PREFIXES = {
    "100.64.0.", "100.64.1.", "100.72.16.", "100.81.4.", "100.96.12.", "100.120.7."
  };

  /**
   * The busiest cloud /24s: the NAT-gateway egress of one big region, shared by the tenants (apps,
   * batch jobs, and distillers) that run there.
   */
  static final String[] BUSY_CLOUD_PREFIXES = {"198.18.0.", "198.18.1.", "198.19.0."};

  /** An address of a carrier's CGNAT pool: one of the busy prefixes, any host. */
  static String cgnat(SplittableRandom r) {
    return Rng.pick(r, CGNAT_PREFIXES) + (1 + r.nextInt(254));
  }

  /** One of the busy cloud /24s (without the last octet). */
  static String busyCloudPrefix(SplittableRandom r) {
    return Rng.pick(r, BUSY_CLOUD_PREFIXES);
  }

  /** A busy CGNAT /24 (without the last octet): where mobile residential proxies exit. */
  static String cgnatPrefix(SplittableRandom r) {
    return Rng.pick(r, CGNAT_PREFIXES);
  }

  /**
   * A company's own office /24 (without the last octet) on a business line: 240.0.0.0/5, so 2^19
   * prefixes and two companies share one only by a rare coincidence.
   */
  static String officePrefix(SplittableRandom r) {
    return (240 + r.nextInt(8)) + "." + r.nextInt(256) + "." + r.nextInt(256) + ".";
  }

  /** An office NAT address: a few well-known documentation ranges. */
  static String office(SplittableRandom r) {
    return Rng.pick(r, "192.0.2.", "203.0.113.") + (1 + r.nextInt(254));
  }

  /** A rented VPS in the 198.51.100.0/24 documentation range. */
  static String vps(SplittableRandom r) {
    return "198.51.100." + (1 + r.nextInt(254));
  }

  /** A mobile or dual-stack IPv6 client in 2001:db8::/32. */
  static String ipv6(SplittableRandom r) {
    return "2001:db8:"
        + Integer.toHexString(r.nextInt(0x10000))
        + ":"
        + Integer.toHexString(r.nextInt(0x10000))
        + "::"
        + Integer.toHexString(1 + r.nextInt(0xffff));
  }

  static final String[] FIRST_NAMES = {
    "Ana", "Ben", "Chen", "Dana", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam",
    "Mona", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara"
  };

  static final String[] COMPANY_WORDS = {
    "acme", "northwind", "globex", "initech", "umbrella", "vandelay", "hooli", "stark", "wayne",
    "tyrell", "cyberdyne", "soylent", "wonka", "gringotts", "oscorp", "massive", "dunder", "pied"
  };
}
