package org.distillguard.core.detect;

import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Traits;
import org.distillguard.core.text.Hashing;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;
import org.jspecify.annotations.Nullable;

/**
 * What the detector needs of one exchange: a few fields and the {@link PromptFeatures} of its text.
 * Building it is stateless and can run on any thread; updating account state with it cannot.
 *
 * @param maxTokens requested output cap, or -1
 * @param temperature requested temperature, or NaN
 * @param n samples requested (1 when absent)
 * @param outputTokens reported output tokens, or -1
 * @param createdMillis account creation time from the enrichment, or {@link Exchange#NO_TIME}
 * @param traits what campaign linking compares across accounts
 * @param idHash 64-bit hash of the exchange id ({@link Hashing#hash}): lets a stream processor
 *     recognise an exchange delivered twice (a gateway re-sends what Kafka had not acknowledged
 *     when it restarted) without carrying the id itself
 */
public record Observation(
    String account,
    long timeMillis,
    @Nullable String model,
    boolean conversation,
    int userTurns,
    int maxTokens,
    float temperature,
    int n,
    boolean logprobs,
    boolean highEffort,
    long outputTokens,
    long createdMillis,
    PromptFeatures text,
    Traits traits,
    long idHash) {

  public static Observation of(Exchange e, PromptAnalyzer analyzer) {
    return of(e, analyzer.analyze(e));
  }

  /**
   * The observation of {@code e} whose text features are {@code text}. A pipeline that parses on
   * one thread and analyses text on another passes features holding only the system prompt's hash
   * ({@link PromptAnalyzer#systemHash}) here, then the analysed ones to {@link #withText}; the
   * prompt to analyse travels in {@link Traits#prompt()}.
   */
  public static Observation of(Exchange e, PromptFeatures text) {
    Params p = e.params();
    String effort = p.reasoningEffort();
    return new Observation(
        e.account(),
        e.timeMillis(),
        e.model(),
        e.conversation() != null,
        e.userTurns(),
        p.maxTokens() == null ? -1 : p.maxTokens(),
        p.temperature() == null ? Float.NaN : p.temperature().floatValue(),
        p.n() == null ? 1 : Math.max(1, p.n()),
        Boolean.TRUE.equals(p.logprobs()) || p.topLogprobs() != null,
        "high".equals(effort) || "xhigh".equals(effort) || "max".equals(effort),
        e.usage().outputTokens() + Math.max(0, e.usage().reasoningTokens()),
        e.accountMeta().createdMillis(),
        text,
        Traits.of(e, text.system()),
        Hashing.hash(e.id()));
  }

  /** This observation with {@code features} as its text features. */
  public Observation withText(PromptFeatures features) {
    return new Observation(
        account,
        timeMillis,
        model,
        conversation,
        userTurns,
        maxTokens,
        temperature,
        n,
        logprobs,
        highEffort,
        outputTokens,
        createdMillis,
        features,
        traits,
        idHash);
  }
}
