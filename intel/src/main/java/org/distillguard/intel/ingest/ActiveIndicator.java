package org.distillguard.intel.ingest;

import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.stix.Tlp;
import org.jspecify.annotations.Nullable;

/**
 * An imported indicator as the gateway applies it.
 *
 * @param id STIX id of the indicator
 * @param peer the publishing member's name
 * @param kind {@code ip_prefix}, {@code payment_fp}, … (DistillGuard extension; {@code other})
 * @param match what it matches; null if the pattern is not enforceable (watch only)
 * @param action what policy decided
 * @param confidence effective confidence (after confirmations and decay)
 * @param validUntil epoch millis ({@link Long#MAX_VALUE} if open-ended)
 */
public record ActiveIndicator(
    String id,
    String peer,
    String kind,
    @Nullable Match match,
    @Nullable Tlp tlp,
    Action action,
    int confidence,
    long validUntil) {}
