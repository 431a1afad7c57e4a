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
 * <p>Each account's values and template are an {@link AccountEvidence}, whose rules (which values a
 * request takes up; what a pair shares and how many points that is worth) this linker and a runtime
 * that keys linking by value ({@link EvidenceValue}) both use. Such a runtime feeds the linker the
 * links it found ({@link #observeFound}, {@link #link}, {@link #label}) and the linker keeps only
 * the groups.
 *
 * <p>Not thread-safe: one thread feeds one linker (the detector's).
 */
public final class CampaignLinker {

  private static final int SAMPLE_ALL = 8;
  private static final int SAMPLE_EVERY = 16;
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

  // evidence per account: the values it holds and the template it is learning
  private AccountEvidence[] evidence = new AccountEvidence[0];
  // per account: OWN_FLAG and the BOTH_YOUNG bit of its first link (the rest of the snapshot's
  // flags byte is the evidence's)
  private byte[] flags = new byte[0];
  private final AccountEvidence.Taker taker = this::take;
  private final AccountEvidence.Rarity rarityOf = this::rarity;

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

  // flags bits (the others are AccountEvidence's)
  private static final byte OWN_FLAG = 4;

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

  // ---------------------------------------------------------------------------------------------
  // Links found elsewhere: a runtime that keys linking by evidence value keeps each account's
  // evidence where the account lives and each value's holders where the value is keyed
  // (AccountEvidence, EvidenceValue), and feeds this linker the links those find. It then keeps
  // only groups: union-find, their scores, reviews and campaign lines, by the same code.

  /**
   * Account {@code a}, never observed, is named by a link before its own first request arrives (its
   * request travels on another path). Indexes stay dense: {@code a} must be the next one.
   */
  public void known(int a, String name, long timeMillis) {
    if (a != count) {
      throw new IllegalArgumentException("account index " + a + " is not the next, " + count);
    }
    add(a, name, timeMillis);
  }

  /**
   * One request of account {@code a} whose links are found elsewhere: counts its activity and, when
   * {@code ev} is not null, takes the account's current evidence ({@link
   * AccountEvidence#linkingCopy}); then {@link #link} its links, {@link #memberScore} and {@link
   * #review} as after {@link #observe}.
   */
  public void observeFound(
      int a,
      String name,
      long timeMillis,
      long inputTokens,
      long outputTokens,
      @Nullable AccountEvidence ev) {
    if (a == count) {
      add(a, name, timeMillis);
    } else if (a > count || a < 0) {
      throw new IllegalArgumentException("account index " + a + " skips ahead of " + count);
    }
    activity(a, timeMillis, inputTokens, outputTokens);
    if (ev != null) {
      boolean wasYoung = evidence[a].young();
      evidence[a] = ev;
      if (!wasYoung && ev.young()) {
        int r = find(a);
        young[r]++;
        dirty[r] = true;
      }
    }
  }

  /**
   * Links accounts {@code a} and {@code b} on the evidence kinds of {@code mask} (from {@link
   * AccountEvidence#links}), unless they are in one group already.
   */
  public void link(int a, int b, int mask, long timeMillis) {
    if (a >= count || b >= count || a < 0 || b < 0) {
      throw new IllegalArgumentException("unknown account index " + Math.max(a, b));
    }
    if (a != b && find(a) != find(b)) {
      union(a, b, mask, timeMillis);
    }
  }

  /** The readable label of value {@code key} (shared by two accounts), for campaign indicators. */
  public void label(long key, String label) {
    int slot = values.slot(key);
    if (values.label(slot) == null) {
      values.label(slot, label);
    }
  }

  private void update(int a, String name, long timeMillis, Traits t) {
    if (a == count) {
      add(a, name, timeMillis);
    } else if (a > count || a < 0) {
      throw new IllegalArgumentException("account index " + a + " skips ahead of " + count);
    }
    activity(a, timeMillis, t.inputTokens(), t.outputTokens());
    AccountEvidence e = evidence[a];
    boolean wasYoung = e.young();
    e.observe(requests[a], firstSeen[a], t, config.youngMillis(), taker);
    if (!wasYoung && e.young()) {
      int r = find(a);
      young[r]++;
      dirty[r] = true;
    }
  }

  private void activity(int a, long timeMillis, long in, long out) {
    if (requests[a] == 0) {
      firstSeen[a] = timeMillis;
      lastSeen[a] = timeMillis;
    }
    requests[a]++;
    inputTokens[a] += in;
    outputTokens[a] += out;
    if (timeMillis > lastSeen[a]) {
      lastSeen[a] = timeMillis;
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
    // The evidence in the array layout of format 1 (one array per field).
    AccountEvidence[] ev = evidence;
    Bulk.writeLongs(out, longs(ev, n, e -> e.payment), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.email), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.client), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.system), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.template), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.ip0), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.ip1), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.ipWide), n);
    Bulk.writeLongs(out, longs(ev, n, e -> e.created), n);
    byte[] f = new byte[n];
    byte[] ch = new byte[n];
    @Nullable String[] head = new String[n];
    @Nullable String[] tail = new String[n];
    for (int i = 0; i < n; i++) {
      f[i] = (byte) (ev[i].flags | flags[i]);
      ch[i] = ev[i].changes;
      head[i] = ev[i].tplHead;
      tail[i] = ev[i].tplTail;
    }
    Bulk.writeBytes(out, f, n);
    Bulk.writeBytes(out, ch, n);
    Bulk.writeStrings(out, head, n);
    Bulk.writeStrings(out, tail, n);
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
    long[] payment = Bulk.readLongs(in, n, 0);
    long[] email = Bulk.readLongs(in, n, 0);
    long[] client = Bulk.readLongs(in, n, 0);
    long[] system = Bulk.readLongs(in, n, 0);
    long[] template = Bulk.readLongs(in, n, 0);
    long[] ip0 = Bulk.readLongs(in, n, 0);
    long[] ip1 = Bulk.readLongs(in, n, 0);
    long[] ipWide = Bulk.readLongs(in, n, 0);
    long[] created = Bulk.readLongs(in, n, 0);
    byte[] f = Bulk.readBytes(in, n, 0);
    byte[] changes = Bulk.readBytes(in, n, 0);
    @Nullable String[] head = Bulk.readStrings(in, n, 0);
    @Nullable String[] tail = Bulk.readStrings(in, n, 0);
    l.evidence = new AccountEvidence[cap];
    l.flags = new byte[cap];
    for (int i = 0; i < n; i++) {
      AccountEvidence e = new AccountEvidence();
      e.payment = payment[i];
      e.email = email[i];
      e.client = client[i];
      e.system = system[i];
      e.template = template[i];
      e.ip0 = ip0[i];
      e.ip1 = ip1[i];
      e.ipWide = ipWide[i];
      e.created = created[i];
      e.flags = (byte) (f[i] & AccountEvidence.OWN_BITS);
      e.changes = changes[i];
      e.tplHead = head[i];
      e.tplTail = tail[i];
      l.evidence[i] = e;
      l.flags[i] = (byte) (f[i] & ~AccountEvidence.OWN_BITS);
    }
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
    evidence[a] = new AccountEvidence();
    joinedAt[a] = Exchange.NO_TIME;
    confirmedAt[a] = Exchange.NO_TIME;
    via[a] = -1;
  }

  /**
   * Account {@code a} takes up value {@code k}. Queued until all of the request's new values are on
   * the account, so that the comparisons see everything the two accounts share.
   */
  private void take(Evidence kind, long k, @Nullable String label) {
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
      if (!AccountEvidence.bringsCandidates(kind, values.established(slot))) {
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
        int mask = evidence[a].sharedWith(evidence[b], config.burstMillis());
        if (evidence[a].points(evidence[b], mask, rarityOf) >= config.linkThreshold()) {
          union(a, b, mask, timeMillis);
        }
      }
    }
    boolean established = !evidence[a].young();
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

  /** 1 for a value no established account holds, falling slowly as more of them do. */
  private double rarity(long k) {
    int slot = values.find(k);
    return AccountEvidence.rarity(slot < 0 ? 0 : values.established(slot));
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
      AccountEvidence e = evidence[m];
      for (long k :
          new long[] {e.payment, e.email, e.ip0, e.ip1, e.ipWide, e.client, e.system, e.template}) {
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
            indicators.add(new Campaign.Indicator(AccountEvidence.kindOf(k).id(), label, n[0]));
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

  private String name(int a) {
    String n = names[a];
    return n == null ? "" : n;
  }

  private void grow(int capacity) {
    parent = Arrays.copyOf(parent, capacity);
    size = Arrays.copyOf(size, capacity);
    next = Arrays.copyOf(next, capacity);
    evidence = Arrays.copyOf(evidence, capacity);
    flags = Arrays.copyOf(flags, capacity);
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

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static long[] longs(
      AccountEvidence[] ev, int n, java.util.function.ToLongFunction<AccountEvidence> field) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = field.applyAsLong(ev[i]);
    }
    return out;
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
