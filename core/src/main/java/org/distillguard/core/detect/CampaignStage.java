package org.distillguard.core.detect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.Campaign;
import org.distillguard.core.link.CampaignLinker;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.link.Traits;
import org.distillguard.core.state.Bulk;
import org.jspecify.annotations.Nullable;

/**
 * The campaign half of the {@link Detector}: feeds each request, with its account's own standing
 * after it, to a {@link CampaignLinker}, and flags the members of confirmed campaigns. The {@link
 * Detector} runs it after each account update; a partitioned runtime runs the per-account half
 * ({@link AccountDetector}) where the account's state lives and this stage wherever all accounts'
 * updates meet. Fed the same updates in the same order, both reach the same verdicts.
 *
 * <p>A campaign flag is kept here, beside the account's own verdict: an account's verdict is {@code
 * distillation} once either flagged it, and {@code flaggedAfter} is that of the earlier flag (the
 * other flag then never happens, as in a single pass: a flagged account is not flagged again).
 *
 * <p>State: the linker's (about 190 bytes per account plus its value table) and about 40 bytes per
 * account here. {@link #write} and {@link #read} ({@link #snapshot} and {@link #restore} for byte
 * arrays) turn all of it into a compact, versioned binary format for checkpoints.
 *
 * <p>Not thread-safe: one thread feeds one stage.
 */
public final class CampaignStage {

  private final CampaignLinker linker;
  private final int campaignMinRequests;
  private final @Nullable Map<String, Integer> names;
  private final @Nullable List<String> byIndex;
  private int count;
  private long[] requests = new long[0];
  private long[] lastSeen = new long[0];
  private byte[] own = new byte[0];
  private long[] campaignFlaggedAfter = new long[0]; // -1: not flagged by its campaign
  private long[] campaignFlaggedAt = new long[0];

  // The callback handed to the linker, kept so that no request allocates one.
  private @Nullable IntConsumer flagger;
  private @Nullable IntConsumer listener;
  private long linkTime;

  /**
   * A stage whose callers assign account indexes themselves ({@code namesAccounts} false: the
   * {@link Detector}) or that assigns them from names through {@link #index} (true).
   */
  public CampaignStage(DetectorConfig detector, LinkerConfig linking, boolean namesAccounts) {
    this(
        new CampaignLinker(linking, detector.suspiciousAt(), detector.distillationAt()),
        namesAccounts ? new HashMap<>() : null,
        namesAccounts ? new ArrayList<>() : null);
  }

  private CampaignStage(
      CampaignLinker linker, @Nullable Map<String, Integer> names, @Nullable List<String> byIndex) {
    this.linker = linker;
    this.campaignMinRequests = linker.config().campaignMinRequests();
    this.names = names;
    this.byIndex = byIndex;
  }

  /**
   * The dense index of {@code account}, assigned in order of first appearance: call it once per
   * update, before {@link #observe}. Only for stages that name accounts.
   */
  public int index(String account) {
    Map<String, Integer> m = names;
    if (m == null) {
      throw new IllegalStateException("this stage takes indexes from its caller");
    }
    Integer i = m.get(account);
    if (i == null) {
      i = m.size();
      m.put(account, i);
      Objects.requireNonNull(byIndex).add(account);
    }
    return i;
  }

  /** The name of account {@code a}; only for stages that name accounts. */
  public String account(int a) {
    List<String> l = byIndex;
    if (l == null) {
      throw new IllegalStateException("this stage takes indexes from its caller");
    }
    return l.get(a);
  }

  /** Accounts seen. */
  public int accountCount() {
    return count;
  }

  /**
   * One request of account {@code a}, after its own detector judged it.
   *
   * @param a the account's dense index (in order of first appearance)
   * @param requests the account's request count, this request included
   * @param lastSeen the account's latest request time
   * @param ownVerdict the account's own verdict after the request
   * @param peakScore the account's own peak score
   * @param newlyFlagged told the index of every account this request got flagged on its campaign's
   *     evidence (this one or other members), or null
   */
  public void observe(
      int a,
      String account,
      long timeMillis,
      Traits traits,
      long requests,
      long lastSeen,
      Verdict ownVerdict,
      double peakScore,
      @Nullable IntConsumer newlyFlagged) {
    record(a, requests, lastSeen, ownVerdict, newlyFlagged);
    linker.observe(a, account, timeMillis, traits);
    afterLinking(a, timeMillis, ownVerdict, peakScore);
  }

  /** The account's own side of a request, before linking: both kinds of observe start here. */
  private void record(
      int a, long requests, long lastSeen, Verdict ownVerdict, @Nullable IntConsumer newlyFlagged) {
    if (a == count) {
      add();
    } else if (a > count || a < 0) {
      throw new IllegalArgumentException("account index " + a + " skips ahead of " + count);
    }
    this.requests[a] = requests;
    this.lastSeen[a] = lastSeen;
    own[a] = (byte) ownVerdict.ordinal();
    listener = newlyFlagged;
  }

