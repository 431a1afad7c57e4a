package org.distillguard.gateway.limits;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Estimates a request's input tokens before the call with a real BPE tokenizer (jtokkit's {@code
 * o200k_base} or {@code cl100k_base}; the vocabularies ship in the jar). Close for OpenAI models,
 * within roughly 10-20% for Anthropic's; the limiter corrects the charge with the upstream's
 * reported usage afterwards. Thread-safe.
 */
public final class TokenEstimator {
  /** Per-message framing overhead the chat formats add. */
  private static final int PER_MESSAGE = 4;

  private final Encoding encoding;

  public TokenEstimator(String vocabulary) {
    EncodingType type =
        switch (vocabulary) {
          case "cl100k_base" -> EncodingType.CL100K_BASE;
          case "o200k_base" -> EncodingType.O200K_BASE;
          default ->
              throw new IllegalArgumentException(
                  "unknown tokenizer '" + vocabulary + "' (o200k_base or cl100k_base)");
        };
    this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(type);
  }

  /** Tokens of {@code text} plus framing for {@code messages} turns. */
  public int estimate(String text, int messages) {
    return encoding.countTokensOrdinary(text) + PER_MESSAGE * messages + 3;
  }
}
