package org.distillguard.mark.canary;

import org.jspecify.annotations.Nullable;

/**
 * One canary served: hashes and ids only, never the prompt or the answer.
 *
 * @param time when it was served (RFC 3339)
 * @param account the account it was served to
 * @param campaign the campaign whose key drew it, or null if it was the account's key
 * @param canaryHash {@link Canaries#hash} of the value
 * @param promptHash {@link Canaries#promptHash} of the prompt
 */
public record Serving(
    String time, String account, @Nullable String campaign, String canaryHash, String promptHash) {}
