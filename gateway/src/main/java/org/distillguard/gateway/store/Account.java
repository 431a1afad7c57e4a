package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * A billed account and its limit overrides.
 *
 * @param rpm requests per minute override, or null for the default
 * @param tpm tokens per minute override, or null
 * @param concurrency concurrent requests override, or null
 */
public record Account(
    String id,
    @Nullable String org,
    long createdMillis,
    @Nullable Integer rpm,
    @Nullable Long tpm,
    @Nullable Integer concurrency,
    @Nullable String note) {}
