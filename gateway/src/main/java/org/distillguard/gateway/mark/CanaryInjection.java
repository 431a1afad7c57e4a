package org.distillguard.gateway.mark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.distillguard.gateway.wire.Endpoint;

/**
 * Adds a canary's instruction ({@code Canaries.instruction}) to a request as system text, in each
 * API's own place: a system message first in chat completions, the Responses API's {@code
 * instructions}, the Messages API's {@code system}. The user's own text is never changed; the
 * legacy completions endpoint has no system text and gets no canary.
 */
final class CanaryInjection {
  private CanaryInjection() {}

  /** Returns whether the instruction was added. */
  static boolean add(Endpoint endpoint, ObjectNode body, String instruction) {
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        JsonNode ms = body.get("messages");
        if (!(ms instanceof ArrayNode arr)) {
          return false;
        }
        arr.insertObject(0).put("role", "system").put("content", instruction);
        return true;
      }
      case RESPONSES -> {
        JsonNode prior = body.get("instructions");
        body.put(
            "instructions",
            prior != null && prior.isTextual()
                ? prior.asText() + "\n\n" + instruction
                : instruction);
        return true;
      }
      case MESSAGES -> {
        JsonNode sys = body.get("system");
        if (sys instanceof ArrayNode blocks) {
          blocks.addObject().put("type", "text").put("text", instruction);
        } else if (sys != null && sys.isTextual()) {
          body.put("system", sys.asText() + "\n\n" + instruction);
        } else {
          body.put("system", instruction);
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
