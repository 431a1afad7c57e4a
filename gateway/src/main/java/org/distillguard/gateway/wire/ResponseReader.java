package org.distillguard.gateway.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.distillguard.core.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Reads one upstream answer as it passes through: the usage and the answer text, from a JSON body
 * or from a server-sent-event stream event by event, and optionally rewrites it (strips reasoning
 * content for degraded accounts, drops the usage chunk the gateway asked for on the client's
 * behalf).
 *
 * <p>Streams are forwarded whole events at a time: bytes of an event that has not ended yet are
 * held until its blank line arrives, so no event is ever split or reordered, and nothing else is
 * buffered. Not thread-safe; one per exchange, used on its event loop.
 */
public final class ResponseReader {
  private static final byte[] EMPTY = new byte[0];

  /**
   * Reads one value in the middle of a document (the shared mapper insists on the end after it).
   */
  private static final ObjectReader SUBTREE =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final String[] REASONING_FIELDS = {
    "reasoning_content", "reasoning", "reasoning_details"
  };

  private final Endpoint endpoint;
  private final boolean stripReasoning;
  private final boolean dropUsageChunk;
  private final int outputCap;
  private final StringBuilder output = new StringBuilder();
  private long inputTokens = -1;
  private long outputTokens = -1;
  private long reasoningTokens = -1;
  private final EventStream events = new EventStream();
  // Anthropic streams: upstream content-block index -> index sent to the client (-1: dropped).
  private final Map<Integer, Integer> blockIndex = new HashMap<>();
  private int nextBlock;
  private final Map<Integer, Integer> outputIndex = new HashMap<>();
  private int nextOutput;
  private int nextSequence;
  private boolean sawStop;

  /**
   * @param stripReasoning remove reasoning content from the answer (degrade)
   * @param dropUsageChunk drop OpenAI's trailing usage-only chunk (the client did not ask for it)
   * @param outputCap most characters of answer text to keep (0: keep none)
   */
  public ResponseReader(
      Endpoint endpoint, boolean stripReasoning, boolean dropUsageChunk, int outputCap) {
    this.endpoint = endpoint;
    this.stripReasoning = stripReasoning;
    this.dropUsageChunk = dropUsageChunk;
    this.outputCap = outputCap;
  }

  /** Whether the reader may change bytes (then non-streaming bodies must be buffered). */
  public boolean rewrites() {
    return stripReasoning;
  }

  /** The usage reported by the upstream, {@code -1} for counts it did not report. */
  public Usage usage() {
    return new Usage(inputTokens, outputTokens, reasoningTokens);
  }

  /** The answer text seen, up to the cap. */
  public String output() {
    return output.toString();
  }

  /** Whether a stream reached its end marker ({@code [DONE]}, {@code message_stop}, ...). */
  public boolean sawEnd() {
    return sawStop;
  }

  // ---------------------------------------------------------------- JSON bodies

  /**
   * Reads a complete JSON answer; returns the bytes to send (the same array unless rewritten).
   * Bodies that are not JSON pass unchanged.
   */
  public byte[] body(byte[] body) {
    if (!stripReasoning && outputCap <= 0) {
      usageOnly(body); // nothing to rewrite or keep: only the usage object is read
      return body;
    }
    JsonNode root;
    try {
      root = Json.parse(body);
    } catch (IOException e) {
      return body;
    }
    usage(root.get("usage"));
    boolean changed = false;
    switch (endpoint) {
      case CHAT_COMPLETIONS, COMPLETIONS -> {
        JsonNode choices = root.get("choices");
        if (choices != null && choices.isArray()) {
          for (JsonNode c : choices) {
            JsonNode msg = c.get("message");
            if (msg != null) {
              appendOutput(Json.text(msg, "content"));
              changed |= stripFields(msg);
            } else {
              appendOutput(Json.text(c, "text"));
            }
          }
        }
      }
      case RESPONSES -> changed |= responsesOutput(root);
      case MESSAGES -> {
        JsonNode content = root.get("content");
        if (content instanceof ArrayNode arr) {
          for (Iterator<JsonNode> it = arr.elements(); it.hasNext(); ) {
            JsonNode block = it.next();
            String type = Json.text(block, "type");
            if ("text".equals(type)) {
              appendOutput(Json.text(block, "text"));
            } else if (stripReasoning && isThinking(type)) {
              it.remove();
              changed = true;
            }
          }
        }
      }
      case EMBEDDINGS, MODELS -> {}
    }
    return changed ? Json.bytes(root) : body;
  }

