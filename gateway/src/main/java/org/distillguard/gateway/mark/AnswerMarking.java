package org.distillguard.gateway.mark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.gateway.store.MarkServing;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.EventStream;
import org.distillguard.gateway.wire.Json;
import org.distillguard.mark.Marker;
import org.jspecify.annotations.Nullable;

/**
 * Marks one answer on its way to the client, in its wire format, and records the serving.
 *
 * <p>Only answer text is marked: OpenAI {@code delta.content} / {@code message.content} and legacy
 * {@code text}, Anthropic {@code text} blocks and {@code text_delta}s, Responses {@code
 * output_text}. Tool-call arguments, reasoning and thinking content and every other field pass
 * unchanged. Each choice (OpenAI), text block (Anthropic) or content part (Responses) is one {@link
 * Marker.Stream}, so the text is the same however the upstream chunks it, and the same as a
 * non-streamed answer. A text event carries what the stream can release now (at most one word is
 * held back); the rest goes out with the text's last event (OpenAI: the chunk with its {@code
 * finish_reason}) or, where that event carries no text, in one added text event just before it
 * (Anthropic: before {@code content_block_stop}; Responses: before {@code output_text.done}; a
 * stream cut short: before {@code [DONE]} or at its end). Final events that repeat the whole text
 * (Responses {@code .done} events and {@code response.completed}) get the marked text.
 *
 * <p>Not thread-safe: one per exchange, used on its event loop.
 */
public final class AnswerMarking {

  private final Marking owner;
  private final Marker marker;
  private final String prompt;
  private final Endpoint endpoint;
  private final String account;
  private final @Nullable String campaign;
  private final String promptHash;
  private final @Nullable String canaryHash;
  private final boolean requestChanged;

  /** Open and finished streams by part: choice index, block index or "output:content". */
  private final Map<String, Part> parts = new LinkedHashMap<>();

  private final EventStream events = new EventStream();
  private @Nullable ObjectNode lastOpenAiChunk;
  private boolean recorded;

  /** One marked text part. */
  private static final class Part {
    final Marker.Stream stream;
    final StringBuilder marked = new StringBuilder();
    boolean finished;

    Part(Marker.Stream stream) {
      this.stream = stream;
    }

    String feed(String text) {
      String out = stream.feed(text);
      marked.append(out);
      return out;
    }

    String finish() {
      if (finished) {
        return "";
      }
      finished = true;
      String out = stream.finish();
      marked.append(out);
      return out;
    }
  }

  AnswerMarking(
      Marking owner,
      Marker marker,
      String prompt,
      Endpoint endpoint,
      String account,
      @Nullable String campaign,
      String promptHash,
      @Nullable String canaryHash,
      boolean requestChanged) {
    this.owner = owner;
    this.marker = marker;
    this.prompt = prompt;
    this.endpoint = endpoint;
    this.account = account;
    this.campaign = campaign;
    this.promptHash = promptHash;
    this.canaryHash = canaryHash;
    this.requestChanged = requestChanged;
  }

  /** Whether the forwarded request was changed (watermark switch, canary instruction). */
  public boolean requestChanged() {
    return requestChanged;
  }

  /** The label of the key marking this answer, e.g. {@code campaign:c-17}. */
  public String keyLabel() {
    return marker.key().label();
  }

  private Part part(String id) {
    return parts.computeIfAbsent(id, k -> new Part(marker.open(prompt)));
  }

  // ------------------------------------------------------------------ whole bodies

  /** Marks a complete JSON answer; returns the bytes to send (the same array when unchanged). */
  public byte[] body(byte[] body) {
    JsonNode root;
    try {
      root = Json.parse(body);
    } catch (IOException e) {
      return body;
    }
    if (!(root instanceof ObjectNode o)) {
      return body;
    }
    boolean changed = false;
    switch (endpoint) {
      case CHAT_COMPLETIONS, COMPLETIONS -> {
        int i = 0;
        for (JsonNode c : o.path("choices")) {
          String id = c.path("index").asText(Integer.toString(i++));
          JsonNode msg = c.get("message");
          if (msg instanceof ObjectNode m) {
            changed |= markWhole(m, "content", id);
          } else if (c instanceof ObjectNode co) {
            changed |= markWhole(co, "text", id);
          }
        }
      }
      case RESPONSES -> changed |= markResponseOutput(o.get("output"), true);
      case MESSAGES -> {
        int i = 0;
        for (JsonNode b : o.path("content")) {
          if (b instanceof ObjectNode block && "text".equals(b.path("type").asText())) {
            changed |= markWhole(block, "text", Integer.toString(i));
          }
          i++;
        }
      }
      default -> {}
    }
    return changed ? Json.bytes(o) : body;
  }

  private boolean markWhole(ObjectNode holder, String field, String id) {
    JsonNode v = holder.get(field);
    if (v == null || !v.isTextual()) {
      return false;
    }
    Part p = part(id);
    String marked = p.feed(v.asText()) + p.finish();
    if (marked.equals(v.asText())) {
      return false;
    }
    holder.put(field, marked);
    return true;
  }

