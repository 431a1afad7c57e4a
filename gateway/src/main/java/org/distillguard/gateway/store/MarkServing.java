package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * One answer served marked: which key marked it (label and public fingerprint, never the key), how
 * much, and the canary it carried. Hashes and ids only: no prompt or answer text is stored.
 *
 * @param id unique id of the serving
 * @param atMillis when the answer ended
 * @param campaign the campaign whose key marked it, or null
 * @param keyLabel the marking key, e.g. {@code campaign:c-17}
 * @param keyFingerprint {@code MarkKey.fingerprint()}
 * @param endpoint the API endpoint id
 * @param promptHash {@code Canaries.promptHash} of the prompt
 * @param canaryHash {@code Canaries.hash} of the canary served, or null when none was
 * @param words plain words of answer text seen
 * @param units eligible (pair, context) occurrences marked
 * @param changed words the mark changed
 * @param upstreamWatermark the inference server switch forced on ({@code none} when none)
 */
public record MarkServing(
    String id,
    long atMillis,
    String account,
    @Nullable String campaign,
    String keyLabel,
    String keyFingerprint,
    String endpoint,
    String promptHash,
    @Nullable String canaryHash,
    long words,
    long units,
    long changed,
    String upstreamWatermark) {}
