package org.distillguard.intel.export;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.jspecify.annotations.Nullable;

/**
 * What the exchange logs say about the accounts being published: the network prefixes they came
 * from, their payment and e-mail-domain values, clients, system prompts and prompts. Held in memory
 * only for the accounts of interest, and only ever leaves the member as prefixes, keyed
 * fingerprints and keyed sketches.
 */
public final class LogEvidence {
  /** At most this many prompts are kept per account for template sketches. */
  public static final int MAX_PROMPTS_PER_ACCOUNT = 2_000;

  /** Evidence about one account. */
  public static final class AccountEvidence {
    final Map<String, Integer> prefixes = new TreeMap<>();
    final Map<String, Integer> addresses = new TreeMap<>();
    final Map<String, Integer> payments = new TreeMap<>();
    final Map<String, Integer> emailDomains = new TreeMap<>();
    final Map<String, Integer> clients = new TreeMap<>();
    final Map<String, Integer> systemPrompts = new TreeMap<>();
    final List<String> prompts = new ArrayList<>();

    public Map<String, Integer> prefixes() {
      return prefixes;
    }

    public List<String> prompts() {
      return prompts;
    }
  }

  /** At most this many distinct addresses are kept per account. */
  public static final int MAX_ADDRESSES_PER_ACCOUNT = 256;

  private final Map<String, AccountEvidence> byAccount = new HashMap<>();

  /**
   * Per network block: up to a few accounts <em>not</em> of interest (not flagged, not in a
   * campaign) seen in it. A block that carries such bystanders is shared (an office NAT, a mobile
   * carrier, a cloud egress) and must not be published whole.
   */
  private final Map<String, Set<String>> bystanders = new HashMap<>();

  /** Evidence from no log at all (export from verdicts and campaigns only). */
  public LogEvidence() {}

  private long lines;
  private long skipped;

  /** Evidence for {@code account}, or an empty one if the logs never mention it. */
  public AccountEvidence of(String account) {
    AccountEvidence e = byAccount.get(account);
    return e != null ? e : new AccountEvidence();
  }

  public long lines() {
    return lines;
  }

  public long skipped() {
    return skipped;
  }

  /** Reads logs (plain or gzip, "-" for stdin), keeping evidence for {@code accounts} only. */
  public static LogEvidence read(List<String> files, Set<String> accounts)
      throws InputException, IOException {
    LogEvidence ev = new LogEvidence();
    ExchangeParser parser = new ExchangeParser();
    for (String f : files) {
      try (LineSource src = LineSource.open(f, LineSource.DEFAULT_MAX_LINE_BYTES)) {
        while (src.next()) {
          ev.lines++;
          if (src.overlong()) {
            ev.skipped++;
            continue;
          }
          Exchange x;
          try {
            x = parser.parse(src.buffer(), 0, src.length());
          } catch (MalformedExchangeException e) {
            ev.skipped++;
            continue;
          }
          if (accounts.contains(x.account())) {
            ev.add(x);
          } else {
            ev.bystander(x);
          }
        }
      }
    }
    return ev;
  }

  /** Adds one exchange (tests and callers that already hold events). */
  public void add(Exchange x) {
    AccountEvidence e = byAccount.computeIfAbsent(x.account(), k -> new AccountEvidence());
    String prefix = prefixOf(x.ip());
    if (prefix != null) {
      e.prefixes.merge(prefix, 1, Integer::sum);
      if (e.addresses.size() < MAX_ADDRESSES_PER_ACCOUNT
          || e.addresses.containsKey(canonical(x.ip()))) {
        e.addresses.merge(canonical(x.ip()), 1, Integer::sum);
      }
    }
    count(e.payments, x.accountMeta().paymentFp());
    count(e.emailDomains, x.accountMeta().emailDomain());
    count(e.clients, x.userAgent());
    count(e.systemPrompts, x.systemPrompt());
    if (e.prompts.size() < MAX_PROMPTS_PER_ACCOUNT) {
      String p = x.lastUserPrompt();
      if (!p.isEmpty()) {
        e.prompts.add(p);
      }
    }
  }

