package org.distillguard.core.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private final @Nullable CampaignStage linking;
  private final List<String> names = new ArrayList<>();
  private final List<String> raised = new ArrayList<>();
  private final IntConsumer raiser = i -> raised.add(names.get(i));
  private final ModelAges modelAges;
  private final float[] scratch = new float[Signal.COUNT];
  private double lastScore;
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
    this.modelAges = new ModelAges(config);
    this.linking = linking == null ? null : new CampaignStage(config, linking, false);
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

  /**
   * Updates the account of {@code o}; returns the account's verdict after it.
   *
   * <p>The account's own half ({@link AccountDetector}'s code) runs first; then campaign linking
   * ({@link CampaignStage}): the linker learns the request and the account's own standing, then
   * every account its campaign's evidence now condemns is flagged — this one if it sent enough
   * requests, and, when a campaign was just confirmed or grew, the members that had not been
   * flagged yet (at the request count they had then: no look-ahead).
   */
  public Verdict observe(Observation o) {
    raised.clear();
    AccountState s = accounts.get(o.account());
    if (s == null) {
      s = new AccountState(accounts.size());
      accounts.put(o.account(), s);
      names.add(o.account());
    }
    lastScore =
        AccountDetector.judge(
            s, o, modelAges.age(o.model(), o.timeMillis()), model, config, scratch);
    lastRequests = s.requests;
    CampaignStage l = linking;
    if (l == null) {
      return Verdict.ofOrdinal(s.verdict);
    }
    l.observe(
        s.index,
        o.account(),
        o.timeMillis(),
        o.traits(),
        s.requests,
        s.lastSeen,
        Verdict.ofOrdinal(s.verdict),
        s.peakScore,
        raiser);
    return l.verdict(s.index);
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

  /** Whether the account belongs to a confirmed campaign (false without linking or if unseen). */
  public boolean inConfirmedCampaign(String account) {
    AccountState s = accounts.get(account);
    CampaignStage l = linking;
    return s != null && l != null && l.campaignConfirmed(s.index);
  }

  /** Every reportable campaign so far, in id order; empty without linking. */
  public List<Campaign> campaigns() {
    return linking == null ? List.of() : linking.campaigns();
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

  private Assessment toAssessment(String account, AccountState s) {
    CampaignStage l = linking;
    return l == null
        ? AccountDetector.assessment(
            model, account, s, Verdict.ofOrdinal(s.verdict), s.flaggedAfter, s.flaggedAt, null, 0)
        : l.assess(model, account, s, s.index);
  }
}