  /**
   * One request of account {@code a} whose links were found elsewhere (linking keyed by evidence
   * value: {@link AccountEvidence}, {@link org.distillguard.core.link.EvidenceValue}); otherwise as
   * {@link #observe}. Only for stages that name accounts: linked accounts are named.
   *
   * @param evidence the account's evidence after the request when it changed, or null
   * @param links the links the request made, in the order found
   */
  public void observeLinked(
      int a,
      String account,
      long timeMillis,
      long inputTokens,
      long outputTokens,
      @Nullable AccountEvidence evidence,
      List<AccountEvidence.Link> links,
      long requests,
      long lastSeen,
      Verdict ownVerdict,
      double peakScore,
      @Nullable IntConsumer newlyFlagged) {
    record(a, requests, lastSeen, ownVerdict, newlyFlagged);
    linker.observeFound(a, account, timeMillis, inputTokens, outputTokens, evidence);
    for (AccountEvidence.Link l : links) {
      int b = index(l.with());
      if (b == count) {
        // linked before its own first request arrived here
        add();
        linker.known(b, l.with(), timeMillis);
      }
      linker.link(a, b, l.mask(), timeMillis);
    }
    afterLinking(a, timeMillis, ownVerdict, peakScore);
  }

  /** The readable label of evidence value {@code key}, for campaign indicators. */
  public void label(long key, String label) {
    linker.label(key, label);
  }

  private void afterLinking(int a, long timeMillis, Verdict ownVerdict, double peakScore) {
    boolean byCampaign = campaignFlaggedAfter[a] >= 0;
    linker.memberScore(a, peakScore, ownVerdict == Verdict.DISTILLATION && !byCampaign);
    linkTime = timeMillis;
    IntConsumer f = flagger;
    if (f == null) {
      f = i -> flagByCampaign(i, linkTime);
      flagger = f;
    }
    linker.review(a, timeMillis, f);
    if (verdictOrdinal(a) < Verdict.DISTILLATION.ordinal() && linker.confirmed(a)) {
      flagByCampaign(a, timeMillis);
    }
    listener = null;
  }

  private void flagByCampaign(int m, long timeMillis) {
    if (verdictOrdinal(m) < Verdict.DISTILLATION.ordinal() && requests[m] >= campaignMinRequests) {
      campaignFlaggedAfter[m] = requests[m];
      campaignFlaggedAt[m] = Math.max(timeMillis, lastSeen[m]);
      IntConsumer l = listener;
      if (l != null) {
        l.accept(m);
      }
    }
  }

  private int verdictOrdinal(int a) {
    return campaignFlaggedAfter[a] >= 0 ? Verdict.DISTILLATION.ordinal() : own[a];
  }

  /** Account {@code a}'s verdict: its own, or {@code distillation} if its campaign flagged it. */
  public Verdict verdict(int a) {
    return Verdict.ofOrdinal(verdictOrdinal(a));
  }

  /** Whether account {@code a} was flagged on its campaign's evidence (not its own). */
  public boolean flaggedByCampaign(int a) {
    return campaignFlaggedAfter[a] >= 0;
  }

  /** Requests account {@code a} had sent when its campaign flagged it, or -1. */
  public long campaignFlaggedAfter(int a) {
    return campaignFlaggedAfter[a];
  }

  /** When account {@code a}'s campaign flagged it, or {@link Exchange#NO_TIME}. */
  public long campaignFlaggedAt(int a) {
    return campaignFlaggedAt[a];
  }

  /** The id of account {@code a}'s campaign, or null. */
  public @Nullable String campaignId(int a) {
    return linker.campaignId(a);
  }

  /** The score of account {@code a}'s group (0 for an account linked to nobody). */
  public double campaignScore(int a) {
    return linker.campaignScore(a);
  }

  /** Whether account {@code a} belongs to a confirmed campaign. */
  public boolean campaignConfirmed(int a) {
    return linker.confirmed(a);
  }

  /** How many accounts are linked with account {@code a}, itself included. */
  public int groupSize(int a) {
    return linker.groupSize(a);
  }

  /** Every reportable campaign so far, in id order. */
  public List<Campaign> campaigns() {
    return linker.campaigns();
  }

  /** The reportable campaign account {@code a} belongs to, or null. */
  public @Nullable Campaign campaignOf(int a) {
    return linker.campaignOf(a);
  }

  /** Approximate bytes held. */
  public long bytes() {
    return linker.bytes() + (long) requests.length * 33;
  }

