package org.distillguard.core.detect;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The per-account half of the {@link Detector}, for runtimes that keep every account's state
 * themselves — a Flink job keeps it in keyed state, one serialized {@link Account} per key — and
 * link accounts into campaigns in a separate stage ({@link CampaignStage}).
 *
 * <p>It runs the very code the {@link Detector} runs: the same state update, scoring and verdict
 * rules, and the same assessment. {@link #snapshot} and {@link #restore} turn an account's state
 * into bytes and back; a restored account behaves exactly like the original on every later request
 * (about 650 bytes per account, whatever its volume).
 *
 * <p>Not thread-safe: one thread uses one instance (it keeps a scratch buffer); accounts themselves
 * are plain values that any thread may hold.
 */
public final class AccountDetector {
  private final DetectorConfig config;
  private final ScoringModel model;
  private final float[] scratch = new float[Signal.COUNT];
  private double lastScore;

  public AccountDetector(DetectorConfig config, ScoringModel model) {
    this.config = config;
    this.model = model;
  }

  /** The state of an account never seen. */
  public Account newAccount() {
    return new Account(new AccountState(0));
  }

  /**
   * Folds one request into {@code account}'s state and judges it; returns the account's own verdict
   * after it (its campaign's evidence is {@link CampaignStage}'s business).
   *
   * @param modelAgeMillis how long before the request its model was released, from {@link
   *     ModelAges#age}
   */
  public Verdict observe(Account account, Observation o, long modelAgeMillis) {
    AccountState s = account.state;
    lastScore = judge(s, o, modelAgeMillis, model, config, scratch);
    return Verdict.ofOrdinal(s.verdict);
  }

  /** The score computed by the latest {@link #observe} call (not the peak). */
  public double lastScore() {
    return lastScore;
  }

  /**
   * The account's assessment on its own evidence, or, when {@code stage} is given, with its
   * campaign's: exactly what {@link Detector#assessment} reports for the same events.
   *
   * @param index the account's index in {@code stage}
   */
  public Assessment assess(String name, Account account, @Nullable CampaignStage stage, int index) {
    AccountState s = account.state;
    if (stage == null) {
      return assessment(
          model, name, s, Verdict.ofOrdinal(s.verdict), s.flaggedAfter, s.flaggedAt, null, 0);
    }
    return stage.assess(model, name, s, index);
  }

  /** The account's state as bytes; {@link #restore} reads them back. */
  public static byte[] snapshot(Account account) {
    // A plain heap buffer: no stream, no lock per field (this runs on every event of a job).
    ByteBuffer out = ByteBuffer.allocate(AccountState.MAX_BYTES);
    account.state.write(out);
    return Arrays.copyOf(out.array(), out.position());
  }

  /**
   * The account {@link #snapshot} wrote.
   *
   * @throws IllegalArgumentException if the bytes are not a snapshot of this format version
   */
  public static Account restore(byte[] snapshot) {
    try {
      return new Account(AccountState.read(ByteBuffer.wrap(snapshot), 0));
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an account snapshot: " + e, e);
    }
  }

  /**
   * One account's detector state: volume, timing, templating, content and parameter averages, and
   * its own verdict. Opaque but for the few facts a runtime routes on.
   */
  public static final class Account {
    final AccountState state;

    Account(AccountState state) {
      this.state = state;
    }

    /** Requests seen. */
    public long requests() {
      return state.requests;
    }

    /**
     * The account's creation time as its first request gave it, or {@link
     * org.distillguard.core.event.Exchange#NO_TIME} if that request had none.
     */
    public long createdMillis() {
      return state.createdMillis;
    }

    /** Time of the first request, epoch milliseconds. */
    public long firstSeen() {
      return state.firstSeen;
    }

    /** Time of the latest request (the latest of its timestamps), epoch milliseconds. */
    public long lastSeen() {
      return state.lastSeen;
    }

    /** The account's own verdict. */
    public Verdict verdict() {
      return Verdict.ofOrdinal(state.verdict);
    }

    /** The highest score reached once the account could be judged. */
    public double peakScore() {
      return state.peakScore;
    }

    /** Requests seen when the account reached {@code distillation} on its own, or -1. */
    public long flaggedAfter() {
      return state.flaggedAfter;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shared with Detector: one implementation of judging and of assessments.

  /** Updates {@code s} with {@code o} and judges it; returns the score after the request. */
  static double judge(
      AccountState s,
      Observation o,
      long modelAgeMillis,
      ScoringModel model,
      DetectorConfig config,
      float[] scratch) {
    s.update(o, modelAgeMillis);
    s.signals(scratch);
    double score = model.score(scratch);
    // Before minRequests the account cannot be judged, so its score there is not its peak:
    // the reported score and reasons always describe a moment the verdict could act on.
    if (s.requests >= config.minRequests()) {
      if (score > s.peakScore) {
        s.peakScore = (float) score;
        if (score >= config.suspiciousAt()) {
          s.peakSignals = scratch.clone();
        }
      }
      Verdict now =
          score >= config.distillationAt()
              ? Verdict.DISTILLATION
              : score >= config.suspiciousAt() ? Verdict.SUSPICIOUS : Verdict.BENIGN;
      if (now.ordinal() > s.verdict) {
        s.verdict = (byte) now.ordinal();
        if (now == Verdict.DISTILLATION) {
          s.flaggedAfter = s.requests;
          s.flaggedAt = o.timeMillis();
        }
      }
    }
    return score;
  }

  private static double logit(double p) {
    double q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    return Math.log(q / (1 - q));
  }

  /**
   * The assessment of an account whose combined standing is {@code verdict}, {@code flaggedAfter}
   * and {@code flaggedAt}; a campaign whose score beats the account's own leads its reasons.
   */
  static Assessment assessment(
      ScoringModel model,
      String account,
      AccountState s,
      Verdict verdict,
      long flaggedAfter,
      long flaggedAt,
      @Nullable String campaign,
      double campaignScore) {
    float[] signals = s.peakSignals;
    if (signals == null) {
      signals = new float[Signal.COUNT];
      s.signals(signals);
    }
    double score = s.peakSignals == null ? model.score(signals) : s.peakScore;
    List<Reason> reasons = model.reasons(signals);
    if (campaign != null && campaignScore > score) {
      // The campaign's evidence is what stands against the account: it leads the reasons, with
      // what it adds to the account's own log-odds.
      List<Reason> withCampaign = new ArrayList<>(reasons.size() + 1);
      withCampaign.add(
          new Reason(
              "campaign",
              Math.round(campaignScore * 10_000) / 10_000.0,
              Math.round((logit(campaignScore) - logit(score)) * 10_000) / 10_000.0));
      withCampaign.addAll(reasons);
      reasons = withCampaign;
      score = campaignScore;
    }
    return new Assessment(
        account,
        verdict,
        Math.round(score * 10_000) / 10_000.0,
        s.requests,
        flaggedAfter,
        flaggedAt,
        s.firstSeen,
        s.lastSeen,
        reasons,
        campaign);
  }
}
