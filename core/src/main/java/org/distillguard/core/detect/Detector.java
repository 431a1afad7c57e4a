package org.distillguard.core.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/**
 * The streaming per-account detector.
 *
 * <p>After each request the account's signals are scored; once the account has sent {@link
 * DetectorConfig#minRequests()} requests, a score at or above the thresholds makes it {@code
 * suspicious} or {@code distillation}. Verdicts only go up within a run, and {@code flaggedAfter}
 * records the request count at which {@code distillation} was first reached. Nothing here looks
 * ahead: the state after an account's k-th request is a function of its first k requests (and, for
 * model release dates, of earlier requests of other accounts).
 *
 * <p>Not thread-safe: one thread feeds one detector. {@link #observe(Exchange)} analyses the text
 * on the calling thread; pipelines that parse on other threads build {@link Observation}s there and
 * call {@link #observe(Observation)}.
 */
public final class Detector {
  private final DetectorConfig config;
  private final ScoringModel model;
  private final PromptAnalyzer analyzer;
  private final Map<String, AccountState> accounts = new HashMap<>();
  private final Map<String, Long> modelFirstSeen = new HashMap<>();
  private final float[] scratch = new float[Signal.COUNT];
  private double lastScore;
  private long lastRequests;

  public Detector(DetectorConfig config, ScoringModel model, PromptAnalyzer analyzer) {
    this.config = config;
    this.model = model;
    this.analyzer = analyzer;
  }

  /** A detector with the default configuration and the shipped models. */
  public static Detector standard() {
    return new Detector(
        DetectorConfig.defaults(), ScoringModel.shipped(), PromptAnalyzer.standard());
  }

  /** Analyses {@code e} and updates its account; returns the account's verdict after it. */
  public Verdict observe(Exchange e) {
    return observe(Observation.of(e, analyzer));
  }

  /** Updates the account of {@code o}; returns the account's verdict after it. */
  public Verdict observe(Observation o) {
    AccountState s = accounts.get(o.account());
    if (s == null) {
      s = new AccountState();
      accounts.put(o.account(), s);
    }
    s.update(o, modelAge(o));
    s.signals(scratch);
    double score = model.score(scratch);
    lastScore = score;
    lastRequests = s.requests;
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
    return Verdict.ofOrdinal(s.verdict);
  }

  /** The score computed by the latest {@link #observe} call (not the peak). */
  public double lastScore() {
    return lastScore;
  }

  /** The request count of the account of the latest {@link #observe} call, that call included. */
  public long lastRequests() {
    return lastRequests;
  }

  /** The account's current assessment, or null if it was never seen. */
  public @Nullable Assessment assessment(String account) {
    AccountState s = accounts.get(account);
    return s == null ? null : toAssessment(account, s);
  }

  /** Every account seen, in no particular order. */
  public List<Assessment> assessments() {
    List<Assessment> out = new ArrayList<>(accounts.size());
    accounts.forEach((k, v) -> out.add(toAssessment(k, v)));
    return out;
  }

  /** The current value of every signal of an account, by {@link Signal#ordinal()}. */
  public float @Nullable [] signals(String account) {
    AccountState s = accounts.get(account);
    if (s == null) {
      return null;
    }
    float[] out = new float[Signal.COUNT];
    s.signals(out);
    return out;
  }

  public int accountCount() {
    return accounts.size();
  }

  public DetectorConfig config() {
    return config;
  }

  public PromptAnalyzer analyzer() {
    return analyzer;
  }

  private long modelAge(Observation o) {
    String m = o.model();
    if (m == null) {
      return Long.MAX_VALUE;
    }
    Long released = config.modelReleases().get(m);
    if (released == null) {
      released = modelFirstSeen.computeIfAbsent(m, k -> o.timeMillis());
    }
    return Math.max(0, o.timeMillis() - released);
  }

  private Assessment toAssessment(String account, AccountState s) {
    float[] signals = s.peakSignals;
    if (signals == null) {
      signals = new float[Signal.COUNT];
      s.signals(signals);
    }
    double score = s.peakSignals == null ? model.score(signals) : s.peakScore;
    return new Assessment(
        account,
        Verdict.ofOrdinal(s.verdict),
        Math.round(score * 10_000) / 10_000.0,
        s.requests,
        s.flaggedAfter,
        s.flaggedAt,
        s.firstSeen,
        s.lastSeen,
        model.reasons(signals));
  }
}