  Assessment assess(ScoringModel model, String name, AccountState s, int a) {
    boolean byCampaign = campaignFlaggedAfter[a] >= 0;
    return AccountDetector.assessment(
        model,
        name,
        s,
        byCampaign ? Verdict.DISTILLATION : Verdict.ofOrdinal(s.verdict),
        byCampaign ? campaignFlaggedAfter[a] : s.flaggedAfter,
        byCampaign ? campaignFlaggedAt[a] : s.flaggedAt,
        linker.campaignId(a),
        linker.campaignScore(a));
  }

  private void add() {
    if (count == requests.length) {
      int capacity = Math.max(1024, count * 2);
      requests = Arrays.copyOf(requests, capacity);
      lastSeen = Arrays.copyOf(lastSeen, capacity);
      own = Arrays.copyOf(own, capacity);
      campaignFlaggedAfter = Arrays.copyOf(campaignFlaggedAfter, capacity);
      campaignFlaggedAt = Arrays.copyOf(campaignFlaggedAt, capacity);
    }
    campaignFlaggedAfter[count] = -1;
    campaignFlaggedAt[count] = Exchange.NO_TIME;
    count++;
  }

  /** Version of the format {@link #write} writes. */
  static final int SNAPSHOT_VERSION = 1;

  private static final int MAGIC = 0x44474353; // "DGCS"

  /** The whole stage as bytes ({@link #write}), for a checkpoint; {@link #restore} reads them. */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The stage {@link #snapshot} wrote.
   *
   * @throws IllegalArgumentException if the bytes are not a snapshot of this version
   */
  public static CampaignStage restore(byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      CampaignStage s = read(in);
      if (in.read() != -1) {
        throw new IOException("bytes left after the snapshot");
      }
      return s;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a campaign stage snapshot: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the whole stage — account names, campaign flags, the linker with its configuration — in
   * a compact, versioned binary format (arrays in bulk, only the accounts in use: about 200 bytes
   * an account plus its evidence values). Call it between requests.
   */
  public void write(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeByte(SNAPSHOT_VERSION);
    int n = count;
    out.writeInt(n);
    Bulk.writeLongs(out, requests, n);
    Bulk.writeLongs(out, lastSeen, n);
    Bulk.writeBytes(out, own, n);
    Bulk.writeLongs(out, campaignFlaggedAfter, n);
    Bulk.writeLongs(out, campaignFlaggedAt, n);
    linker.write(out);
    List<String> l = byIndex;
    out.writeBoolean(l != null);
    if (l != null) {
      // Observed accounts' names are the linker's, written with it; only accounts indexed but
      // not observed yet, if any, are written here.
      out.writeInt(l.size());
      for (int i = n; i < l.size(); i++) {
        Bulk.writeString(out, l.get(i));
      }
    }
  }

  /**
   * The stage {@link #write} wrote; it behaves exactly like the one written.
   *
   * @throws IOException if the input ends early or is not a stage snapshot of this version
   */
  public static CampaignStage read(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          "not a campaign stage snapshot (magic " + Integer.toHexString(magic) + ")");
    }
    int version = in.readUnsignedByte();
    if (version != SNAPSHOT_VERSION) {
      throw new IOException(
          "campaign stage snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
    }
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative account count " + n);
    }
    int cap = n <= 1024 ? 1024 : Integer.highestOneBit(n - 1) << 1;
    long[] requests = Bulk.readLongs(in, n, cap);
    long[] lastSeen = Bulk.readLongs(in, n, cap);
    byte[] own = Bulk.readBytes(in, n, cap);
    long[] flaggedAfter = Bulk.readLongs(in, n, cap);
    long[] flaggedAt = Bulk.readLongs(in, n, cap);
    CampaignLinker linker = CampaignLinker.read(in);
    if (linker.accountCount() != n) {
      throw new IOException(
          "the stage has " + n + " accounts, its linker " + linker.accountCount());
    }
    Map<String, Integer> names = null;
    List<String> byIndex = null;
    if (in.readBoolean()) {
      int k = in.readInt();
      if (k < n) {
        throw new IOException(k + " named accounts, fewer than the " + n + " observed");
      }
      names = new HashMap<>(Math.max(16, (int) (k / 0.75f) + 1));
      byIndex = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        // the same String instance as the linker's: one copy of each name on the heap
        String name = i < n ? linker.accountName(i) : Bulk.readString(in);
        if (name == null) {
          throw new IOException("account " + i + " has no name");
        }
        names.put(name, i);
        byIndex.add(name);
      }
    }
    CampaignStage s = new CampaignStage(linker, names, byIndex);
    s.count = n;
    s.requests = requests;
    s.lastSeen = lastSeen;
    s.own = own;
    s.campaignFlaggedAfter = flaggedAfter;
    s.campaignFlaggedAt = flaggedAt;
    return s;
  }
}
