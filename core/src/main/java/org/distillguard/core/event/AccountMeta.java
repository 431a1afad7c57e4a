package org.distillguard.core.event;

import org.jspecify.annotations.Nullable;

/**
 * Enrichment a provider already has about the billed account.
 *
 * @param createdMillis when the account was created, epoch milliseconds, or {@link
 *     Exchange#NO_TIME}
 * @param paymentFp an opaque fingerprint of the payment instrument (never the instrument)
 * @param emailDomain the domain of the account's email address (never the address)
 * @param tier the provider's tier name
 * @param country ISO country code
 */
public record AccountMeta(
    long createdMillis,
    @Nullable String paymentFp,
    @Nullable String emailDomain,
    @Nullable String tier,
    @Nullable String country) {

  public static final AccountMeta NONE = new AccountMeta(Exchange.NO_TIME, null, null, null, null);

  public boolean hasCreated() {
    return createdMillis != Exchange.NO_TIME;
  }
}