  /**
   * Reads only the top-level {@code usage} object of a JSON answer, skipping the rest token by
   * token without building it: the common case (no degrade, answers not journaled), and a tenth of
   * the gateway's work per request when the whole answer was turned into a tree. Answers that are
   * not JSON objects are left alone, as in {@link #body}.
   */
  private void usageOnly(byte[] body) {
    try (JsonParser p = Json.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          usage(SUBTREE.readTree(p));
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // not JSON, or cut short: whatever usage was read before the fault stands
    }
  }

  private boolean responsesOutput(JsonNode response) {
    boolean changed = false;
    JsonNode out = response.get("output");
    if (out instanceof ArrayNode arr) {
      for (Iterator<JsonNode> it = arr.elements(); it.hasNext(); ) {
        JsonNode item = it.next();
        String type = Json.text(item, "type");
        if ("message".equals(type)) {
          JsonNode content = item.get("content");
          if (content != null) {
            for (JsonNode part : content) {
              if ("output_text".equals(Json.text(part, "type"))) {
                appendOutput(Json.text(part, "text"));
              }
            }
          }
        } else if (stripReasoning && "reasoning".equals(type)) {
          it.remove();
          changed = true;
        }
      }
    }
    return changed;
  }

  // ---------------------------------------------------------------- event streams

  /**
   * Takes the next bytes of an event stream; returns the bytes to forward now (complete events,
   * possibly rewritten), which may be empty.
   */
  public byte[] streamChunk(byte[] chunk, int len) {
    return events.feed(chunk, len, this::event);
  }

  /** The end of the stream: whatever unfinished event remains, forwarded as it is. */
  public byte[] streamEnd() {
    return events.end();
  }

  /** Reads one event; returns null to forward it unchanged, else its replacement (maybe empty). */
  private byte @Nullable [] event(EventStream.Event ev) {
    String eventName = ev.name();
    String d = ev.data();
    if (d.equals("[DONE]")) {
      sawStop = true;
      return null;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(d);
    } catch (IOException e) {
      return null;
    }
    if (root == null || !root.isObject()) {
      return null;
    }
    return switch (endpoint) {
      case CHAT_COMPLETIONS, COMPLETIONS -> openAiChunk((ObjectNode) root);
      case RESPONSES -> responsesEvent((ObjectNode) root);
      case MESSAGES -> anthropicEvent(eventName, (ObjectNode) root);
      default -> null;
    };
  }