  /** Marks (whole) or replaces with the streamed marked text (final events) output_text parts. */
  private boolean markResponseOutput(@Nullable JsonNode output, boolean whole) {
    boolean changed = false;
    if (output == null) {
      return false;
    }
    int oi = 0;
    for (JsonNode item : output) {
      if ("message".equals(item.path("type").asText())) {
        changed |= markMessageItem(item, oi, whole);
      }
      oi++;
    }
    return changed;
  }

  private boolean markMessageItem(JsonNode item, int oi, boolean whole) {
    boolean changed = false;
    int ci = 0;
    for (JsonNode part : item.path("content")) {
      if (part instanceof ObjectNode p && "output_text".equals(p.path("type").asText())) {
        String id = oi + ":" + ci;
        if (whole) {
          changed |= markWhole(p, "text", id);
        } else {
          changed |= replaceWithMarked(p, "text", id);
        }
      }
      ci++;
    }
    return changed;
  }

  private boolean replaceWithMarked(ObjectNode holder, String field, String id) {
    Part p = parts.get(id);
    if (p == null || !holder.path(field).isTextual()) {
      return false;
    }
    p.finish();
    String marked = p.marked.toString();
    if (marked.equals(holder.path(field).asText())) {
      return false;
    }
    holder.put(field, marked);
    return true;
  }

  // ------------------------------------------------------------------ event streams

  /**
   * Takes the next bytes of an event stream (normally whole events, as {@code ResponseReader}
   * forwards them); returns the bytes to send now.
   */
  public byte[] stream(byte[] chunk) {
    return events.feed(chunk, chunk.length, this::event);
  }

