package org.distillguard.core.link;

/**
 * The kinds of evidence that link two accounts, with the weight of one shared value when nobody
 * else (no established account) shares it.
 *
 * <p>The weights are log-odds-like points: two accounts are linked when the points of what they
 * share reach {@link LinkerConfig#linkThreshold()} (4 by default). A payment instrument alone
 * nearly suffices; an email domain, a client library or a youth alone never do; a prompt template,
 * an address range and a common creation hour together do. Each value's points shrink with the
 * number of <em>established</em> accounts that share it (see {@link CampaignLinker}), so a shared
 * office NAT, a CGNAT range, {@code gmail.com}, a popular SDK or "You are a helpful assistant."
 * count for little, while a card shared only by accounts created last week counts in full.
 */
public enum Evidence {
  PAYMENT_FP("payment_fp", 3.0, 0x51A7_0001L),
  EMAIL_DOMAIN("email_domain", 0.5, 0x51A7_0002L),
  IP_PREFIX("ip_prefix", 1.5, 0x51A7_0003L),
  IP_WIDE("ip_prefix_48", 0.75, 0x51A7_0004L),
  CLIENT("client", 0.5, 0x51A7_0005L),
  SYSTEM_PROMPT("system_prompt", 1.5, 0x51A7_0006L),
  TEMPLATE("template", 2.0, 0x51A7_0007L),
  /** Both accounts young and created within {@link LinkerConfig#burstMillis()} of each other. */
  CREATED_TOGETHER("created_together", 1.0, 0),
  /** Both accounts were young at their first request. */
  BOTH_YOUNG("young_accounts", 0.5, 0);

  private final String id;
  private final double weight;
  private final long salt;

  Evidence(String id, double weight, long salt) {
    this.id = id;
    this.weight = weight;
    this.salt = salt;
  }

  /** The stable name used in outputs ({@code campaigns.jsonl}, reports). */
  public String id() {
    return id;
  }

  /** Points for one shared value that no established account shares. */
  public double weight() {
    return weight;
  }

  /** Whether values of this kind are indexed (looked up to find link candidates). */
  boolean indexed() {
    return salt != 0;
  }

  long salt() {
    return salt;
  }

  int bit() {
    return 1 << ordinal();
  }

  private static final Evidence[] VALUES = values();

  /** The names of the kinds whose {@link #bit()} is set in {@code mask}, in declaration order. */
  static java.util.List<String> names(int mask) {
    java.util.List<String> out = new java.util.ArrayList<>(4);
    for (Evidence e : VALUES) {
      if ((mask & e.bit()) != 0) {
        out.add(e.id);
      }
    }
    return out;
  }
}
