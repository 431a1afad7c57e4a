package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * A billed account and its limit overrides.
 *
 * @param rpm requests per minute override, or null for the default
 * @param tpm tokens per minute override, or null
 * @param concurrency concurrent requests override, or null
 * @param paymentFp the provider's own opaque fingerprint of the account's payment instrument (never
 *     the instrument), or null; matched against the consortium's keyed fingerprints
 * @param emailDomain the domain of the account's e-mail address, or null
 */
public record Account(
    String id,
    @Nullable String org,
    long createdMillis,
    @Nullable Integer rpm,
    @Nullable Long tpm,
    @Nullable Integer concurrency,
    @Nullable String note,
    @Nullable String paymentFp,
    @Nullable String emailDomain) {

  /** An account without payment or e-mail enrichment. */
  public Account(
      String id,
      @Nullable String org,
      long createdMillis,
      @Nullable Integer rpm,
      @Nullable Long tpm,
      @Nullable Integer concurrency,
      @Nullable String note) {
    this(id, org, createdMillis, rpm, tpm, concurrency, note, null, null);
  }
}
