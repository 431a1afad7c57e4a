package org.distillguard.core.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.Campaign;
import org.distillguard.core.link.CampaignLinker;
import org.distillguard.core.link.LinkerConfig;
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
  private final List<AccountState> byIndex = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<String> raised = new ArrayList<>();
  private final @Nullable CampaignLinker linker;
  private final Map<String, Long> modelFirstSeen = new HashMap<>();
  private final float[] scratch = new float[Signal.COUNT];
  private double lastScore;
  private long linkTime; // the time of the request being linked, for flagger
  private final IntConsumer flagger = i -> flagByCampaign(byIndex.get(i), linkTime);
  private long lastRequests;

  /** A detector that judges accounts one by one, without campaign linking. */
  public Detector(DetectorConfig config, ScoringModel model, PromptAnalyzer analyzer) {
    this(config, model, analyzer, null);
  }

  /**
   * A detector that also links accounts into campaigns when {@code linking} is not null: a
   * confirmed campaign's members are flagged on its evidence (see {@link CampaignLinker}).
   */
  public Detector(
      DetectorConfig config,
      ScoringModel model,
      PromptAnalyzer analyzer,
      @Nullable LinkerConfig linking) {
    this.config = config;
    this.model = model;
    this.analyzer = analyzer;
    this.linker =
        linking == null
            ? null
            : new CampaignLinker(linking, config.suspiciousAt(), config.distillationAt());
  }

  /** A detector with the default configuration, the shipped models and campaign linking. */
  public static Detector standard() {
    return new Detector(
        DetectorConfig.defaults(),
        ScoringModel.shipped(),
        PromptAnalyzer.standard(),
        LinkerConfig.defaults());
  }

  /** Analyses {@code e} and updates its account; returns the account's verdict after it. */
  public Verdict observe(Exchange e) {
    return observe(Observation.of(e, analyzer));
  }

  /** Updates the account of {@code o}; returns the account's verdict after it. */
  public Verdict observe(Observation o) {
    raised.clear();
    AccountState s = accounts.get(o.account());
    if (s == null) {
      s = new AccountState(byIndex.size());
      accounts.put(o.account(), s);
      byIndex.add(s);
      names.add(o.account());
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
    if (linker != null) {
      link(linker, s, o);
    }
    return Verdict.ofOrdinal(s.verdict);
  }

  /**
   * Campaign linking after the account's own update: the linker learns the request and the
   * account's own standing, then every account its campaign's evidence now condemns is flagged —
   * this one if it sent enough requests, and, when a campaign was just confirmed or grew, the
   * members that had not been flagged yet (at the request count they had then: no look-ahead).
   */
  private void link(CampaignLinker l, AccountState s, Observation o) {
    long t = o.timeMillis();
    l.observe(s.index, o.account(), t, o.traits());
    l.memberScore(
        s.index, s.peakScore, s.verdict == Verdict.DISTILLATION.ordinal() && !s.flaggedByCampaign);
    linkTime = t;
    l.review(s.index, t, flagger);
    if (s.verdict < Verdict.DISTILLATION.ordinal() && l.confirmed(s.index)) {
      flagByCampaign(s, t);
    }
  }

  private void flagByCampaign(AccountState m, long timeMillis) {
    if (m.verdict < Verdict.DISTILLATION.ordinal()
        && m.requests >= Objects.requireNonNull(linker).config().campaignMinRequests()) {
      m.verdict = (byte) Verdict.DISTILLATION.ordinal();
      m.flaggedByCampaign = true;
      m.flaggedAfter = m.requests;
      m.flaggedAt = Math.max(timeMillis, m.lastSeen);
      raised.add(names.get(m.index));
    }
  }

  /**
   * The accounts flagged on their campaign's evidence by the latest {@link #observe} call, in the
   * order they were flagged: when a campaign is confirmed, members that sent nothing in this
   * request are flagged too, and an inline enforcer must learn of them now. Empty without linking.
   * The list is reused by the next call.
   */
  public List<String> raisedByCampaign() {
    return java.util.Collections.unmodifiableList(raised);
  }

  /** Every reportable campaign so far, in id order; empty without linking. */
  public List<Campaign> campaigns() {
    return linker == null ? List.of() : linker.campaigns();
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

  private static double logit(double p) {
    double q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    return Math.log(q / (1 - q));
  }

  private Assessment toAssessment(String account, AccountState s) {
    float[] signals = s.peakSignals;
    if (signals == null) {
      signals = new float[Signal.COUNT];
      s.signals(signals);
    }
    double score = s.peakSignals == null ? model.score(signals) : s.peakScore;
    List<Reason> reasons = model.reasons(signals);
    String campaign = null;
    if (linker != null) {
      campaign = linker.campaignId(s.index);
      double cs = linker.campaignScore(s.index);
      if (campaign != null && cs > score) {
        // The campaign's evidence is what stands against the account: it leads the reasons, with
        // what it adds to the account's own log-odds.
        List<Reason> withCampaign = new ArrayList<>(reasons.size() + 1);
        withCampaign.add(
            new Reason(
                "campaign",
                Math.round(cs * 10_000) / 10_000.0,
                Math.round((logit(cs) - logit(score)) * 10_000) / 10_000.0));
        withCampaign.addAll(reasons);
        reasons = withCampaign;
        score = cs;
      }
    }
    return new Assessment(
        account,
        Verdict.ofOrdinal(s.verdict),
        Math.round(score * 10_000) / 10_000.0,
        s.requests,
        s.flaggedAfter,
        s.flaggedAt,
        s.firstSeen,
        s.lastSeen,
        reasons,
        campaign);
  }
}
