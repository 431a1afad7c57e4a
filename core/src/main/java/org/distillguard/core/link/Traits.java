package org.distillguard.core.link;

import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * What campaign linking needs of one exchange: references to fields the exchange already holds, so
 * building it costs nothing on the parsing threads. The linker derives keys (address prefixes,
 * client fingerprints, templates) from them only for the few requests it samples.
 *
 * @param paymentFp the account's payment fingerprint, or null
 * @param emailDomain the account's email domain, or null
 * @param createdMillis the account's creation time, or {@link Exchange#NO_TIME}
 * @param ip the client address as logged, or null
 * @param userAgent the client's user agent, or null
 * @param endpoint the endpoint called, or null
 * @param params the request parameters (part of the client fingerprint)
 * @param system hash of the system prompt, 0 when there is none
 * @param prompt the request's last user prompt (templates are learned from its ends)
 */
public record Traits(
    @Nullable String paymentFp,
    @Nullable String emailDomain,
    long createdMillis,
    @Nullable String ip,
    @Nullable String userAgent,
    @Nullable String endpoint,
    Params params,
    long system,
    String prompt,
    long inputTokens,
    long outputTokens) {

  /** Characters kept at each end of a prompt to learn an account's template from. */
  public static final int AFFIX_CHARS = 64;

  /**
   * The traits of {@code e}; {@code systemHash} is the text analysis' hash of its system prompt.
   */
  public static Traits of(Exchange e, long systemHash) {
    var meta = e.accountMeta();
    return new Traits(
        meta.paymentFp(),
        meta.emailDomain(),
        meta.createdMillis(),
        e.ip(),
        e.userAgent(),
        e.endpoint(),
        e.params(),
        systemHash,
        e.lastUserPrompt(),
        Math.max(0, e.usage().inputTokens()),
        Math.max(0, e.usage().outputTokens()) + Math.max(0, e.usage().reasoningTokens()));
  }

  /**
   * These traits with only what the linker reads of a request it does not sample ({@link
   * CampaignLinker#samples}): the account's creation time and the token counts.
   */
  public Traits slim() {
    return new Traits(
        null, null, createdMillis, null, null, null, Params.NONE, 0, "", inputTokens, outputTokens);
  }

  /** Traits with nothing to link on: for callers that have no exchange at hand. */
  public static Traits none() {
    return new Traits(null, null, Exchange.NO_TIME, null, null, null, Params.NONE, 0, "", 0, 0);
  }

  /** The first {@link #AFFIX_CHARS} characters of the prompt. */
  String head() {
    return prompt.length() <= AFFIX_CHARS ? prompt : prompt.substring(0, AFFIX_CHARS);
  }

  /** The last {@link #AFFIX_CHARS} characters of the prompt. */
  String tail() {
    int n = prompt.length();
    return n <= AFFIX_CHARS ? prompt : prompt.substring(n - AFFIX_CHARS);
  }

  /** Payment fingerprint, blank treated as absent. */
  @Nullable String payment() {
    return paymentFp == null || paymentFp.isBlank() ? null : paymentFp;
  }

  /** Email domain in lower case, blank treated as absent. */
  @Nullable String email() {
    return emailDomain == null || emailDomain.isBlank()
        ? null
        : emailDomain.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Fingerprint of the client and its fixed settings (user agent, endpoint, max_tokens,
   * temperature, top_p); 0 without a user agent.
   */
  long clientKey() {
    String ua = userAgent;
    if (ua == null || ua.isBlank()) {
      return 0;
    }
    Params p = params;
    long h = Hashing.hash(ua);
    h = Hashing.combine(h, endpoint == null ? 0 : Hashing.hash(endpoint));
    h = Hashing.combine(h, p.maxTokens() == null ? -1 : p.maxTokens());
    h = Hashing.combine(h, p.temperature() == null ? -1 : Double.doubleToLongBits(p.temperature()));
    h = Hashing.combine(h, p.topP() == null ? -1 : Double.doubleToLongBits(p.topP()));
    return h == 0 ? 1 : h;
  }
}
