package org.distillguard.core.link;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.state.Bulk;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * Links accounts into campaigns while the log streams past.
 *
 * <h2>Linking</h2>
 *
 * Each account's evidence values (payment fingerprint, email domain, IP prefixes, client
 * fingerprint, system prompt, learned prompt template) are entered in a {@link ValueTable}. When an
 * account takes up a value, it is compared with the last {@value ValueTable#RING} accounts that
 * took up the same value: the pair's points are the sum, over every kind of evidence the two share,
 * of {@link Evidence#weight()} times the value's <em>rarity</em> {@code 1 / (1 + log2(1 + e / 8))},
 * where {@code e} is the number of established (not young) accounts holding the value, plus points
 * for being created together and for being young. At {@link LinkerConfig#linkThreshold()} points
 * the two accounts' groups are merged (union-find with union by size and path halving). Only the
 * pairs a new value brings are compared, never all pairs: the work per request is constant, the
 * memory proportional to accounts and values.
 *
 * <p>Why rarity counts established accounts only: a value shared by thousands of long-standing,
 * unrelated customers (a CGNAT range, an office NAT, {@code gmail.com}, the default system prompt
 * of a popular SDK) is weak evidence; the same sharing among accounts created last week is what a
 * campaign looks like.
 *
 * <h2>Scoring</h2>
 *
 * A group's score combines its members' own scores and its shape: {@code 1 − (1 − m)(1 − s)} where
 * {@code m = 1 − Π(1 − p)} over members whose own peak score {@code p} reached the suspicious
 * threshold (independent evidence of one operator), and {@code s = 0.6 · youngShare · min(1,
 * log2(size) / 5)} (many young linked accounts; at most 0.6, so shape alone never confirms). A
 * group of at least {@link LinkerConfig#confirmMinSize()} accounts is <em>confirmed</em> when its
 * score reaches the distillation threshold and it is either mostly young or holds a member flagged
 * on its own: an established company's accounts are not condemned together on suspicion alone.
 * Scores only grow (peaks only grow, groups only merge), so confirmation is sticky, like verdicts.
 *
 * <p>Nothing looks ahead: the state after an event depends only on the events before it.
 *
 * <p>Not thread-safe: one thread feeds one linker (the detector's).
 */
public final class CampaignLinker {

  // An account indexes at most three values of each changing kind (IP prefix, client, system
  // prompt): enough to follow a move, not enough for an address-rotating account to flood the
  // table. Counters are two bits each in changes[].
  private static final int IP_SHIFT = 0;
  private static final int CLIENT_SHIFT = 2;
  private static final int SYSTEM_SHIFT = 4;
  private static final int MAX_VALUES = 3;
  private static final int SAMPLE_ALL = 8;
  private static final double MIN_CANDIDATE_POINTS = 0.5;
  private static final int SAMPLE_EVERY = 16;
  private static final int TEMPLATE_SAMPLES = 3;
  private static final int TEMPLATE_MIN_LETTERS = 8;
  private static final double MAX_SHAPE = 0.6;

  private final LinkerConfig config;
  private final double suspiciousAt;
  private final double distillationAt;
  private ValueTable values = new ValueTable();
  private final IntList pending = new IntList();
  // values taken up by the request being observed, settled at its end
  private long[] queuedKeys = new long[8];
  private @Nullable Evidence[] queuedKinds = new Evidence[8];
  private @Nullable String[] queuedLabels = new String[8];
  private int queued;
  private final int[] checkedAccounts = new int[32];
  private int nextId = 1;
  private int count;

  // union-find and member lists
  private int[] parent = new int[0];
  private int[] size = new int[0];
  private int[] next = new int[0];

  // evidence per account (tagged keys, 0 = none)
  private long[] payment = new long[0];
  private long[] email = new long[0];
  private long[] client = new long[0];
  private long[] system = new long[0];
  private long[] template = new long[0];
  private long[] ip0 = new long[0];
  private long[] ip1 = new long[0];
  private long[] ipWide = new long[0];
  private long[] created = new long[0];
  private byte[] flags = new byte[0];
  private byte[] changes = new byte[0];
  private @Nullable String[] tplHead = new String[0];
  private @Nullable String[] tplTail = new String[0];

  // activity per account
  private @Nullable String[] names = new String[0];
  private int[] requests = new int[0];
  private long[] inputTokens = new long[0];
  private long[] outputTokens = new long[0];
  private long[] firstSeen = new long[0];
  private long[] lastSeen = new long[0];
  private long[] joinedAt = new long[0];
  private byte[] linkedBy = new byte[0];
  private int[] via = new int[0];
  private float[] contribution = new float[0];
  private float[] lastPeak = new float[0];

  // per group, valid at roots
  private double[] logClean = new double[0];
  private int[] young = new int[0];
  private int[] flaggedOwn = new int[0];
  private long[] confirmedAt = new long[0];
  private int[] campaignNo = new int[0]; // 0 = not (yet) a reportable campaign
  private boolean[] dirty = new boolean[0]; // the group changed since its last review

  // flags bits
  private static final byte YOUNG = 1;
  private static final byte VARIED = 2;
  private static final byte OWN_FLAG = 4;
  private static final byte TEMPLATE_DONE = 8;

  public CampaignLinker(LinkerConfig config, double suspiciousAt, double distillationAt) {
    this.config = config;
    this.suspiciousAt = suspiciousAt;
    this.distillationAt = distillationAt;
  }

  public LinkerConfig config() {
    return config;
  }

  /** Accounts seen. */
  public int accountCount() {
    return count;
  }

  /**
   * Folds one request of account {@code a} into the linking state. Account indexes are dense and
   * assigned by the caller in order of first appearance: the first request of account {@code a}
   * comes after that of account {@code a − 1}.
   */
  public void observe(int a, String name, long timeMillis, Traits t) {
    update(a, name, timeMillis, t);
    if (queued > 0) {
      settle(a, timeMillis);
    }
  }

  private void update(int a, String name, long timeMillis, Traits t) {
    if (a == count) {
      add(a, name, timeMillis);
    } else if (a > count || a < 0) {
      throw new IllegalArgumentException("account index " + a + " skips ahead of " + count);
    }
    requests[a]++;
    inputTokens[a] += t.inputTokens();
    outputTokens[a] += t.outputTokens();
    if (timeMillis > lastSeen[a]) {
      lastSeen[a] = timeMillis;
    }
    if (created[a] == Exchange.NO_TIME && t.createdMillis() != Exchange.NO_TIME) {
      created[a] = t.createdMillis();
      if (firstSeen[a] - t.createdMillis() < config.youngMillis()) {
        flags[a] |= YOUNG;
        int r = find(a);
        young[r]++;
        dirty[r] = true;
      }
    }
    // Identity and infrastructure rarely change within an account: look at them on its first
    // requests and then on every 16th, so the cost per request stays a few comparisons.
    int n = requests[a];
    if (!samples(n)) {
      if ((flags[a] & TEMPLATE_DONE) == 0) {
        learnTemplate(a, t, timeMillis);
      }
      return;
    }
    String pay = t.payment();
    if (payment[a] == 0 && pay != null) {
      payment[a] = key(Evidence.PAYMENT_FP, Hashing.hash(pay));
      take(a, Evidence.PAYMENT_FP, payment[a], pay, timeMillis);
    }
    String dom = t.email();
    if (email[a] == 0 && dom != null) {
      email[a] = key(Evidence.EMAIL_DOMAIN, Hashing.hash(dom));
      take(a, Evidence.EMAIL_DOMAIN, email[a], dom, timeMillis);
    }
    long ipKey = IpPrefix.primary(t.ip());
    if (ipKey != 0) {
      long k = key(Evidence.IP_PREFIX, ipKey);
      if (k != ip0[a] && k != ip1[a] && spend(a, IP_SHIFT)) {
        ip1[a] = ip0[a];
        ip0[a] = k;
        take(a, Evidence.IP_PREFIX, k, IpPrefix.primaryCidr(t.ip()), timeMillis);
      }
      if (ipWide[a] == 0) {
        long wide = IpPrefix.wide(t.ip());
        if (wide != 0) {
          ipWide[a] = key(Evidence.IP_WIDE, wide);
          take(a, Evidence.IP_WIDE, ipWide[a], IpPrefix.wideCidr(t.ip()), timeMillis);
        }
      }
    }
    long clientKey = t.clientKey();
    if (clientKey != 0) {
      long k = key(Evidence.CLIENT, clientKey);
      if (k != client[a] && spend(a, CLIENT_SHIFT)) {
        client[a] = k;
        take(a, Evidence.CLIENT, k, t.userAgent(), timeMillis);
      }
    }
    if (t.system() != 0) {
      long k = key(Evidence.SYSTEM_PROMPT, t.system());
      if (k != system[a] && spend(a, SYSTEM_SHIFT)) {
        system[a] = k;
        take(a, Evidence.SYSTEM_PROMPT, k, hex(t.system()), timeMillis);
      }
    }
    if ((flags[a] & TEMPLATE_DONE) == 0) {
      learnTemplate(a, t, timeMillis);
    }
  }

  /**
   * Whether the linker reads the identity and infrastructure traits of an account's {@code n}-th
   * request (payment, email, address, client, system prompt, prompt ends): on its first 8 requests
   * and on every 16th. Of the other requests it reads only {@link Traits#slim()}'s fields, so a
   * runtime that ships traits between processes may ship those alone.
   */
  public static boolean samples(long n) {
    return n <= SAMPLE_ALL || (n & (SAMPLE_EVERY - 1)) == 0;
  }

  /**
   * Tells the linker account {@code a}'s own standing: its peak score so far and whether it was
   * flagged on its own evidence (not on its campaign's).
   */
  public void memberScore(int a, double peak, boolean flaggedOnOwn) {
    if ((float) peak != lastPeak[a]) {
      lastPeak[a] = (float) peak;
      float c = peak >= suspiciousAt ? (float) Math.log(1 - Math.min(peak, 0.99)) : 0f;
      if (c != contribution[a]) {
        int r = find(a);
        logClean[r] += c - contribution[a];
        contribution[a] = c;
        dirty[r] = true;
      }
    }
    if (flaggedOnOwn && (flags[a] & OWN_FLAG) == 0) {
      flags[a] |= OWN_FLAG;
      int r = find(a);
      flaggedOwn[r]++;
      dirty[r] = true;
    }
  }

  /**
   * Re-examines account {@code a}'s group after its latest request: names it once it becomes
   * reportable, confirms it once it qualifies. Members that become part of a confirmed campaign
   * (all of them at confirmation, the newcomers of every later merge) are handed to {@code
   * newlyConfirmed} exactly once each.
   */
  public void review(int a, long timeMillis, IntConsumer newlyConfirmed) {
    int r = find(a);
    // Only a group that changed can newly qualify; once named and confirmed it has nothing left
    // to decide.
    if (dirty[r]
        && size[r] >= config.confirmMinSize()
        && (campaignNo[r] == 0 || confirmedAt[r] == Exchange.NO_TIME)) {
      dirty[r] = false;
      double score = score(r);
      if (score >= suspiciousAt && campaignNo[r] == 0) {
        campaignNo[r] = nextId++;
      }
      if (confirmedAt[r] == Exchange.NO_TIME
          && score >= distillationAt
          && (2 * young[r] >= size[r] || flaggedOwn[r] > 0)) {
        confirmedAt[r] = timeMillis;
        int m = r;
        do {
          pending.add(m);
          m = next[m];
        } while (m != r);
      }
    }
    for (int i = 0; i < pending.size; i++) {
      newlyConfirmed.accept(pending.data[i]);
    }
    pending.size = 0;
  }

  /** How many accounts are linked with account {@code a}, itself included. */
  public int groupSize(int a) {
    return size[find(a)];
  }

  /** Whether account {@code a} belongs to a confirmed campaign. */
  public boolean confirmed(int a) {
    return confirmedAt[find(a)] != Exchange.NO_TIME;
  }

  /** The score of account {@code a}'s group (0 for an account linked to nobody). */
  public double campaignScore(int a) {
    int r = find(a);
    return size[r] < 2 ? 0 : score(r);
  }

  /** The id of account {@code a}'s campaign, or null if its group is not a reportable campaign. */
  public @Nullable String campaignId(int a) {
    int no = campaignNo[find(a)];
    return no == 0 ? null : "campaign-" + no;
  }

  /** Every reportable campaign, in id order. */
  public List<Campaign> campaigns() {
    Map<Integer, List<Integer>> byRoot = new HashMap<>();
    for (int a = 0; a < count; a++) {
      int r = find(a);
      if (campaignNo[r] != 0) {
        byRoot.computeIfAbsent(r, k -> new ArrayList<>()).add(a);
      }
    }
    List<Campaign> out = new ArrayList<>(byRoot.size());
    byRoot.forEach((r, members) -> out.add(campaign(r, members)));
    out.sort(
        Comparator.comparingInt(c -> Integer.parseInt(c.id().substring("campaign-".length()))));
    return out;
  }

  /**
   * The reportable campaign account {@code a} belongs to, or null: the same line {@link
   * #campaigns()} reports for it, at a cost proportional to the campaign's size.
   */
  public @Nullable Campaign campaignOf(int a) {
    int r = find(a);
    if (campaignNo[r] == 0) {
      return null;
    }
    List<Integer> members = new ArrayList<>(size[r]);
    int m = r;
    do {
      members.add(m);
      m = next[m];
    } while (m != r);
    return campaign(r, members);
  }

  /** Approximate bytes held, for memory accounting. */
  public long bytes() {
    return (long) parent.length * 190 + values.bytes();
  }

  /** The name account {@code a} was first observed under. */
  public String accountName(int a) {
    if (a < 0 || a >= count) {
      throw new IndexOutOfBoundsException("account " + a + " of " + count);
    }
    return name(a);
  }

  /** Version of the format {@link #write} writes. */
  static final int SNAPSHOT_VERSION = 1;

  /**
   * Writes the whole linking state, its configuration included, in a compact binary format ({@value
   * #SNAPSHOT_VERSION}; arrays in bulk, only the accounts and values in use); {@link #read} reads
   * it back into a linker that behaves exactly like this one. Call it between requests, not from a
   * callback.
   */
  public void write(DataOutput out) throws IOException {
    if (queued != 0 || pending.size != 0) {
      throw new IllegalStateException("a request is being observed");
    }
    out.writeByte(SNAPSHOT_VERSION);
    out.writeDouble(config.linkThreshold());
    out.writeLong(config.youngMillis());
    out.writeLong(config.burstMillis());
    out.writeInt(config.campaignMinRequests());
    out.writeInt(config.confirmMinSize());
    out.writeDouble(suspiciousAt);
    out.writeDouble(distillationAt);
    out.writeInt(nextId);
    int n = count;
    out.writeInt(n);
    Bulk.writeInts(out, parent, n);
    Bulk.writeInts(out, size, n);
    Bulk.writeInts(out, next, n);
    Bulk.writeLongs(out, payment, n);
    Bulk.writeLongs(out, email, n);
    Bulk.writeLongs(out, client, n);
    Bulk.writeLongs(out, system, n);
    Bulk.writeLongs(out, template, n);
    Bulk.writeLongs(out, ip0, n);
    Bulk.writeLongs(out, ip1, n);
    Bulk.writeLongs(out, ipWide, n);
    Bulk.writeLongs(out, created, n);
    Bulk.writeBytes(out, flags, n);
    Bulk.writeBytes(out, changes, n);
    Bulk.writeStrings(out, tplHead, n);
    Bulk.writeStrings(out, tplTail, n);
    Bulk.writeStrings(out, names, n);
    Bulk.writeInts(out, requests, n);
    Bulk.writeLongs(out, inputTokens, n);
    Bulk.writeLongs(out, outputTokens, n);
    Bulk.writeLongs(out, firstSeen, n);
    Bulk.writeLongs(out, lastSeen, n);
    Bulk.writeLongs(out, joinedAt, n);
    Bulk.writeBytes(out, linkedBy, n);
    Bulk.writeInts(out, via, n);
    Bulk.writeFloats(out, contribution, n);
    Bulk.writeFloats(out, lastPeak, n);
    Bulk.writeDoubles(out, logClean, n);
    Bulk.writeInts(out, young, n);
    Bulk.writeInts(out, flaggedOwn, n);
    Bulk.writeLongs(out, confirmedAt, n);
    Bulk.writeInts(out, campaignNo, n);
    Bulk.writeBooleans(out, dirty, n);
    values.write(out);
  }

  /**
   * The linker {@link #write} wrote.
   *
   * @throws IOException if the input ends early or is not a linker snapshot of this version
   */
  public static CampaignLinker read(DataInput in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != SNAPSHOT_VERSION) {
      throw new IOException(
          "campaign linker snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
    }
    LinkerConfig config;
    try {
      config =
          new LinkerConfig(
              in.readDouble(), in.readLong(), in.readLong(), in.readInt(), in.readInt());
    } catch (IllegalArgumentException e) {
      throw new IOException("not a campaign linker snapshot: " + e.getMessage(), e);
    }
    CampaignLinker l = new CampaignLinker(config, in.readDouble(), in.readDouble());
    l.nextId = in.readInt();
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("not a campaign linker snapshot: " + n + " accounts");
    }
    // Room to grow as the live linker does: capacities stay powers of two from 1024.
    int cap = n <= 1024 ? 1024 : Integer.highestOneBit(n - 1) << 1;
    l.count = n;
    l.parent = Bulk.readInts(in, n, cap);
    l.size = Bulk.readInts(in, n, cap);
    l.next = Bulk.readInts(in, n, cap);
    l.payment = Bulk.readLongs(in, n, cap);
    l.email = Bulk.readLongs(in, n, cap);
    l.client = Bulk.readLongs(in, n, cap);
    l.system = Bulk.readLongs(in, n, cap);
    l.template = Bulk.readLongs(in, n, cap);
    l.ip0 = Bulk.readLongs(in, n, cap);
    l.ip1 = Bulk.readLongs(in, n, cap);
    l.ipWide = Bulk.readLongs(in, n, cap);
    l.created = Bulk.readLongs(in, n, cap);
    l.flags = Bulk.readBytes(in, n, cap);
    l.changes = Bulk.readBytes(in, n, cap);
    l.tplHead = Bulk.readStrings(in, n, cap);
    l.tplTail = Bulk.readStrings(in, n, cap);
    l.names = Bulk.readStrings(in, n, cap);
    l.requests = Bulk.readInts(in, n, cap);
    l.inputTokens = Bulk.readLongs(in, n, cap);
    l.outputTokens = Bulk.readLongs(in, n, cap);
    l.firstSeen = Bulk.readLongs(in, n, cap);
    l.lastSeen = Bulk.readLongs(in, n, cap);
    l.joinedAt = Bulk.readLongs(in, n, cap);
    l.linkedBy = Bulk.readBytes(in, n, cap);
    l.via = Bulk.readInts(in, n, cap);
    l.contribution = Bulk.readFloats(in, n, cap);
    l.lastPeak = Bulk.readFloats(in, n, cap);
    l.logClean = Bulk.readDoubles(in, n, cap);
    l.young = Bulk.readInts(in, n, cap);
    l.flaggedOwn = Bulk.readInts(in, n, cap);
    l.confirmedAt = Bulk.readLongs(in, n, cap);
    l.campaignNo = Bulk.readInts(in, n, cap);
    l.dirty = Bulk.readBooleans(in, n, cap);
    l.values = ValueTable.read(in);
    return l;
  }

  // ---------------------------------------------------------------------------------------------

  private void add(int a, String name, long timeMillis) {
    if (a == parent.length) {
      grow(Math.max(1024, a * 2));
    }
    count = a + 1;
    parent[a] = a;
    size[a] = 1;
    next[a] = a;
    names[a] = name;
    firstSeen[a] = timeMillis;
    lastSeen[a] = timeMillis;
    created[a] = Exchange.NO_TIME;
    joinedAt[a] = Exchange.NO_TIME;
    confirmedAt[a] = Exchange.NO_TIME;
    via[a] = -1;
  }

  /** Counts one more value of a changing kind for account {@code a}, if its budget allows. */
  private boolean spend(int a, int shift) {
    int used = (changes[a] >>> shift) & 0x3;
    if (used >= MAX_VALUES) {
      return false;
    }
    changes[a] = (byte) (changes[a] + (1 << shift));
    return true;
  }

  private void learnTemplate(int a, Traits t, long timeMillis) {
    String h = tplHead[a];
    String tl = tplTail[a];
    int samples = (flags[a] >>> 4) & 0x7;
    String head = t.head();
    String tail = t.tail();
    if (h == null || tl == null) {
      tplHead[a] = head;
      tplTail[a] = tail;
    } else {
      String ch = commonPrefix(h, head);
      String ct = commonSuffix(tl, tail);
      if (ch.length() < h.length() || ct.length() < tl.length()) {
        flags[a] |= VARIED;
      }
      tplHead[a] = ch;
      tplTail[a] = ct;
    }
    samples++;
    flags[a] = (byte) ((flags[a] & ~0x70) | (samples << 4));
    if (samples < TEMPLATE_SAMPLES) {
      return;
    }
    String common = wordPrefix(Objects.requireNonNull(tplHead[a]));
    String commonTail = wordSuffix(Objects.requireNonNull(tplTail[a]));
    tplHead[a] = null;
    tplTail[a] = null;
    flags[a] |= TEMPLATE_DONE;
    if ((flags[a] & VARIED) == 0 || letters(common) + letters(commonTail) < TEMPLATE_MIN_LETTERS) {
      return;
    }
    long h64 = Hashing.combine(Hashing.hash(common), Hashing.hash(commonTail));
    template[a] = key(Evidence.TEMPLATE, h64);
    take(a, Evidence.TEMPLATE, template[a], hex(h64), timeMillis);
  }

  /**
   * Account {@code a} takes up value {@code k}. Queued until all of the request's new values are on
   * the account, so that the comparisons see everything the two accounts share.
   */
  private void take(int a, Evidence kind, long k, @Nullable String label, long timeMillis) {
    if (queued == queuedKeys.length) {
      queuedKeys = Arrays.copyOf(queuedKeys, queued * 2);
      queuedKinds = Arrays.copyOf(queuedKinds, queued * 2);
      queuedLabels = Arrays.copyOf(queuedLabels, queued * 2);
    }
    queuedKeys[queued] = k;
    queuedKinds[queued] = kind;
    queuedLabels[queued] = label;
    queued++;
  }

  /**
   * Compares account {@code a} with the recent holders of each value it just took up, links it
   * where the points reach the threshold, then enters it as a holder. A value that is itself worth
   * little (a domain or client shared by many established accounts) brings no candidates: a pair
   * that shares enough to link also shares something rarer, whose holders are compared.
   */
  private void settle(int a, long timeMillis) {
    int checked = 0;
    for (int q = 0; q < queued; q++) {
      long k = queuedKeys[q];
      Evidence kind = Objects.requireNonNull(queuedKinds[q]);
      int slot = values.slot(k);
      if (kind.weight() * rarity(values.established(slot)) < MIN_CANDIDATE_POINTS) {
        continue;
      }
      candidates:
      for (int i = 0; i < ValueTable.RING; i++) {
        int b = values.recent(slot, i);
        if (b < 0 || b == a || find(b) == find(a)) {
          continue;
        }
        for (int c = 0; c < checked; c++) {
          if (checkedAccounts[c] == b) {
            continue candidates;
          }
        }
        if (checked < checkedAccounts.length) {
          checkedAccounts[checked++] = b;
        }
        int mask = pairMask(a, b);
        if (points(a, b, mask) >= config.linkThreshold()) {
          union(a, b, mask, timeMillis);
        }
      }
    }
    boolean established = (flags[a] & YOUNG) == 0;
    for (int q = 0; q < queued; q++) {
      int slot = values.slot(queuedKeys[q]);
      values.add(slot, a, established);
      if (values.accounts(slot) == 2 && values.label(slot) == null) {
        values.label(slot, queuedLabels[q]);
      }
      queuedKinds[q] = null;
      queuedLabels[q] = null;
    }
    queued = 0;
  }

  /** The evidence kinds accounts {@code a} and {@code b} share. */
  private int pairMask(int a, int b) {
    int m = 0;
    if (payment[a] != 0 && payment[a] == payment[b]) {
      m |= Evidence.PAYMENT_FP.bit();
    }
    if (email[a] != 0 && email[a] == email[b]) {
      m |= Evidence.EMAIL_DOMAIN.bit();
    }
    if (ip0[a] != 0 && (ip0[a] == ip0[b] || ip0[a] == ip1[b])
        || ip1[a] != 0 && (ip1[a] == ip0[b] || ip1[a] == ip1[b])) {
      m |= Evidence.IP_PREFIX.bit();
    }
    if (ipWide[a] != 0 && ipWide[a] == ipWide[b]) {
      m |= Evidence.IP_WIDE.bit();
    }
    if (client[a] != 0 && client[a] == client[b]) {
      m |= Evidence.CLIENT.bit();
    }
    if (system[a] != 0 && system[a] == system[b]) {
      m |= Evidence.SYSTEM_PROMPT.bit();
    }
    if (template[a] != 0 && template[a] == template[b]) {
      m |= Evidence.TEMPLATE.bit();
    }
    boolean bothYoung = (flags[a] & flags[b] & YOUNG) != 0;
    if (bothYoung) {
      m |= Evidence.BOTH_YOUNG.bit();
      if (Math.abs(created[a] - created[b]) <= config.burstMillis()) {
        m |= Evidence.CREATED_TOGETHER.bit();
      }
    }
    return m;
  }

  private double points(int a, int b, int mask) {
    double p = 0;
    if ((mask & Evidence.PAYMENT_FP.bit()) != 0) {
      p += Evidence.PAYMENT_FP.weight() * rarity(payment[a]);
    }
    if ((mask & Evidence.EMAIL_DOMAIN.bit()) != 0) {
      p += Evidence.EMAIL_DOMAIN.weight() * rarity(email[a]);
    }
    if ((mask & Evidence.IP_PREFIX.bit()) != 0) {
      long k = ip0[a] == ip0[b] || ip0[a] == ip1[b] ? ip0[a] : ip1[a];
      p += Evidence.IP_PREFIX.weight() * rarity(k);
    } else if ((mask & Evidence.IP_WIDE.bit()) != 0) {
      p += Evidence.IP_WIDE.weight() * rarity(ipWide[a]);
    }
    if ((mask & Evidence.CLIENT.bit()) != 0) {
      p += Evidence.CLIENT.weight() * rarity(client[a]);
    }
    if ((mask & Evidence.SYSTEM_PROMPT.bit()) != 0) {
      p += Evidence.SYSTEM_PROMPT.weight() * rarity(system[a]);
    }
    if ((mask & Evidence.TEMPLATE.bit()) != 0) {
      p += Evidence.TEMPLATE.weight() * rarity(template[a]);
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
  private double rarity(long k) {
    int slot = values.find(k);
    return rarity(slot < 0 ? 0 : values.established(slot));
  }

  private static double rarity(int established) {
    return 1 / (1 + log2(1 + established / 8.0));
  }

  private void union(int a, int b, int mask, long timeMillis) {
    for (int x : new int[] {a, b}) {
      if (joinedAt[x] == Exchange.NO_TIME) {
        joinedAt[x] = timeMillis;
        linkedBy[x] = (byte) mask;
        linkedByHigh(x, mask);
        via[x] = x == a ? b : a;
      }
    }
    int ra = find(a);
    int rb = find(b);
    if (size[ra] < size[rb]) {
      int t = ra;
      ra = rb;
      rb = t;
    }
    boolean confirmedA = confirmedAt[ra] != Exchange.NO_TIME;
    boolean confirmedB = confirmedAt[rb] != Exchange.NO_TIME;
    if (confirmedA != confirmedB) {
      int absorbed = confirmedA ? rb : ra;
      int m = absorbed;
      do {
        pending.add(m);
        m = next[m];
      } while (m != absorbed);
    }
    parent[rb] = ra;
    dirty[ra] = true;
    size[ra] += size[rb];
    young[ra] += young[rb];
    flaggedOwn[ra] += flaggedOwn[rb];
    logClean[ra] += logClean[rb];
    if (confirmedB && (!confirmedA || confirmedAt[rb] < confirmedAt[ra])) {
      confirmedAt[ra] = confirmedAt[rb];
    }
    // The merged campaign keeps the older name.
    int na = campaignNo[ra];
    int nb = campaignNo[rb];
    campaignNo[ra] = na == 0 ? nb : nb == 0 ? na : Math.min(na, nb);
    int t = next[ra];
    next[ra] = next[rb];
    next[rb] = t;
  }

  // Evidence has nine kinds; linkedBy keeps the first eight in a byte and BOTH_YOUNG in a flag.
  private void linkedByHigh(int x, int mask) {
    if ((mask & Evidence.BOTH_YOUNG.bit()) != 0) {
      flags[x] |= (byte) 0x80;
    }
  }

  private int linkedMask(int x) {
    int m = linkedBy[x] & 0xFF;
    if ((flags[x] & 0x80) != 0) {
      m |= Evidence.BOTH_YOUNG.bit();
    }
    return m;
  }

  private int find(int a) {
    while (parent[a] != a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  }

  private double score(int r) {
    double members = 1 - Math.exp(logClean[r]);
    double shape = shape(r);
    return 1 - (1 - members) * (1 - shape);
  }

  private double shape(int r) {
    double youngShare = young[r] / (double) size[r];
    return MAX_SHAPE * youngShare * Math.min(1, log2(size[r]) / 5);
  }

  private Campaign campaign(int r, List<Integer> members) {
    members.sort(
        Comparator.<Integer>comparingLong(
                m -> joinedAt[m] == Exchange.NO_TIME ? firstSeen[m] : joinedAt[m])
            .thenComparingInt(m -> m));
    List<Campaign.Member> out = new ArrayList<>(members.size());
    long req = 0;
    long in = 0;
    long outTok = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int suspicious = 0;
    int[] linkCounts = new int[Evidence.values().length];
    Map<Long, int[]> shared = new HashMap<>();
    for (int m : members) {
      int v = via[m];
      int mask = linkedMask(m);
      out.add(
          new Campaign.Member(
              name(m),
              joinedAt[m] == Exchange.NO_TIME ? firstSeen[m] : joinedAt[m],
              Evidence.names(mask),
              v < 0 ? null : name(v)));
      for (Evidence e : Evidence.values()) {
        if ((mask & e.bit()) != 0) {
          linkCounts[e.ordinal()]++;
        }
      }
      req += requests[m];
      in += inputTokens[m];
      outTok += outputTokens[m];
      first = Math.min(first, firstSeen[m]);
      last = Math.max(last, lastSeen[m]);
      if (contribution[m] != 0) {
        suspicious++;
      }
      for (long k :
          new long[] {
            payment[m], email[m], ip0[m], ip1[m], ipWide[m], client[m], system[m], template[m]
          }) {
        if (k != 0) {
          shared.computeIfAbsent(k, x -> new int[1])[0]++;
        }
      }
    }
    List<Campaign.Indicator> indicators = new ArrayList<>();
    shared.forEach(
        (k, n) -> {
          int slot = values.find(k);
          String label = slot < 0 ? null : values.label(slot);
          if (n[0] >= 2 && label != null) {
            indicators.add(new Campaign.Indicator(kindOf(k).id(), label, n[0]));
          }
        });
    indicators.sort(
        Comparator.comparingInt(Campaign.Indicator::accounts)
            .reversed()
            .thenComparing(Campaign.Indicator::type)
            .thenComparing(Campaign.Indicator::value));
    double m = 1 - Math.exp(logClean[r]);
    double shape = shape(r);
    List<Campaign.Factor> reasons = new ArrayList<>();
    reasons.add(new Campaign.Factor("suspicious_members", suspicious, round(m)));
    reasons.add(new Campaign.Factor("young_accounts", young[r], round(shape)));
    reasons.add(new Campaign.Factor("members_flagged_on_own", flaggedOwn[r], 0));
    for (Evidence e : Evidence.values()) {
      if (linkCounts[e.ordinal()] > 0) {
        reasons.add(new Campaign.Factor("linked_by_" + e.id(), linkCounts[e.ordinal()], 0));
      }
    }
    return new Campaign(
        "campaign-" + campaignNo[r],
        round(score(r)),
        confirmedAt[r] != Exchange.NO_TIME,
        confirmedAt[r],
        out,
        req,
        in,
        outTok,
        first,
        last,
        indicators,
        reasons);
  }

  private Evidence kindOf(long k) {
    for (Evidence e : Evidence.values()) {
      if (e.indexed() && (k & 0xF) == (e.salt() & 0xF)) {
        return e;
      }
    }
    throw new IllegalStateException("untagged key");
  }

  /** Tags a value's hash with its kind (low four bits), keeping it non-zero. */
  private static long key(Evidence kind, long hash) {
    return (Hashing.mix(hash ^ (kind.salt() << 32)) & ~0xFL) | (kind.salt() & 0xF);
  }

  private String name(int a) {
    String n = names[a];
    return n == null ? "" : n;
  }

  private void grow(int capacity) {
    parent = Arrays.copyOf(parent, capacity);
    size = Arrays.copyOf(size, capacity);
    next = Arrays.copyOf(next, capacity);
    payment = Arrays.copyOf(payment, capacity);
    email = Arrays.copyOf(email, capacity);
    client = Arrays.copyOf(client, capacity);
    system = Arrays.copyOf(system, capacity);
    template = Arrays.copyOf(template, capacity);
    ip0 = Arrays.copyOf(ip0, capacity);
    ip1 = Arrays.copyOf(ip1, capacity);
    ipWide = Arrays.copyOf(ipWide, capacity);
    created = Arrays.copyOf(created, capacity);
    flags = Arrays.copyOf(flags, capacity);
    changes = Arrays.copyOf(changes, capacity);
    tplHead = Arrays.copyOf(tplHead, capacity);
    tplTail = Arrays.copyOf(tplTail, capacity);
    names = Arrays.copyOf(names, capacity);
    requests = Arrays.copyOf(requests, capacity);
    inputTokens = Arrays.copyOf(inputTokens, capacity);
    outputTokens = Arrays.copyOf(outputTokens, capacity);
    firstSeen = Arrays.copyOf(firstSeen, capacity);
    lastSeen = Arrays.copyOf(lastSeen, capacity);
    joinedAt = Arrays.copyOf(joinedAt, capacity);
    linkedBy = Arrays.copyOf(linkedBy, capacity);
    via = Arrays.copyOf(via, capacity);
    contribution = Arrays.copyOf(contribution, capacity);
    logClean = Arrays.copyOf(logClean, capacity);
    young = Arrays.copyOf(young, capacity);
    flaggedOwn = Arrays.copyOf(flaggedOwn, capacity);
    confirmedAt = Arrays.copyOf(confirmedAt, capacity);
    campaignNo = Arrays.copyOf(campaignNo, capacity);
    dirty = Arrays.copyOf(dirty, capacity);
    lastPeak = Arrays.copyOf(lastPeak, capacity);
  }

  // ---------------------------------------------------------------------------------------------
  // text helpers for template learning

  static String commonPrefix(String x, String y) {
    int n = Math.min(x.length(), y.length());
    int i = 0;
    while (i < n && x.charAt(i) == y.charAt(i)) {
      i++;
    }
    return x.substring(0, i);
  }

  static String commonSuffix(String x, String y) {
    int i = x.length();
    int j = y.length();
    while (i > 0 && j > 0 && x.charAt(i - 1) == y.charAt(j - 1)) {
      i--;
      j--;
    }
    return x.substring(i);
  }

  /** {@code s} cut back to its last word boundary: a shared "Wh" of "What"/"Why" is no template. */
  static String wordPrefix(String s) {
    int i = s.length();
    while (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }

  /** {@code s} cut forward to its first word boundary. */
  static String wordSuffix(String s) {
    int i = 0;
    while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
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

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static String hex(long h) {
    String s = Long.toHexString(h);
    return "0".repeat(16 - s.length()) + s;
  }

  /** A growable list of ints without boxing. */
  private static final class IntList {
    int[] data = new int[16];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }
  }
}
