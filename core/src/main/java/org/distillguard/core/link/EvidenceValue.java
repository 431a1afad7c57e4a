package org.distillguard.core.link;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.state.Bulk;
import org.jspecify.annotations.Nullable;

/**
 * One evidence value's entry, for runtimes that key linking by evidence value: what the {@link
 * CampaignLinker}'s value table keeps per value — how many accounts hold it, how many of those are
 * established, the last {@value #RING} accounts that took it up and, once two accounts share it, a
 * readable label — with each recent holder's {@link AccountEvidence}, since the accounts' evidence
 * lives elsewhere. The same rules as the linker's: a newcomer is compared with the recent holders
 * (in ring order) unless the value is worth too little ({@link AccountEvidence#bringsCandidates}),
 * then entered.
 */
public final class EvidenceValue {

  /** Recent accounts remembered per value (as in the linker). */
  public static final int RING = ValueTable.RING;

  private int accounts;
  private int established;
  private @Nullable String label;
  private final @Nullable String[] holders = new String[RING];
  private final @Nullable AccountEvidence[] evidence = new AccountEvidence[RING];
  private int next;

  /** A recent holder of the value and its evidence when it last told this value. */
  public record Holder(String account, AccountEvidence evidence) {}

  /**
   * What a claim found.
   *
   * @param established established holders before the claim (the value's rarity for the claim's
   *     comparisons, as in the linker, which compares before it enters)
   * @param candidates the recent holders to compare the claimant with, in ring order
   * @param newLabel the label the value got with this claim (its second holder), or null
   */
  public record Claimed(int established, List<Holder> candidates, @Nullable String newLabel) {}

  /** Accounts that took the value up. */
  public int accounts() {
    return accounts;
  }

  /** Established (not young) accounts that took the value up. */
  public int established() {
    return established;
  }

  public @Nullable String label() {
    return label;
  }

  /**
   * Account {@code account} takes the value up: returns its candidates, then enters it as the most
   * recent holder.
   *
   * @param kind the value's kind
   * @param ev the account's evidence ({@link AccountEvidence#linkingCopy}), kept for later
   *     newcomers' comparisons
   * @param valueLabel the readable value, kept once a second account holds it
   */
  public Claimed claim(
      Evidence kind, String account, AccountEvidence ev, @Nullable String valueLabel) {
    int before = established;
    List<Holder> candidates = new ArrayList<>(RING);
    if (AccountEvidence.bringsCandidates(kind, before)) {
      for (int i = 0; i < RING; i++) {
        String h = holders[i];
        AccountEvidence e = evidence[i];
        if (h != null && e != null && !h.equals(account)) {
          candidates.add(new Holder(h, e));
        }
      }
    }
    accounts++;
    if (!ev.young()) {
      established++;
    }
    holders[next] = account;
    evidence[next] = ev;
    next = (next + 1) % RING;
    String newLabel = null;
    if (accounts == 2 && label == null && valueLabel != null) {
      label = valueLabel;
      newLabel = valueLabel;
    }
    return new Claimed(before, candidates, newLabel);
  }

  /**
   * Account {@code account}, which holds the value already, tells its evidence again (it took up
   * other values since): later newcomers are compared with what it holds now.
   */
  public void refresh(String account, AccountEvidence ev) {
    for (int i = 0; i < RING; i++) {
      if (account.equals(holders[i])) {
        evidence[i] = ev;
      }
    }
  }

  /** Writes the entry. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(accounts);
    out.writeInt(established);
    Bulk.writeString(out, label);
    out.writeByte(next);
    for (int i = 0; i < RING; i++) {
      String h = holders[i];
      AccountEvidence e = evidence[i];
      out.writeBoolean(h != null && e != null);
      if (h != null && e != null) {
        Bulk.writeString(out, h);
        e.write(out);
      }
    }
  }

  /** The entry {@link #write} wrote. */
  public static EvidenceValue read(DataInput in) throws IOException {
    EvidenceValue v = new EvidenceValue();
    v.accounts = in.readInt();
    v.established = in.readInt();
    v.label = Bulk.readString(in);
    v.next = in.readUnsignedByte();
    if (v.next >= RING) {
      throw new IOException("not an evidence value: ring position " + v.next);
    }
    for (int i = 0; i < RING; i++) {
      if (in.readBoolean()) {
        v.holders[i] = Bulk.readString(in);
        v.evidence[i] = AccountEvidence.read(in);
      }
    }
    return v;
  }

  /** A copy sharing the (immutable once shipped) holders' evidence. */
  public EvidenceValue copy() {
    EvidenceValue v = new EvidenceValue();
    v.accounts = accounts;
    v.established = established;
    v.label = label;
    v.next = next;
    System.arraycopy(holders, 0, v.holders, 0, RING);
    System.arraycopy(evidence, 0, v.evidence, 0, RING);
    return v;
  }
}