  private byte @Nullable [] openAiChunk(ObjectNode chunk) {
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      openAiUsage(usage);
    }
    JsonNode choices = chunk.get("choices");
    boolean changed = false;
    if (choices != null && choices.isArray()) {
      if (choices.isEmpty() && usage != null && usage.isObject() && dropUsageChunk) {
        return EMPTY;
      }
      for (JsonNode c : choices) {
        JsonNode delta = c.get("delta");
        if (delta != null) {
          appendOutput(Json.text(delta, "content"));
          changed |= stripFields(delta);
        } else {
          appendOutput(Json.text(c, "text"));
        }
      }
    }
    if (changed) {
      return EventStream.encode(null, chunk);
    }
    return null;
  }

  private byte @Nullable [] responsesEvent(ObjectNode ev) {
    String type = Json.text(ev, "type");
    if (type == null) {
      return null;
    }
    boolean changed = false;
    switch (type) {
      case "response.output_text.delta" -> appendOutput(Json.text(ev, "delta"));
      case "response.completed", "response.incomplete", "response.failed" -> {
        sawStop = true;
        JsonNode r = ev.get("response");
        if (r != null) {
          responsesUsage(r.get("usage"));
          if (stripReasoning) {
            StringBuilder saved = new StringBuilder(output);
            changed = responsesOutput(r);
            output.setLength(0);
            output.append(saved);
          }
        }
      }
      default -> {}
    }
    if (!stripReasoning) {
      return null;
    }
    // Stripping reasoning items leaves the client a stream with holes in it; renumber so that it
    // reads as if the upstream had never produced them: output_index counts the items the client
    // sees, as in the final response object, and sequence_number counts the events it gets.
    if (type.startsWith("response.reasoning")) {
      return EMPTY;
    }
    Integer idx = Json.integer(ev, "output_index");
    if (idx != null) {
      if (type.equals("response.output_item.added")) {
        JsonNode item = ev.get("item");
        boolean reasoning = item != null && "reasoning".equals(Json.text(item, "type"));
        outputIndex.put(idx, reasoning ? -1 : nextOutput++);
      }
      Integer mapped = outputIndex.get(idx);
      if (mapped != null && mapped < 0) {
        return EMPTY;
      }
      if (mapped != null && mapped.intValue() != idx.intValue()) {
        ev.put("output_index", mapped.intValue());
        changed = true;
      }
    } else {
      JsonNode item = ev.get("item");
      if (item != null && "reasoning".equals(Json.text(item, "type"))) {
        return EMPTY;
      }
    }
    Integer seq = Json.integer(ev, "sequence_number");
    if (seq != null) {
      if (seq.intValue() != nextSequence) {
        ev.put("sequence_number", nextSequence);
        changed = true;
      }
      nextSequence++;
    }
    return changed ? EventStream.encode(type, ev) : null;
  }

  private byte @Nullable [] anthropicEvent(@Nullable String name, ObjectNode ev) {
    String type = Json.text(ev, "type");
    if (type == null) {
      type = name == null ? "" : name;
    }
    switch (type) {
      case "message_start" -> {
        JsonNode m = ev.get("message");
        if (m != null) {
          anthropicUsage(m.get("usage"));
        }
      }
      case "message_delta" -> anthropicUsage(ev.get("usage"));
      case "message_stop" -> sawStop = true;
      case "content_block_start", "content_block_delta", "content_block_stop" -> {
        JsonNode delta = ev.get("delta");
        if (delta != null && "text_delta".equals(Json.text(delta, "type"))) {
          appendOutput(Json.text(delta, "text"));
        }
        if (!stripReasoning) {
          return null;
        }
        Integer idx = Json.integer(ev, "index");
        if (idx == null) {
          return null;
        }
        if (type.equals("content_block_start")) {
          JsonNode block = ev.get("content_block");
          boolean thinking = block != null && isThinking(Json.text(block, "type"));
          blockIndex.put(idx, thinking ? -1 : nextBlock++);
        }
        Integer mapped = blockIndex.get(idx);
        if (mapped == null) {
          return null;
        }
        if (mapped < 0) {
          return EMPTY;
        }
        if (mapped.intValue() != idx.intValue()) {
          ev.put("index", mapped.intValue());
          return EventStream.encode(type, ev);
        }
      }
      default -> {}
    }
    return null;
  }

  private static boolean isThinking(@Nullable String type) {
    return "thinking".equals(type) || "redacted_thinking".equals(type);
  }

  private boolean stripFields(JsonNode node) {
    if (!stripReasoning || !(node instanceof ObjectNode o)) {
      return false;
    }
    boolean changed = false;
    for (String f : REASONING_FIELDS) {
      changed |= o.remove(f) != null;
    }
    return changed;
  }

  private void appendOutput(@Nullable String s) {
    if (s == null || outputCap <= 0) {
      return;
    }
    int room = outputCap - output.length();
    if (room > 0) {
      output.append(s, 0, Math.min(room, s.length()));
    }
  }

  /** The usage object of a whole answer, read the way the called API reports it. */
  private void usage(@Nullable JsonNode u) {
    switch (endpoint) {
      case CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS -> openAiUsage(u);
      case RESPONSES -> responsesUsage(u);
      case MESSAGES -> anthropicUsage(u);
      case MODELS -> {}
    }
  }

  private void openAiUsage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return;
    }
    long in = Json.count(u, "prompt_tokens");
    if (in >= 0) {
      inputTokens = in;
    }
    long out = Json.count(u, "completion_tokens");
    if (out >= 0) {
      outputTokens = out;
    }
    long r = Json.count(u.get("completion_tokens_details"), "reasoning_tokens");
    if (r >= 0) {
      reasoningTokens = r;
    }
  }

  private void responsesUsage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return;
    }
    long in = Json.count(u, "input_tokens");
    if (in >= 0) {
      inputTokens = in;
    }
    long out = Json.count(u, "output_tokens");
    if (out >= 0) {
      outputTokens = out;
    }
    long r = Json.count(u.get("output_tokens_details"), "reasoning_tokens");
    if (r >= 0) {
      reasoningTokens = r;
    }
  }

  private void anthropicUsage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return;
    }
    long in = Json.count(u, "input_tokens");
    if (in >= 0) {
      long cached =
          Math.max(0, Json.count(u, "cache_creation_input_tokens"))
              + Math.max(0, Json.count(u, "cache_read_input_tokens"));
      inputTokens = in + cached;
    }
    long out = Json.count(u, "output_tokens");
    if (out >= 0) {
      outputTokens = out;
    }
  }
}