  /** Notes an exchange of an account that is not published. */
  public void bystander(Exchange x) {
    noteValue(Kind.PAYMENT, x.accountMeta().paymentFp(), x.account());
    noteValue(Kind.EMAIL_DOMAIN, x.accountMeta().emailDomain(), x.account());
    noteValue(Kind.CLIENT, x.userAgent(), x.account());
    noteValue(Kind.SYSTEM_PROMPT, x.systemPrompt(), x.account());
    String prefix = prefixOf(x.ip());
    if (prefix == null) {
      return;
    }
    note(prefix, x.account());
    if (prefix.indexOf(':') >= 0) {
      // IPv6: the linker also reports /64 blocks.
      IPAddress a = new IPAddressString(String.valueOf(x.ip()).strip()).getAddress();
      if (a != null) {
        note(a.toPrefixBlock(64).toCanonicalString(), x.account());
      }
    }
  }

  private void noteValue(Kind kind, @Nullable String value, String account) {
    if (value != null && !value.isBlank()) {
      note(kind.wire() + '\0' + value, account);
    }
  }

  /**
   * How many unpublished accounts (at most 8 counted) used the identifier {@code value} of {@code
   * kind}: a payment instrument, e-mail domain, client or system prompt that bystanders share (a
   * free-mail domain, a popular SDK's user agent, a company card) identifies no campaign and must
   * not be published.
   */
  public int valueBystanders(Kind kind, String value) {
    Set<String> s = bystanders.get(kind.wire() + '\0' + value);
    return s == null ? 0 : s.size();
  }

  private void note(String block, String account) {
    Set<String> s = bystanders.computeIfAbsent(block, k -> new java.util.HashSet<>());
    if (s.size() < 8) {
      s.add(account);
    }
  }

  /**
   * How many unpublished accounts (at most 8 counted) were seen in the block {@code cidr}, judged
   * conservatively at /24 (IPv4), /48 or /64 (IPv6) granularity; a block wider than that counts as
   * shared.
   */
  public int bystanders(String cidr) {
    IPAddress a = new IPAddressString(cidr.strip()).getAddress();
    if (a == null) {
      return 0;
    }
    Integer len = a.getNetworkPrefixLength();
    int bits = len == null ? a.getBitCount() : len;
    String key;
    if (a.isIPv4()) {
      if (bits < 24) {
        return 8;
      }
      key = a.toPrefixBlock(24).toCanonicalString();
    } else {
      if (bits < 48) {
        return 8;
      }
      key = a.toPrefixBlock(bits >= 64 ? 64 : 48).toCanonicalString();
    }
    Set<String> s = bystanders.get(key);
    return s == null ? 0 : s.size();
  }

  private static void count(Map<String, Integer> m, @Nullable String v) {
    if (v != null && !v.isBlank()) {
      m.merge(v, 1, Integer::sum);
    }
  }

  /** The canonical text of an address (call only for addresses {@link #prefixOf} accepted). */
  static String canonical(@Nullable String ip) {
    IPAddress a = new IPAddressString(String.valueOf(ip).strip()).getAddress();
    return a == null ? String.valueOf(ip) : a.toCanonicalString();
  }

  /** The /24 (IPv4) or /48 (IPv6) block of an address, in CIDR form; null if not an address. */
  public static @Nullable String prefixOf(@Nullable String ip) {
    if (ip == null || ip.isEmpty()) {
      return null;
    }
    IPAddress a = new IPAddressString(ip.strip()).getAddress();
    if (a == null || a.isPrefixed()) {
      return null;
    }
    return a.isIPv4()
        ? a.toPrefixBlock(24).toCanonicalString()
        : a.toPrefixBlock(48).toCanonicalString();
  }
}
