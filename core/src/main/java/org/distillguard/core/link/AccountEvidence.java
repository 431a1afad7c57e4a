package org.distillguard.core.link;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.state.Bulk;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * One account's linking evidence: the values it holds (tagged 64-bit keys, 0 = none), its creation
 * time and youth, and the prompt template it is still learning. {@link #observe} derives, from one
 * request's {@link Traits}, which values the account takes up; {@link #sharedWith} and {@link
 * #points} score a pair of accounts. The {@link CampaignLinker} keeps one per account; a
 * partitioned runtime keeps it where the account's state lives and ships copies ({@link
 * #linkingCopy}) to where values are compared.
 *
 * <p>Not thread-safe; a plain mutable value.
 */
public final class AccountEvidence {

  // An account indexes at most three values of each changing kind (IP prefix, client, system
  // prompt): enough to follow a move, not enough for an address-rotating account to flood the
  // table. Counters are two bits each in changes.
  private static final int IP_SHIFT = 0;
  private static final int CLIENT_SHIFT = 2;
  private static final int SYSTEM_SHIFT = 4;
  private static final int MAX_VALUES = 3;
  private static final int TEMPLATE_SAMPLES = 3;
  private static final int TEMPLATE_MIN_LETTERS = 8;

  // flags bits (bits 2 and 7 are the linker's, see CampaignLinker)
  static final byte YOUNG = 1;
  static final byte VARIED = 2;
  static final byte TEMPLATE_DONE = 8;

  /** The bits of a linker snapshot's per-account flags byte that belong here. */
  static final int OWN_BITS = 0x7B;

  long payment;
  long email;
  long client;
  long system;
  long template;
  long ip0;
  long ip1;
  long ipWide;
  long created = Exchange.NO_TIME;
  byte flags;
  byte changes;
  @Nullable String tplHead;
  @Nullable String tplTail;

  /** Receives the values an account takes up, in the order it takes them. */
  @FunctionalInterface
  public interface Taker {
    void take(Evidence kind, long key, @Nullable String label);
  }

  /** The rarity of a value held by the scoring account (see {@link #rarity(int)}). */
  @FunctionalInterface
  public interface Rarity {
    double of(long key);
  }

  /** Whether the account was young (created shortly before its first request). */
  public boolean young() {
    return (flags & YOUNG) != 0;
  }

  /**
   * Whether {@link #observe} of the account's {@code n}-th request can be skipped without reading
   * the evidence: the linker does not sample the request ({@link CampaignLinker#samples}), the
   * template is learned (on the first {@value #TEMPLATE_SAMPLES} requests, always), and the
   * creation time cannot be new — the request has none, or the account's first request had one (it
   * was taken then). Lets a runtime that stores evidence as bytes skip reading it on most requests.
   *
   * @param requestCreated the request's creation time ({@link Traits#createdMillis()})
   * @param firstCreated the creation time the account's first request carried
   */
  public static boolean unchangedBy(long n, long requestCreated, long firstCreated) {
    return n > TEMPLATE_SAMPLES
        && !CampaignLinker.samples(n)
        && (requestCreated == Exchange.NO_TIME || firstCreated != Exchange.NO_TIME);
  }

  /**
   * Whether the account is still learning its prompt template: every request changes the evidence
   * until it is learned (after that only requests that take up values do).
   */
  public boolean learning() {
    return (flags & TEMPLATE_DONE) == 0;
  }

  /** The account's creation time, or {@link Exchange#NO_TIME}. */
  public long created() {
    return created;
  }

  /** The values held, non-zero keys only, in the order payment, email, IP, wide IP, client, … */
  public long[] keys() {
    long[] all = {payment, email, ip0, ip1, ipWide, client, system, template};
    int n = 0;
    for (long k : all) {
      if (k != 0) {
        all[n++] = k;
      }
    }
    return java.util.Arrays.copyOf(all, n);
  }

  /**
   * Folds the {@code n}-th request of the account into its evidence and hands every value it takes
   * up to {@code taker}.
   *
   * @param firstSeen the time of the account's first request
   * @return whether anything a pair comparison reads changed (a value, the creation time, youth)
   */
  public boolean observe(long n, long firstSeen, Traits t, long youngMillis, Taker taker) {
    boolean changed = false;
    if (created == Exchange.NO_TIME && t.createdMillis() != Exchange.NO_TIME) {
      created = t.createdMillis();
      changed = true;
      if (firstSeen - t.createdMillis() < youngMillis) {
        flags |= YOUNG;
      }
    }
    // Identity and infrastructure rarely change within an account: look at them on its first
    // requests and then on every 16th, so the cost per request stays a few comparisons.
    if (!CampaignLinker.samples(n)) {
      if ((flags & TEMPLATE_DONE) == 0) {
        changed |= learnTemplate(t, taker);
      }
      return changed;
    }
    String pay = t.payment();
    if (payment == 0 && pay != null) {
      payment = key(Evidence.PAYMENT_FP, Hashing.hash(pay));
      taker.take(Evidence.PAYMENT_FP, payment, pay);
      changed = true;
    }
    String dom = t.email();
    if (email == 0 && dom != null) {
      email = key(Evidence.EMAIL_DOMAIN, Hashing.hash(dom));
      taker.take(Evidence.EMAIL_DOMAIN, email, dom);
      changed = true;
    }
    long ipKey = IpPrefix.primary(t.ip());
    if (ipKey != 0) {
      long k = key(Evidence.IP_PREFIX, ipKey);
      if (k != ip0 && k != ip1 && spend(IP_SHIFT)) {
        ip1 = ip0;
        ip0 = k;
        taker.take(Evidence.IP_PREFIX, k, IpPrefix.primaryCidr(t.ip()));
        changed = true;
      }
      if (ipWide == 0) {
        long wide = IpPrefix.wide(t.ip());
        if (wide != 0) {
          ipWide = key(Evidence.IP_WIDE, wide);
          taker.take(Evidence.IP_WIDE, ipWide, IpPrefix.wideCidr(t.ip()));
          changed = true;
        }
      }
    }
    long clientKey = t.clientKey();
    if (clientKey != 0) {
      long k = key(Evidence.CLIENT, clientKey);
      if (k != client && spend(CLIENT_SHIFT)) {
        client = k;
        taker.take(Evidence.CLIENT, k, t.userAgent());
        changed = true;
      }
    }
    if (t.system() != 0) {
      long k = key(Evidence.SYSTEM_PROMPT, t.system());
      if (k != system && spend(SYSTEM_SHIFT)) {
        system = k;
        taker.take(Evidence.SYSTEM_PROMPT, k, hex(t.system()));
        changed = true;
      }
    }
    if ((flags & TEMPLATE_DONE) == 0) {
      changed |= learnTemplate(t, taker);
    }
    return changed;
  }

  /**
   * What a request tells one evidence value, for runtimes that key linking by value: a claim of a
   * value just taken up (compare me with your recent holders, then enter me) or a probe of a value
   * held, or just given up (how rare are you; keep my evidence current).
   */
  public record Told(long key, Evidence kind, boolean claim, @Nullable String label) {}

  /**
   * {@link #observe}, for runtimes that key linking by value: returns, when the evidence changed,
   * what to tell which values — claims of the values taken up, in the order taken (the order the
   * linker compares them), then probes of every other value held or just given up — and null when
   * it did not change.
   */
  public @Nullable List<Told> observeAndTell(long n, long firstSeen, Traits t, long youngMillis) {
    long[] before = keys();
    List<Told> told = new ArrayList<>(0);
    if (!observe(
        n,
        firstSeen,
        t,
        youngMillis,
        (kind, key, label) -> told.add(new Told(key, kind, true, label)))) {
      return null;
    }
    for (long k : keys()) {
      if (!claimed(told, k)) {
        told.add(new Told(k, kindOf(k), false, null));
      }
    }
    for (long k : before) {
      if (!claimed(told, k)) {
        told.add(new Told(k, kindOf(k), false, null));
      }
    }
    return told;
  }

  private static boolean claimed(List<Told> told, long key) {
    for (Told x : told) {
      if (x.key() == key) {
        return true;
      }
    }
    return false;
  }

  /** Counts one more value of a changing kind, if the budget allows. */
  private boolean spend(int shift) {
    int used = (changes >>> shift) & 0x3;
    if (used >= MAX_VALUES) {
      return false;
    }
    changes = (byte) (changes + (1 << shift));
    return true;
  }

  private boolean learnTemplate(Traits t, Taker taker) {
    String h = tplHead;
    String tl = tplTail;
    int samples = (flags >>> 4) & 0x7;
    String head = t.head();
    String tail = t.tail();
    if (h == null || tl == null) {
      tplHead = head;
      tplTail = tail;
    } else {
      String ch = CampaignLinker.commonPrefix(h, head);
      String ct = CampaignLinker.commonSuffix(tl, tail);
      if (ch.length() < h.length() || ct.length() < tl.length()) {
        flags |= VARIED;
      }
      tplHead = ch;
      tplTail = ct;
    }
    samples++;
    flags = (byte) ((flags & ~0x70) | (samples << 4));
    if (samples < TEMPLATE_SAMPLES) {
      return false;
    }
    String common = CampaignLinker.wordPrefix(java.util.Objects.requireNonNull(tplHead));
    String commonTail = CampaignLinker.wordSuffix(java.util.Objects.requireNonNull(tplTail));
    tplHead = null;
    tplTail = null;
    flags |= TEMPLATE_DONE;
    if ((flags & VARIED) == 0 || letters(common) + letters(commonTail) < TEMPLATE_MIN_LETTERS) {
      return false;
    }
    long h64 = Hashing.combine(Hashing.hash(common), Hashing.hash(commonTail));
    template = key(Evidence.TEMPLATE, h64);
    taker.take(Evidence.TEMPLATE, template, hex(h64));
    return true;
  }

  /** The evidence kinds this account and {@code b} share ({@link Evidence#bit()}s). */
  public int sharedWith(AccountEvidence b, long burstMillis) {
    int m = 0;
    if (payment != 0 && payment == b.payment) {
      m |= Evidence.PAYMENT_FP.bit();
    }
    if (email != 0 && email == b.email) {
      m |= Evidence.EMAIL_DOMAIN.bit();
    }
    if (ip0 != 0 && (ip0 == b.ip0 || ip0 == b.ip1) || ip1 != 0 && (ip1 == b.ip0 || ip1 == b.ip1)) {
      m |= Evidence.IP_PREFIX.bit();
    }
    if (ipWide != 0 && ipWide == b.ipWide) {
      m |= Evidence.IP_WIDE.bit();
    }
    if (client != 0 && client == b.client) {
      m |= Evidence.CLIENT.bit();
    }
    if (system != 0 && system == b.system) {
      m |= Evidence.SYSTEM_PROMPT.bit();
    }
    if (template != 0 && template == b.template) {
      m |= Evidence.TEMPLATE.bit();
    }
    if ((flags & b.flags & YOUNG) != 0) {
      m |= Evidence.BOTH_YOUNG.bit();
      if (Math.abs(created - b.created) <= burstMillis) {
        m |= Evidence.CREATED_TOGETHER.bit();
      }
    }
    return m;
  }

  /**
   * The points of what this account shares with {@code b} ({@code mask} from {@link #sharedWith}):
   * each shared value's {@link Evidence#weight()} times its rarity, plus youth and creation.
   */
  public double points(AccountEvidence b, int mask, Rarity rarity) {
    double p = 0;
    if ((mask & Evidence.PAYMENT_FP.bit()) != 0) {
      p += Evidence.PAYMENT_FP.weight() * rarity.of(payment);
    }
    if ((mask & Evidence.EMAIL_DOMAIN.bit()) != 0) {
      p += Evidence.EMAIL_DOMAIN.weight() * rarity.of(email);
    }
    if ((mask & Evidence.IP_PREFIX.bit()) != 0) {
      long k = ip0 == b.ip0 || ip0 == b.ip1 ? ip0 : ip1;
      p += Evidence.IP_PREFIX.weight() * rarity.of(k);
    } else if ((mask & Evidence.IP_WIDE.bit()) != 0) {
      p += Evidence.IP_WIDE.weight() * rarity.of(ipWide);
    }
    if ((mask & Evidence.CLIENT.bit()) != 0) {
      p += Evidence.CLIENT.weight() * rarity.of(client);
    }
    if ((mask & Evidence.SYSTEM_PROMPT.bit()) != 0) {
      p += Evidence.SYSTEM_PROMPT.weight() * rarity.of(system);
    }
    if ((mask & Evidence.TEMPLATE.bit()) != 0) {
      p += Evidence.TEMPLATE.weight() * rarity.of(template);
    }
    if ((mask & Evidence.CREATED_TOGETHER.bit()) != 0) {
      p += Evidence.CREATED_TOGETHER.weight();
    }
    if ((mask & Evidence.BOTH_YOUNG.bit()) != 0) {
      p += Evidence.BOTH_YOUNG.weight();
    }
    return p;
  }

  /** 1 for a value no established account holds, falling slowly as more of them do. */
  public static double rarity(int established) {
    return 1 / (1 + Math.log(1 + established / 8.0) / Math.log(2));
  }

  /** Points a value must be worth alone for its recent holders to be compared with a newcomer. */
  static final double MIN_CANDIDATE_POINTS = 0.5;

  /**
   * Whether a value of {@code kind} held by {@code established} established accounts brings
   * candidates: a value worth little (a domain or client shared by many established accounts)
   * brings none; a pair that shares enough to link also shares something rarer.
   */
  public static boolean bringsCandidates(Evidence kind, int established) {
    return kind.weight() * rarity(established) >= MIN_CANDIDATE_POINTS;
  }

  /** A link an account makes: to account {@code with}, on the evidence kinds of {@code mask}. */
  public record Link(String with, int mask) {}

  /**
   * The links account {@code self} makes on taking up values, by the linker's rule: compared with
   * each value's candidates in the order given (values in the order taken, holders in ring order),
   * each other account once, linked at {@code config.linkThreshold()} points.
   *
   * @param candidates per value taken up, its recent holders ({@link EvidenceValue#claim})
   */
  public List<Link> links(
      String self,
      List<List<EvidenceValue.Holder>> candidates,
      Rarity rarity,
      LinkerConfig config) {
    List<Link> out = new ArrayList<>(2);
    List<String> checked = new ArrayList<>(8);
    for (List<EvidenceValue.Holder> value : candidates) {
      for (EvidenceValue.Holder b : value) {
        if (b.account().equals(self) || checked.contains(b.account())) {
          continue;
        }
        checked.add(b.account());
        int mask = sharedWith(b.evidence(), config.burstMillis());
        if (points(b.evidence(), mask, rarity) >= config.linkThreshold()) {
          out.add(new Link(b.account(), mask));
        }
      }
    }
    return out;
  }

  /**
   * A copy with what pair comparisons and reports read (values, creation, youth), without the
   * template still being learned: what travels to other accounts' comparisons.
   */
  public AccountEvidence linkingCopy() {
    AccountEvidence c = copy();
    c.tplHead = null;
    c.tplTail = null;
    return c;
  }

  /** A full copy. */
  public AccountEvidence copy() {
    AccountEvidence c = new AccountEvidence();
    c.payment = payment;
    c.email = email;
    c.client = client;
    c.system = system;
    c.template = template;
    c.ip0 = ip0;
    c.ip1 = ip1;
    c.ipWide = ipWide;
    c.created = created;
    c.flags = flags;
    c.changes = changes;
    c.tplHead = tplHead;
    c.tplTail = tplTail;
    return c;
  }

  /** Writes the evidence (about 80 bytes, plus the template being learned, if any). */
  public void write(DataOutput out) throws IOException {
    out.writeLong(payment);
    out.writeLong(email);
    out.writeLong(client);
    out.writeLong(system);
    out.writeLong(template);
    out.writeLong(ip0);
    out.writeLong(ip1);
    out.writeLong(ipWide);
    out.writeLong(created);
    out.writeByte(flags);
    out.writeByte(changes);
    Bulk.writeString(out, tplHead);
    Bulk.writeString(out, tplTail);
  }

  /** The evidence {@link #write} wrote. */
  public static AccountEvidence read(DataInput in) throws IOException {
    AccountEvidence e = new AccountEvidence();
    e.payment = in.readLong();
    e.email = in.readLong();
    e.client = in.readLong();
    e.system = in.readLong();
    e.template = in.readLong();
    e.ip0 = in.readLong();
    e.ip1 = in.readLong();
    e.ipWide = in.readLong();
    e.created = in.readLong();
    e.flags = in.readByte();
    e.changes = in.readByte();
    e.tplHead = Bulk.readString(in);
    e.tplTail = Bulk.readString(in);
    return e;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AccountEvidence e
        && payment == e.payment
        && email == e.email
        && client == e.client
        && system == e.system
        && template == e.template
        && ip0 == e.ip0
        && ip1 == e.ip1
        && ipWide == e.ipWide
        && created == e.created
        && flags == e.flags
        && changes == e.changes
        && java.util.Objects.equals(tplHead, e.tplHead)
        && java.util.Objects.equals(tplTail, e.tplTail);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(payment ^ ip0 ^ template ^ created) * 31 + flags;
  }

  /** The kind of a value key. */
  public static Evidence kindOf(long k) {
    for (Evidence e : Evidence.values()) {
      if (e.indexed() && (k & 0xF) == (e.salt() & 0xF)) {
        return e;
      }
    }
    throw new IllegalStateException("untagged key");
  }

  /** Tags a value's hash with its kind (low four bits), keeping it non-zero. */
  static long key(Evidence kind, long hash) {
    return (Hashing.mix(hash ^ (kind.salt() << 32)) & ~0xFL) | (kind.salt() & 0xF);
  }

  private static int letters(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (Character.isLetter(s.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  static String hex(long h) {
    String s = Long.toHexString(h);
    return "0".repeat(16 - s.length()) + s;
  }
}
