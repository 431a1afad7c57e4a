package org.distillguard.core.event;

import org.jspecify.annotations.Nullable;

/**
 * The sampling and output parameters of a request. Every field is optional: {@code null} means the
 * client did not send it.
 */
public record Params(
    @Nullable Integer maxTokens,
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer n,
    @Nullable Boolean logprobs,
    @Nullable Integer topLogprobs,
    @Nullable Boolean stream,
    @Nullable String reasoningEffort) {

  /** No parameters at all. */
  public static final Params NONE = new Params(null, null, null, null, null, null, null, null);

  public boolean isEmpty() {
    return equals(NONE);
  }
}
