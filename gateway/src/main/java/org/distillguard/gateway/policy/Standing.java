package org.distillguard.gateway.policy;

import org.distillguard.core.detect.Verdict;
import org.jspecify.annotations.Nullable;

/**
 * What the detector currently holds against an account, as the policy reads it.
 *
 * @param ref the audit reference of the decision that produced this standing
 * @param campaign the campaign the account is linked to, or null (campaign linking plugs in here)
 * @param campaignConfirmed whether that campaign is confirmed
 */
public record Standing(
    String account,
    Verdict verdict,
    double score,
    String ref,
    @Nullable String campaign,
    boolean campaignConfirmed) {}
