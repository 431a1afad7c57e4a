package org.distillguard.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway needs to know of one request body, read once from the JSON tree: the model, the
 * turns as Contract 1 messages, the parameters and whether the answer streams.
 *
 * @param body the parsed body (the proxy forwards the original bytes unless it changes it)
 * @param stream whether the client asked for server-sent events
 */
public record ApiRequest(
    Endpoint endpoint,
    ObjectNode body,
    @Nullable String model,
    List<Message> messages,
    Params params,
    boolean stream,
    @Nullable String conversation) {

  /** Thrown for a body that is JSON but not a usable request; the message goes to the client. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  /** Reads a request of {@code endpoint} from its parsed body. */
  public static ApiRequest of(Endpoint endpoint, JsonNode tree) throws Invalid {
    if (!(tree instanceof ObjectNode body)) {
      throw new Invalid("the request body must be a JSON object");
    }
    JsonNode modelNode = body.get("model");
    if (modelNode != null && !modelNode.isTextual()) {
      throw new Invalid("'model' must be a string");
    }
    String model = modelNode == null ? null : modelNode.asText();
    if (model == null && endpoint != Endpoint.MODELS) {
      throw new Invalid("you must provide a model parameter");
    }
    List<Message> messages = new ArrayList<>();
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        JsonNode ms = body.get("messages");
        if (ms == null || !ms.isArray()) {
          throw new Invalid("'messages' must be an array");
        }
        turns(ms, messages);
      }
      case MESSAGES -> {
        JsonNode sys = body.get("system");
        if (sys != null) {
          messages.add(new Message(Message.SYSTEM, text(sys)));
        }
        JsonNode ms = body.get("messages");
        if (ms == null || !ms.isArray()) {
          throw new Invalid("messages: Field required");
        }
        turns(ms, messages);
        if (!body.has("max_tokens")) {
          throw new Invalid("max_tokens: Field required");
        }
      }
      case RESPONSES -> {
        String instructions = Json.text(body, "instructions");
        if (instructions != null) {
          messages.add(new Message(Message.SYSTEM, instructions));
        }
        JsonNode in = body.get("input");
        if (in != null && in.isTextual()) {
          messages.add(new Message(Message.USER, in.asText()));
        } else if (in != null && in.isArray()) {
          turns(in, messages);
        }
      }
      case COMPLETIONS, EMBEDDINGS -> {
        JsonNode p = body.get(endpoint == Endpoint.COMPLETIONS ? "prompt" : "input");
        if (p == null) {
          throw new Invalid(
              "you must provide " + (endpoint == Endpoint.COMPLETIONS ? "a prompt" : "an input"));
        }
        messages.add(new Message(Message.USER, text(p)));
      }
      case MODELS -> {}
    }
    Params params = params(endpoint, body);
    JsonNode s = body.get("stream");
    boolean stream = s != null && s.asBoolean(false);
    String conversation = Json.text(body, "conversation");
    if (conversation == null) {
      conversation = Json.text(body, "previous_response_id");
    }
    return new ApiRequest(endpoint, body, model, messages, params, stream, conversation);
  }

  private static void turns(JsonNode array, List<Message> out) {
    for (JsonNode m : array) {
      if (!m.isObject()) {
        continue;
      }
      String role = Json.text(m, "role");
      JsonNode content = m.get("content");
      if (role == null) {
        // Responses API items without a role (tool outputs and the like) carry no prompt text.
        String type = Json.text(m, "type");
        role = type == null ? Message.USER : type;
      }
      out.add(new Message(role, content == null ? "" : text(content)));
    }
  }

  /** The text of a string, or of the text parts of a content array, joined by newlines. */
  static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        String t = part.isTextual() ? part.asText() : Json.text(part, "text");
        if (t != null) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(t);
        }
      }
      return sb.toString();
    }
    return "";
  }

  private static Params params(Endpoint endpoint, ObjectNode b) {
    Integer maxTokens = Json.integer(b, "max_tokens");
    if (maxTokens == null) {
      maxTokens = Json.integer(b, "max_completion_tokens");
    }
    if (maxTokens == null) {
      maxTokens = Json.integer(b, "max_output_tokens");
    }
    Boolean logprobs = null;
    JsonNode lp = b.get("logprobs");
    if (lp != null && lp.isBoolean()) {
      logprobs = lp.asBoolean();
    } else if (lp != null && lp.isNumber()) { // legacy completions: logprobs is a count
      logprobs = lp.asInt() > 0;
    }
    String effort = Json.text(b, "reasoning_effort");
    JsonNode reasoning = b.get("reasoning");
    if (effort == null && reasoning != null && reasoning.isObject()) {
      effort = Json.text(reasoning, "effort");
    }
    JsonNode thinking = b.get("thinking");
    if (effort == null && endpoint == Endpoint.MESSAGES && thinking != null) {
      if ("enabled".equals(Json.text(thinking, "type"))) {
        Integer budget = Json.integer(thinking, "budget_tokens");
        int bt = budget == null ? 0 : budget;
        effort = bt >= 16_384 ? "high" : bt >= 4_096 ? "medium" : "low";
      }
    }
    JsonNode s = b.get("stream");
    return new Params(
        maxTokens,
        Json.number(b, "temperature"),
        Json.number(b, "top_p"),
        Json.integer(b, "n"),
        logprobs,
        Json.integer(b, "top_logprobs"),
        s != null && s.isBoolean() ? s.asBoolean() : null,
        effort);
  }

  /** All prompt text, for the token estimate. */
  public String promptText() {
    if (messages.size() == 1) {
      return messages.get(0).content();
    }
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      sb.append(m.content()).append('\n');
    }
    return sb.toString();
  }
}
