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

  // Withers: build parameters by naming what is set, e.g.
  // Params.NONE.withMaxTokens(4096).withReasoningEffort("high"), instead of eight positions.

  public Params withMaxTokens(@Nullable Integer v) {
    return new Params(v, temperature, topP, n, logprobs, topLogprobs, stream, reasoningEffort);
  }

  public Params withTemperature(@Nullable Double v) {
    return new Params(maxTokens, v, topP, n, logprobs, topLogprobs, stream, reasoningEffort);
  }

  public Params withTopP(@Nullable Double v) {
    return new Params(maxTokens, temperature, v, n, logprobs, topLogprobs, stream, reasoningEffort);
  }

  public Params withN(@Nullable Integer v) {
    return new Params(
        maxTokens, temperature, topP, v, logprobs, topLogprobs, stream, reasoningEffort);
  }

  public Params withLogprobs(@Nullable Boolean v) {
    return new Params(maxTokens, temperature, topP, n, v, topLogprobs, stream, reasoningEffort);
  }

  public Params withTopLogprobs(@Nullable Integer v) {
    return new Params(maxTokens, temperature, topP, n, logprobs, v, stream, reasoningEffort);
  }

  public Params withStream(@Nullable Boolean v) {
    return new Params(maxTokens, temperature, topP, n, logprobs, topLogprobs, v, reasoningEffort);
  }

  public Params withReasoningEffort(@Nullable String v) {
    return new Params(maxTokens, temperature, topP, n, logprobs, topLogprobs, stream, v);
  }
}
