package org.distillguard.core.link;

import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.distillguard.core.text.Hashing;
import org.jspecify.annotations.Nullable;

/**
 * What campaign linking needs of one exchange. Building it is stateless and can run on any thread
 * (the analyze pipeline builds it beside the text analysis, on the parsing workers).
 *
 * @param paymentFp the account's payment fingerprint, or null
 * @param emailDomain the account's email domain, lower case, or null
 * @param createdMillis the account's creation time, or {@link Exchange#NO_TIME}
 * @param ip the client address as logged, or null
 * @param ipKey key of the address's /24 (IPv4) or /64 (IPv6), 0 if there is no usable address
 * @param ipWideKey key of the /48 of an IPv6 address, else 0
 * @param userAgent the client's user agent, or null
 * @param clientKey fingerprint of the client and its fixed settings (user agent, endpoint,
 *     max_tokens, temperature, top_p); 0 without a user agent
 * @param system hash of the system prompt, 0 when there is none
 * @param head the first {@link #AFFIX_CHARS} characters of the request's last user prompt
 * @param tail the last {@link #AFFIX_CHARS} characters of that prompt
 */
public record Traits(
    @Nullable String paymentFp,
    @Nullable String emailDomain,
    long createdMillis,
    @Nullable String ip,
    long ipKey,
    long ipWideKey,
    @Nullable String userAgent,
    long clientKey,
    long system,
    String head,
    String tail,
    long inputTokens,
    long outputTokens) {

  /** Characters kept at each end of a prompt to learn an account's template from. */
  public static final int AFFIX_CHARS = 64;

  /**
   * The traits of {@code e}; {@code systemHash} is the text analysis' hash of its system prompt.
   */
  public static Traits of(Exchange e, long systemHash) {
    String prompt = e.lastUserPrompt();
    int n = prompt.length();
    String head = n <= AFFIX_CHARS ? prompt : prompt.substring(0, AFFIX_CHARS);
    String tail = n <= AFFIX_CHARS ? prompt : prompt.substring(n - AFFIX_CHARS);
    var meta = e.accountMeta();
    String ua = e.userAgent();
    String email = meta.emailDomain();
    return new Traits(
        blankToNull(meta.paymentFp()),
        email == null || email.isBlank() ? null : email.toLowerCase(java.util.Locale.ROOT),
        meta.createdMillis(),
        e.ip(),
        IpPrefix.primary(e.ip()),
        IpPrefix.wide(e.ip()),
        ua,
        ua == null || ua.isBlank() ? 0 : clientKey(ua, e.endpoint(), e.params()),
        systemHash,
        head,
        tail,
        Math.max(0, e.usage().inputTokens()),
        Math.max(0, e.usage().outputTokens()) + Math.max(0, e.usage().reasoningTokens()));
  }

  /** Traits with nothing to link on: for callers that have no exchange at hand. */
  public static Traits none() {
    return new Traits(null, null, Exchange.NO_TIME, null, 0, 0, null, 0, 0, "", "", 0, 0);
  }

  private static long clientKey(String ua, @Nullable String endpoint, Params p) {
    long h = Hashing.hash(ua);
    h = Hashing.combine(h, endpoint == null ? 0 : Hashing.hash(endpoint));
    h = Hashing.combine(h, p.maxTokens() == null ? -1 : p.maxTokens());
    h = Hashing.combine(h, p.temperature() == null ? -1 : Double.doubleToLongBits(p.temperature()));
    h = Hashing.combine(h, p.topP() == null ? -1 : Double.doubleToLongBits(p.topP()));
    return h == 0 ? 1 : h;
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
