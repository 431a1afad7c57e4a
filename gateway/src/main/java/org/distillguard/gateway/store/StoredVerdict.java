package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * The latest verdict of an account, kept so that enforcement survives restarts.
 *
 * @param reasons the top reasons as a short text ({@code signal=value, ...})
 * @param ref the audit id of the decision, quoted to the customer when it leads to a refusal
 * @param campaign the campaign the account is linked to, or null
 */
public record StoredVerdict(
    String account,
    String verdict,
    double score,
    long requests,
    @Nullable Long flaggedAtMillis,
    String reasons,
    long updatedMillis,
    String ref,
    @Nullable String campaign,
    boolean campaignConfirmed) {}