  /**
   * The end of the stream, with the reader's last bytes: an unfinished event passes as it is, and
   * text still held (a stream cut short of its final events) goes out in an added text event.
   */
  public byte[] streamEnd(byte[] tail) {
    byte[] done = stream(tail);
    byte[] rest = concat(done, events.end());
    String flush = flushAll();
    if (flush.isEmpty()) {
      return rest;
    }
    return concat(rest, flush.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (b.length == 0) {
      return a;
    }
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** One event: null to pass it unchanged, else its replacement. */
  private byte @Nullable [] event(EventStream.Event event) {
    String name = event.name();
    String text = event.text();
    String d = event.data();
    if (d.equals("[DONE]")) {
      String flush = flushAll();
      return flush.isEmpty() ? null : (flush + text).getBytes(StandardCharsets.UTF_8);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(d);
    } catch (IOException e) {
      return null;
    }
    if (!(root instanceof ObjectNode ev)) {
      return null;
    }
    String before =
        switch (endpoint) {
          case CHAT_COMPLETIONS, COMPLETIONS -> openAiChunk(ev);
          case MESSAGES -> anthropicEvent(name, ev);
          case RESPONSES -> responsesEvent(ev);
          default -> null;
        };
    if (before == null) {
      return null;
    }
    return (before + EventStream.text(name, ev)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Rewrites an OpenAI chunk in place; returns null when it is unchanged, else the text of events
   * to send before it ("" for none).
   */
  private @Nullable String openAiChunk(ObjectNode chunk) {
    JsonNode choices = chunk.get("choices");
    if (!(choices instanceof ArrayNode arr) || arr.isEmpty()) {
      return null;
    }
    lastOpenAiChunk = chunk;
    boolean changed = false;
    for (JsonNode c : arr) {
      if (!(c instanceof ObjectNode co)) {
        continue;
      }
      String id = Integer.toString(co.path("index").asInt(0));
      ObjectNode holder = co;
      String field = "text";
      if (co.get("delta") instanceof ObjectNode delta) {
        holder = delta;
        field = "content";
      }
      JsonNode v = holder.get(field);
      String in = v != null && v.isTextual() ? v.asText() : null;
      String out = in == null ? "" : part(id).feed(in);
      JsonNode fr = co.get("finish_reason");
      if (fr != null && !fr.isNull()) {
        out += part(id).finish();
      }
      if (in == null ? !out.isEmpty() : !out.equals(in)) {
        holder.put(field, out);
        changed = true;
      }
    }
    return changed ? "" : null;
  }

  private @Nullable String anthropicEvent(@Nullable String name, ObjectNode ev) {
    String type = ev.path("type").asText(name == null ? "" : name);
    String id = Integer.toString(ev.path("index").asInt(0));
    switch (type) {
      case "content_block_start" -> {
        JsonNode block = ev.get("content_block");
        if (block instanceof ObjectNode b && "text".equals(b.path("type").asText())) {
          String in = b.path("text").asText("");
          String out = part(id).feed(in);
          if (!out.equals(in)) {
            b.put("text", out);
            return "";
          }
        }
        return null;
      }
      case "content_block_delta" -> {
        JsonNode delta = ev.get("delta");
        if (delta instanceof ObjectNode d && "text_delta".equals(d.path("type").asText())) {
          String in = d.path("text").asText("");
          String out = part(id).feed(in);
          if (!out.equals(in)) {
            d.put("text", out);
            return "";
          }
        }
        return null;
      }
      case "content_block_stop" -> {
        Part p = parts.get(id);
        if (p == null) {
          return null;
        }
        String rest = p.finish();
        return rest.isEmpty() ? null : anthropicDelta(id, rest);
      }
      case "message_stop", "message_delta" -> {
        String flush = flushAll();
        return flush.isEmpty() ? null : flush;
      }
      default -> {
        return null;
      }
    }
  }

  private static String anthropicDelta(String index, String text) {
    ObjectNode d = Json.MAPPER.createObjectNode();
    d.put("type", "content_block_delta").put("index", Integer.parseInt(index));
    d.putObject("delta").put("type", "text_delta").put("text", text);
    return EventStream.text("content_block_delta", d);
  }

  private @Nullable String responsesEvent(ObjectNode ev) {
    String type = ev.path("type").asText("");
    String id = ev.path("output_index").asInt(0) + ":" + ev.path("content_index").asInt(0);
    switch (type) {
      case "response.output_text.delta" -> {
        String in = ev.path("delta").asText("");
        String out = part(id).feed(in);
        if (out.equals(in)) {
          return null;
        }
        ev.put("delta", out);
        return "";
      }
      case "response.output_text.done" -> {
        Part p = parts.get(id);
        if (p == null) {
          return null;
        }
        String rest = p.finish();
        String before = rest.isEmpty() ? "" : responsesDelta(ev, rest);
        return replaceWithMarked(ev, "text", id) || !before.isEmpty() ? before : null;
      }
      case "response.content_part.done" -> {
        JsonNode part = ev.get("part");
        return part instanceof ObjectNode p
                && "output_text".equals(p.path("type").asText())
                && replaceWithMarked(p, "text", id)
            ? ""
            : null;
      }
      case "response.output_item.done" -> {
        JsonNode item = ev.get("item");
        return item != null
                && "message".equals(item.path("type").asText())
                && markMessageItem(item, ev.path("output_index").asInt(0), false)
            ? ""
            : null;
      }
      case "response.completed", "response.incomplete", "response.failed" -> {
        String flush = flushAll();
        JsonNode r = ev.get("response");
        boolean changed = r != null && markResponseOutput(r.get("output"), false);
        return changed || !flush.isEmpty() ? flush : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static String responsesDelta(ObjectNode like, String text) {
    ObjectNode d = Json.MAPPER.createObjectNode();
    d.put("type", "response.output_text.delta");
    if (like.has("sequence_number")) {
      d.set("sequence_number", like.get("sequence_number"));
    }
    if (like.has("item_id")) {
      d.set("item_id", like.get("item_id"));
    }
    d.put("output_index", like.path("output_index").asInt(0));
    d.put("content_index", like.path("content_index").asInt(0));
    d.put("delta", text);
    return EventStream.text("response.output_text.delta", d);
  }

  /** Finishes every open part; returns added text events for what they still held. */
  private String flushAll() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Part> e : parts.entrySet()) {
      Part p = e.getValue();
      if (p.finished) {
        continue;
      }
      String rest = p.finish();
      if (rest.isEmpty()) {
        continue;
      }
      switch (endpoint) {
        case CHAT_COMPLETIONS, COMPLETIONS -> sb.append(openAiFlush(e.getKey(), rest));
        case MESSAGES -> sb.append(anthropicDelta(e.getKey(), rest));
        case RESPONSES -> {
          String[] ix = e.getKey().split(":");
          ObjectNode like = Json.MAPPER.createObjectNode();
          like.put("output_index", Integer.parseInt(ix[0]));
          like.put("content_index", Integer.parseInt(ix[1]));
          sb.append(responsesDelta(like, rest));
        }
        default -> {}
      }
    }
    return sb.toString();
  }

  private String openAiFlush(String index, String text) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    ObjectNode last = lastOpenAiChunk;
    for (String f : List.of("id", "object", "created", "model")) {
      if (last != null && last.has(f)) {
        c.set(f, last.get(f));
      }
    }
    ObjectNode ch = c.putArray("choices").addObject().put("index", Integer.parseInt(index));
    if (endpoint == Endpoint.COMPLETIONS) {
      ch.put("text", text);
    } else {
      ch.putObject("delta").put("content", text);
    }
    ch.putNull("finish_reason");
    return EventStream.text(null, c);
  }

  // ------------------------------------------------------------------ record

  /** Records the serving once the answer has gone out (2xx only): hashes and ids, no text. */
  public void served(int status) {
    if (recorded || status < 200 || status >= 300) {
      return;
    }
    recorded = true;
    long words = 0;
    long units = 0;
    long changed = 0;
    List<Part> all = new ArrayList<>(parts.values());
    for (Part p : all) {
      words += p.stream.words();
      units += p.stream.eligible();
      changed += p.stream.changed();
    }
    long now = owner.nowMillis();
    owner.record(
        new MarkServing(
            "MS-" + java.util.UUID.randomUUID(),
            now,
            account,
            campaign,
            marker.key().label(),
            marker.key().fingerprint(),
            endpoint.id(),
            promptHash,
            canaryHash,
            words,
            units,
            changed,
            owner.upstreamWatermark().id()));
  }
}
