package org.distillguard.flink;

import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.CampaignLinker;
import org.distillguard.core.link.Traits;
import org.jspecify.annotations.Nullable;

/**
 * What the per-account stage tells the campaign stage about one request of an account: the
 * account's own standing after it and what linking compares across accounts. Travels between the
 * two stages through {@link UpdateSerializer}.
 *
 * <p>The traits carry only what {@link CampaignLinker} reads ({@link #linkTraits}). A {@code FINAL}
 * update is sent once per account when a bounded input ends; it carries no request.
 *
 * @param linking for linking keyed by evidence (see {@link Linking}), else null
 * @param snapshot the account's state after the request ({@link
 *     org.distillguard.core.detect.AccountDetector#snapshot}), when the campaign stage should write
 *     the account's verdict line; null otherwise
 */
record Update(
    boolean fin,
    String account,
    long timeMillis,
    long requests,
    long lastSeen,
    Verdict own,
    double peakScore,
    @Nullable Traits traits,
    byte @Nullable [] snapshot,
    @Nullable Linking linking) {

  /** An update of the single campaign stage (no linking by evidence). */
  Update(
      boolean fin,
      String account,
      long timeMillis,
      long requests,
      long lastSeen,
      Verdict own,
      double peakScore,
      @Nullable Traits traits,
      byte @Nullable [] snapshot) {
    this(fin, account, timeMillis, requests, lastSeen, own, peakScore, traits, snapshot, null);
  }

  /** This update with {@code l} for linking. */
  Update withLinking(Linking l) {
    return new Update(
        fin, account, timeMillis, requests, lastSeen, own, peakScore, traits, snapshot, l);
  }

  static final SerializerTypeInfo<Update> TYPE =
      new SerializerTypeInfo<>(Update.class, () -> UpdateSerializer.INSTANCE);

  /**
   * What the linker reads of the traits of an account's {@code requests}-th request: for the
   * requests it samples, the prompt cut to its first and last {@link Traits#AFFIX_CHARS} characters
   * and the parameters to those of the client fingerprint; for the others ({@link
   * CampaignLinker#samples}: all but the first 8 and every 16th) only the token counts and the
   * creation time ({@link Traits#slim}).
   */
  static Traits linkTraits(Traits t, long requests) {
    if (!CampaignLinker.samples(requests)) {
      return t.slim();
    }
    Params p = t.params();
    return new Traits(
        t.paymentFp(),
        t.emailDomain(),
        t.createdMillis(),
        t.ip(),
        t.userAgent(),
        t.endpoint(),
        Params.NONE
            .withMaxTokens(p.maxTokens())
            .withTemperature(p.temperature())
            .withTopP(p.topP()),
        t.system(),
        affixes(t.prompt()),
        t.inputTokens(),
        t.outputTokens());
  }

  /** The prompt's first and last {@link Traits#AFFIX_CHARS} characters: all linking reads. */
  static String affixes(String prompt) {
    int n = Traits.AFFIX_CHARS;
    return prompt.length() <= 2 * n
        ? prompt
        : prompt.substring(0, n) + prompt.substring(prompt.length() - n);
  }
}
