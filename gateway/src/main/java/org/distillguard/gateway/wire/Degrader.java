package org.distillguard.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites the request of a degraded account: output capped at {@code maxTokens}, several samples
 * ({@code n>1}) and log-probabilities refused, reasoning not requested. What a distiller harvests
 * most (long answers, visible reasoning, probability distributions, many samples per prompt) is
 * exactly what degrading takes away, while an ordinary user still gets an answer.
 */
public final class Degrader {
  private final int maxTokens;
  private final boolean refuseN;
  private final boolean refuseLogprobs;
  private final boolean stripReasoning;

  public Degrader(int maxTokens, boolean refuseN, boolean refuseLogprobs, boolean stripReasoning) {
    this.maxTokens = maxTokens;
    this.refuseN = refuseN;
    this.refuseLogprobs = refuseLogprobs;
    this.stripReasoning = stripReasoning;
  }

  public boolean stripsReasoning() {
    return stripReasoning;
  }

  /**
   * Rewrites {@code body} in place; returns null when the request may go on, else what is refused
   * (for the client's error message).
   */
  public @Nullable String apply(Endpoint endpoint, ObjectNode body) {
    if (refuseN) {
      JsonNode n = body.get("n");
      if (n != null && n.isNumber() && n.asInt() > 1) {
        return "n>1 (several samples per request)";
      }
      JsonNode bo = body.get("best_of");
      if (bo != null && bo.isNumber() && bo.asInt() > 1) {
        return "best_of>1";
      }
    }
    if (refuseLogprobs) {
      JsonNode lp = body.get("logprobs");
      boolean asks =
          lp != null && (lp.isBoolean() ? lp.asBoolean() : lp.isNumber() && lp.asInt() > 0);
      JsonNode top = body.get("top_logprobs");
      if (asks || (top != null && top.isNumber() && top.asInt() > 0)) {
        return "logprobs";
      }
      JsonNode include = body.get("include");
      if (include != null && include.isArray()) {
        for (JsonNode i : include) {
          if (i.asText().contains("logprobs")) {
            return "logprobs";
          }
        }
      }
    }
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        if (!cap(body, "max_completion_tokens") & !cap(body, "max_tokens")) {
          body.put("max_completion_tokens", maxTokens);
        }
      }
      case COMPLETIONS -> {
        if (!cap(body, "max_tokens")) {
          body.put("max_tokens", maxTokens);
        }
      }
      case RESPONSES -> {
        if (!cap(body, "max_output_tokens")) {
          body.put("max_output_tokens", maxTokens);
        }
      }
      case MESSAGES -> {
        if (!cap(body, "max_tokens")) {
          body.put("max_tokens", maxTokens);
        }
      }
      default -> {}
    }
    if (stripReasoning) {
      // Ask for no visible reasoning at all; what still comes back is stripped from the answer.
      body.remove("thinking");
      JsonNode r = body.get("reasoning");
      if (r instanceof ObjectNode ro) {
        ro.remove("summary");
        ro.remove("generate_summary");
      }
      JsonNode include = body.get("include");
      if (include != null && include.isArray()) {
        body.remove("include");
      }
    }
    return null;
  }

  /** Caps an existing field; returns whether it existed. */
  private boolean cap(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isNumber()) {
      return false;
    }
    if (v.asLong() > maxTokens) {
      body.put(field, maxTokens);
    }
    return true;
  }
}
