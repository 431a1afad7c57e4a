package org.distillguard.mark;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Who gets marked, and with which key: the decision the gateway makes per answer, beside its other
 * "degrade" actions.
 *
 * <p>The most specific key wins: an account linked into a campaign under suspicion is marked with
 * the campaign's key (so every head of a hydra carries the same mark and a probe needs one key per
 * campaign), a flagged account outside any campaign with its own key, and, in {@link Mode#ALL},
 * everyone else with the member key. The same key draws the account's canaries. Markers are cached
 * per key; the policy is thread-safe.
 */
public final class MarkingPolicy {
  /** Who is marked. */
  public enum Mode {
    /** Nobody. */
    OFF,
    /** Only suspects: flagged accounts and members of suspected campaigns. */
    SUSPECTS,
    /** Everyone: suspects with their specific key, the rest with the member key. */
    ALL
  }

  private final MasterKey master;
  private final String member;
  private final Mode mode;
  private final Dictionary dictionary;
  private final ConcurrentHashMap<String, Marker> markers = new ConcurrentHashMap<>();

  private MarkingPolicy(MasterKey master, String member, Mode mode, Dictionary dictionary) {
    this.master = master;
    this.member = member;
    this.mode = mode;
    this.dictionary = dictionary;
  }

  /** A policy with the shipped dictionary. */
  public static MarkingPolicy of(MasterKey master, String member, Mode mode) {
    return new MarkingPolicy(master, member, mode, Dictionary.standard());
  }

  /**
   * The key an answer is marked with, or empty when it is not marked.
   *
   * @param account the billed account
   * @param suspectedCampaign the campaign the account is linked into, if that campaign is under
   *     suspicion; null otherwise
   * @param flagged whether the account itself is flagged
   */
  public Optional<MarkKey> keyFor(
      String account, @Nullable String suspectedCampaign, boolean flagged) {
    if (mode == Mode.OFF) {
      return Optional.empty();
    }
    if (suspectedCampaign != null) {
      return Optional.of(master.campaign(suspectedCampaign));
    }
    if (flagged) {
      return Optional.of(master.account(account));
    }
    return mode == Mode.ALL ? Optional.of(master.member(member)) : Optional.empty();
  }

  /** The marker for an answer, or empty when it is not marked (see {@link #keyFor}). */
  public Optional<Marker> markerFor(
      String account, @Nullable String suspectedCampaign, boolean flagged) {
    return keyFor(account, suspectedCampaign, flagged)
        .map(k -> markers.computeIfAbsent(k.label(), l -> Marker.of(dictionary, k)));
  }
}
