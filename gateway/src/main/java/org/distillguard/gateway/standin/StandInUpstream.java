package org.distillguard.gateway.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.distillguard.gateway.wire.Api;
import org.distillguard.gateway.wire.ErrorBodies;
import org.distillguard.gateway.wire.Json;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for an LLM provider: answers {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/responses}, {@code /v1/embeddings}, {@code /v1/models} (OpenAI) and {@code
 * /v1/messages} (Anthropic) in the providers' wire formats, streaming included, with a short
 * deterministic answer. It is the only fake in the gateway's tests and the upstream of the load
 * driver; no model runs here.
 *
 * <p>Request headers steer it (they pass through the gateway): {@code x-standin-delay-ms} (wait
 * before answering), {@code x-standin-chunk-delay-ms} (between stream events), {@code
 * x-standin-status} (answer with that error), {@code x-standin-words} (answer length), {@code
 * x-standin-reasoning: true} (include reasoning content), {@code x-standin-drop: true} (cut the
 * connection after the first stream event), {@code x-standin-text} (answer with this
 * percent-encoded text) and {@code x-standin-chunk-chars} (stream it in pieces of this many
 * characters instead of a word each). The last request received is kept ({@link #lastRequest}).
 */
public final class StandInUpstream implements AutoCloseable {
  private static final String[] WORDS = {
    "The",
    "answer",
    "depends",
    "on",
    "the",
    "question",
    "you",
    "asked",
    "and",
    "here",
    "it",
    "is",
    "in",
    "a",
    "few",
    "plain",
    "words",
    "for",
    "testing",
    "only"
  };

  private final Vertx vertx;
  private final boolean ownsVertx;
  private @Nullable HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong cancelled = new AtomicLong();
  private final AtomicReference<@Nullable Received> last = new AtomicReference<>();
  private volatile int defaultWords = 8;
  private String scheme = "http";

  /** The last request the stand-in received: path, headers and parsed body. */
  public record Received(String path, MultiMap headers, @Nullable JsonNode body) {}

  public StandInUpstream(Vertx vertx) {
    this(vertx, false);
  }

  private StandInUpstream(Vertx vertx, boolean owns) {
    this.vertx = vertx;
    this.ownsVertx = owns;
  }

  /** A stand-in with its own Vert.x instance (closed with it). */
  public static StandInUpstream standalone() {
    return new StandInUpstream(Vertx.vertx(), true);
  }

  /** A stand-in with its own Vert.x instance of {@code eventLoops} threads. */
  public static StandInUpstream standalone(int eventLoops) {
    return new StandInUpstream(
        Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(eventLoops)), true);
  }

  /** Starts listening; port 0 picks a free one. */
  public StandInUpstream start(String host, int port) {
    return start(host, port, null);
  }

  /** Starts listening over TLS with the given certificate (tests of https upstreams). */
  public StandInUpstream start(
      String host, int port, io.vertx.core.net.@Nullable KeyCertOptions tls) {
    HttpServerOptions opts =
        new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true);
    if (tls != null) {
      opts.setSsl(true).setKeyCertOptions(tls);
      scheme = "https";
    }
    HttpServer s = vertx.createHttpServer(opts);
    s.requestHandler(this::handle);
    this.server = s.listen().await();
    return this;
  }

  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.actualPort();
  }

  public String baseUrl() {
    return scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":" + port();
  }

  public long requests() {
    return requests.get();
  }

  /** Streams whose client (the gateway) went away before the end. */
  public long cancelled() {
    return cancelled.get();
  }

  public @Nullable Received lastRequest() {
    return last.get();
  }

  public void defaultWords(int n) {
    defaultWords = n;
  }

  private void handle(HttpServerRequest req) {
    requests.incrementAndGet();
    if (req.method().name().equals("GET")) {
      dispatch(req, null);
      return;
    }
    req.body()
        .onSuccess(
            b -> {
              JsonNode body;
              try {
                body = b.length() == 0 ? null : Json.parse(b.getBytes());
              } catch (IOException e) {
                error(req.response(), api(req), 400, "invalid JSON");
                return;
              }
              dispatch(req, body);
            });
  }

  private static Api api(HttpServerRequest req) {
    return req.path().startsWith("/v1/messages") || req.getHeader("anthropic-version") != null
        ? Api.ANTHROPIC
        : Api.OPENAI;
  }

  private void dispatch(HttpServerRequest req, @Nullable JsonNode body) {
    last.set(
        new Received(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body));
    long delay = header(req, "x-standin-delay-ms", 0);
    if (delay > 0) {
      vertx.setTimer(delay, t -> answer(req, body));
    } else {
      answer(req, body);
    }
  }

  private static long header(HttpServerRequest req, String name, long dflt) {
    String v = req.getHeader(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private void answer(HttpServerRequest req, @Nullable JsonNode body) {
    HttpServerResponse resp = req.response();
    if (resp.closed()) {
      cancelled.incrementAndGet();
      return;
    }
    int status = (int) header(req, "x-standin-status", 0);
    if (status >= 400) {
      error(resp, api(req), status, "stand-in error " + status);
      return;
    }
    String path = req.path();
    ObjectNode b = body instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
    String model = b.path("model").asText("standin-model");
    int cap = maxTokens(b);
    int words = (int) Math.max(1, Math.min(cap, header(req, "x-standin-words", defaultWords)));
    boolean reasoning = "true".equals(req.getHeader("x-standin-reasoning"));
    List<String> pieces = pieces(req);
    Answer a =
        new Answer(
            model, pieces == null ? words : pieces.size(), inputTokens(b), reasoning, pieces);
    switch (path) {
      case "/v1/chat/completions" -> chat(req, b, a, false);
      case "/v1/completions" -> chat(req, b, a, true);
      case "/v1/responses" -> responses(req, b, a);
      case "/v1/embeddings" -> embeddings(resp, a);
      case "/v1/messages" -> messages(req, b, a);
      case "/v1/models" -> models(req);
      default -> error(resp, api(req), 404, "unknown path " + path);
    }
  }

  /**
   * The answer text a test chose ({@code x-standin-text}, percent-encoded UTF-8), cut into stream
   * pieces of {@code x-standin-chunk-chars} characters, or else a word with its leading whitespace
   * each; null for the default answer.
   */
  private static @Nullable List<String> pieces(HttpServerRequest req) {
    String t = req.getHeader("x-standin-text");
    if (t == null) {
      return null;
    }
    String text = java.net.URLDecoder.decode(t, java.nio.charset.StandardCharsets.UTF_8);
    int n = (int) header(req, "x-standin-chunk-chars", 0);
    List<String> out = new ArrayList<>();
    if (n > 0) {
      for (int i = 0; i < text.length(); i += n) {
        out.add(text.substring(i, Math.min(text.length(), i + n)));
      }
    } else {
      out.addAll(List.of(text.split("(?<=\\S)(?=\\s)")));
    }
    return out;
  }

  private record Answer(
      String model, int words, int inputTokens, boolean reasoning, @Nullable List<String> pieces) {
    String word(int i) {
      List<String> p = pieces;
      if (p != null) {
        return p.get(i);
      }
      return (i == 0 ? "" : " ") + WORDS[i % WORDS.length];
    }

    String text() {
      List<String> p = pieces;
      if (p != null) {
        return String.join("", p);
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < words; i++) {
        sb.append(word(i));
      }
      return sb.toString();
    }
  }

  private static int maxTokens(ObjectNode b) {
    for (String f : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
      JsonNode v = b.get(f);
      if (v != null && v.isNumber()) {
        return Math.max(1, v.asInt());
      }
    }
    return Integer.MAX_VALUE;
  }

  private static int inputTokens(ObjectNode b) {
    String s = b.toString();
    int n = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      boolean w = Character.isLetterOrDigit(s.charAt(i));
      if (w && !in) {
        n++;
      }
      in = w;
    }
    return Math.max(1, n / 2);
  }

  private static String id(String prefix) {
    return prefix + Long.toHexString(System.nanoTime());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  // ------------------------------------------------------------------ OpenAI

  private void chat(HttpServerRequest req, ObjectNode b, Answer a, boolean legacy) {
    String id = id(legacy ? "cmpl-" : "chatcmpl-");
    int n = Math.max(1, b.path("n").asInt(1));
    if (b.path("stream").asBoolean(false)) {
      boolean usage = b.path("stream_options").path("include_usage").asBoolean(false);
      List<String> events = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        if (!legacy) {
          ObjectNode d = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
          events.add(data(chunk(id, a.model, c, d, null, legacy)));
          if (a.reasoning) {
            ObjectNode r =
                Json.MAPPER.createObjectNode().put("reasoning_content", "Thinking it over.");
            events.add(data(chunk(id, a.model, c, r, null, legacy)));
          }
        }
        for (int i = 0; i < a.words; i++) {
          ObjectNode d = Json.MAPPER.createObjectNode().put("content", a.word(i));
          events.add(data(chunk(id, a.model, c, d, null, legacy, a.word(i))));
        }
        events.add(data(chunk(id, a.model, c, Json.MAPPER.createObjectNode(), "stop", legacy, "")));
      }
      if (usage) {
        ObjectNode u = base(id, legacy ? "text_completion" : "chat.completion.chunk", a.model);
        u.putArray("choices");
        u.set("usage", openAiUsage(a, n));
        events.add(data(u));
      }
      events.add("data: [DONE]\n\n");
      stream(req, events);
      return;
    }
    ObjectNode r = base(id, legacy ? "text_completion" : "chat.completion", a.model);
    ArrayNode choices = r.putArray("choices");
    for (int c = 0; c < n; c++) {
      ObjectNode ch = choices.addObject().put("index", c);
      if (legacy) {
        ch.put("text", a.text());
      } else {
        ObjectNode m = ch.putObject("message").put("role", "assistant").put("content", a.text());
        m.putNull("refusal");
        if (a.reasoning) {
          m.put("reasoning_content", "Thinking it over.");
        }
      }
      ch.putNull("logprobs");
      ch.put("finish_reason", "stop");
    }
    r.set("usage", openAiUsage(a, n));
    json(req.response(), r);
  }

  private static ObjectNode base(String id, String object, String model) {
    return Json.MAPPER
        .createObjectNode()
        .put("id", id)
        .put("object", object)
        .put("created", now())
        .put("model", model);
  }

  private static ObjectNode chunk(
      String id,
      String model,
      int index,
      ObjectNode delta,
      @Nullable String finish,
      boolean legacy) {
    return chunk(id, model, index, delta, finish, legacy, "");
  }

  private static ObjectNode chunk(
      String id,
      String model,
      int index,
      ObjectNode delta,
      @Nullable String finish,
      boolean legacy,
      String text) {
    ObjectNode c = base(id, legacy ? "text_completion" : "chat.completion.chunk", model);
    ObjectNode ch = c.putArray("choices").addObject().put("index", index);
    if (legacy) {
      ch.put("text", text);
    } else {
      ch.set("delta", delta);
    }
    ch.putNull("logprobs");
    if (finish == null) {
      ch.putNull("finish_reason");
    } else {
      ch.put("finish_reason", finish);
    }
    return c;
  }

  private static ObjectNode openAiUsage(Answer a, int n) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    u.put("prompt_tokens", a.inputTokens);
    u.put("completion_tokens", a.words * n);
    u.put("total_tokens", a.inputTokens + a.words * n);
    if (a.reasoning) {
      u.putObject("completion_tokens_details").put("reasoning_tokens", 4);
    }
    return u;
  }

  private void responses(HttpServerRequest req, ObjectNode b, Answer a) {
    String id = id("resp_");
    ObjectNode done = response(id, a, "completed");
    if (b.path("stream").asBoolean(false)) {
      List<String> events = new ArrayList<>();
      int seq = 0;
      events.add(
          event(
              "response.created",
              Json.MAPPER
                  .createObjectNode()
                  .put("type", "response.created")
                  .put("sequence_number", seq++)
                  .set("response", response(id, a, "in_progress"))));
      // The real stream's shape: each output item is announced, filled and closed, and every
      // event carries its item's output_index; a reasoning item (if any) comes first, so the
      // message is at index 1 then.
      JsonNode output = done.path("output");
      for (int idx = 0; idx < output.size(); idx++) {
        JsonNode item = output.get(idx);
        boolean message = "message".equals(item.path("type").asText());
        ObjectNode opened = item.deepCopy();
        opened.put("status", "in_progress");
        if (message) {
          opened.putArray("content");
        }
        events.add(
            event(
                "response.output_item.added",
                itemEvent("response.output_item.added", seq++, idx).set("item", opened)));
        if (message) {
          String itemId = item.path("id").asText();
          ObjectNode part =
              Json.MAPPER.createObjectNode().put("type", "output_text").put("text", "");
          part.putArray("annotations");
          events.add(
              event(
                  "response.content_part.added",
                  itemEvent("response.content_part.added", seq++, idx)
                      .put("item_id", itemId)
                      .put("content_index", 0)
                      .set("part", part)));
          for (int i = 0; i < a.words; i++) {
            events.add(
                event(
                    "response.output_text.delta",
                    itemEvent("response.output_text.delta", seq++, idx)
                        .put("item_id", itemId)
                        .put("content_index", 0)
                        .put("delta", a.word(i))));
          }
          events.add(
              event(
                  "response.output_text.done",
                  itemEvent("response.output_text.done", seq++, idx)
                      .put("item_id", itemId)
                      .put("content_index", 0)
                      .put("text", a.text())));
          events.add(
              event(
                  "response.content_part.done",
                  itemEvent("response.content_part.done", seq++, idx)
                      .put("item_id", itemId)
                      .put("content_index", 0)
                      .set("part", item.path("content").get(0).deepCopy())));
        }
        events.add(
            event(
                "response.output_item.done",
                itemEvent("response.output_item.done", seq++, idx).set("item", item.deepCopy())));
      }
      events.add(
          event(
              "response.completed",
              Json.MAPPER
                  .createObjectNode()
                  .put("type", "response.completed")
                  .put("sequence_number", seq)
                  .set("response", done)));
      stream(req, events);
      return;
    }
    json(req.response(), done);
  }

  private static ObjectNode response(String id, Answer a, String status) {
    ObjectNode r =
        Json.MAPPER
            .createObjectNode()
            .put("id", id)
            .put("object", "response")
            .put("created_at", now())
            .put("status", status)
            .put("model", a.model);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.putNull("instructions");
    r.putObject("metadata");
    r.put("parallel_tool_calls", true);
    r.putNull("temperature");
    r.put("tool_choice", "auto");
    r.putArray("tools");
    r.putNull("top_p");
    ArrayNode out = r.putArray("output");
    if (status.equals("completed")) {
      if (a.reasoning) {
        out.addObject().put("type", "reasoning").put("id", "rs_" + id).putArray("summary");
      }
      ObjectNode m =
          out.addObject()
              .put("type", "message")
              .put("id", "msg_" + id)
              .put("status", "completed")
              .put("role", "assistant");
      m.putArray("content")
          .addObject()
          .put("type", "output_text")
          .put("text", a.text())
          .putArray("annotations");
      ObjectNode u =
          r.putObject("usage")
              .put("input_tokens", a.inputTokens)
              .put("output_tokens", a.words)
              .put("total_tokens", a.inputTokens + a.words);
      u.putObject("input_tokens_details").put("cached_tokens", 0);
      u.putObject("output_tokens_details").put("reasoning_tokens", a.reasoning ? 4 : 0);
    } else {
      r.putNull("usage");
    }
    return r;
  }

  private void embeddings(HttpServerResponse resp, Answer a) {
    ObjectNode r = Json.MAPPER.createObjectNode().put("object", "list");
    ObjectNode e = r.putArray("data").addObject().put("object", "embedding").put("index", 0);
    ArrayNode v = e.putArray("embedding");
    for (int i = 0; i < 8; i++) {
      v.add(((a.inputTokens * 31 + i * 17) % 100) / 100.0);
    }
    r.put("model", a.model);
    r.putObject("usage").put("prompt_tokens", a.inputTokens).put("total_tokens", a.inputTokens);
    json(resp, r);
  }

  private void models(HttpServerRequest req) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    if (api(req) == Api.ANTHROPIC) {
      ArrayNode d = r.putArray("data");
      d.addObject()
          .put("type", "model")
          .put("id", "claude-standin")
          .put("display_name", "Claude stand-in")
          .put("created_at", "2026-01-01T00:00:00Z");
      r.put("has_more", false).put("first_id", "claude-standin").put("last_id", "claude-standin");
    } else {
      r.put("object", "list");
      r.putArray("data")
          .addObject()
          .put("id", "gpt-standin")
          .put("object", "model")
          .put("created", 1_767_225_600L)
          .put("owned_by", "distillguard");
    }
    json(req.response(), r);
  }

  // ------------------------------------------------------------------ Anthropic

  private void messages(HttpServerRequest req, ObjectNode b, Answer a) {
    String id = id("msg_");
    boolean thinking = a.reasoning || "enabled".equals(b.path("thinking").path("type").asText(""));
    if (b.path("stream").asBoolean(false)) {
      List<String> events = new ArrayList<>();
      ObjectNode start = message(id, a, false);
      start.set("content", Json.MAPPER.createArrayNode());
      start.putNull("stop_reason");
      ((ObjectNode) start.get("usage")).put("output_tokens", 1);
      events.add(
          event(
              "message_start",
              Json.MAPPER.createObjectNode().put("type", "message_start").set("message", start)));
      int index = 0;
      if (thinking) {
        ObjectNode cb = Json.MAPPER.createObjectNode().put("type", "thinking").put("thinking", "");
        cb.put("signature", "");
        events.add(blockStart(index, cb));
        events.add(
            blockDelta(
                index,
                Json.MAPPER
                    .createObjectNode()
                    .put("type", "thinking_delta")
                    .put("thinking", "Thinking it over.")));
        events.add(
            blockDelta(
                index,
                Json.MAPPER
                    .createObjectNode()
                    .put("type", "signature_delta")
                    .put("signature", "c3RhbmQtaW4=")));
        events.add(blockStop(index));
        index++;
      }
      events.add(
          blockStart(index, Json.MAPPER.createObjectNode().put("type", "text").put("text", "")));
      events.add(event("ping", Json.MAPPER.createObjectNode().put("type", "ping")));
      for (int i = 0; i < a.words; i++) {
        events.add(
            blockDelta(
                index,
                Json.MAPPER.createObjectNode().put("type", "text_delta").put("text", a.word(i))));
      }
      events.add(blockStop(index));
      ObjectNode md = Json.MAPPER.createObjectNode().put("type", "message_delta");
      md.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
      md.putObject("usage").put("output_tokens", a.words);
      events.add(event("message_delta", md));
      events.add(event("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop")));
      stream(req, events);
      return;
    }
    json(req.response(), message(id, a, thinking));
  }

  private static ObjectNode message(String id, Answer a, boolean thinking) {
    ObjectNode m =
        Json.MAPPER
            .createObjectNode()
            .put("id", id)
            .put("type", "message")
            .put("role", "assistant")
            .put("model", a.model);
    ArrayNode content = m.putArray("content");
    if (thinking) {
      content
          .addObject()
          .put("type", "thinking")
          .put("thinking", "Thinking it over.")
          .put("signature", "c3RhbmQtaW4=");
    }
    content.addObject().put("type", "text").put("text", a.text());
    m.put("stop_reason", "end_turn");
    m.putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", a.inputTokens).put("output_tokens", a.words);
    return m;
  }

  private static String blockStart(int index, ObjectNode block) {
    ObjectNode e =
        Json.MAPPER.createObjectNode().put("type", "content_block_start").put("index", index);
    e.set("content_block", block);
    return event("content_block_start", e);
  }

  private static String blockDelta(int index, ObjectNode delta) {
    ObjectNode e =
        Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", index);
    e.set("delta", delta);
    return event("content_block_delta", e);
  }

  private static String blockStop(int index) {
    return event(
        "content_block_stop",
        Json.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", index));
  }

  // ------------------------------------------------------------------ plumbing

  private static String data(JsonNode n) {
    return "data: " + Json.string(n) + "\n\n";
  }

  /** A Responses stream event about the output item at {@code outputIndex}. */
  private static ObjectNode itemEvent(String type, int sequence, int outputIndex) {
    return Json.MAPPER
        .createObjectNode()
        .put("type", type)
        .put("sequence_number", sequence)
        .put("output_index", outputIndex);
  }

  private static String event(String name, JsonNode n) {
    return "event: " + name + "\ndata: " + Json.string(n) + "\n\n";
  }

  private void stream(HttpServerRequest req, List<String> events) {
    HttpServerResponse resp = req.response();
    resp.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    long gap = header(req, "x-standin-chunk-delay-ms", 0);
    boolean drop = "true".equals(req.getHeader("x-standin-drop"));
    if (gap <= 0 && !drop) {
      Buffer all = Buffer.buffer();
      for (String e : events) {
        all.appendString(e);
      }
      resp.end(all);
      return;
    }
    send(req, resp, events, 0, gap, drop);
  }

  private void send(
      HttpServerRequest req,
      HttpServerResponse resp,
      List<String> events,
      int i,
      long gap,
      boolean drop) {
    if (resp.closed()) {
      cancelled.incrementAndGet();
      return;
    }
    if (i == events.size()) {
      resp.end();
      return;
    }
    Future<Void> w = resp.write(events.get(i));
    if (drop && i == 0) {
      w.onComplete(x -> req.connection().close());
      return;
    }
    if (gap > 0) {
      vertx.setTimer(gap, t -> send(req, resp, events, i + 1, gap, drop));
    } else {
      send(req, resp, events, i + 1, gap, drop);
    }
  }

  private static void json(HttpServerResponse resp, JsonNode n) {
    if (resp.closed()) {
      return;
    }
    resp.putHeader("content-type", "application/json").end(Buffer.buffer(Json.bytes(n)));
  }

  private static void error(HttpServerResponse resp, Api api, int status, String message) {
    if (resp.closed()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(ErrorBodies.body(api, status, message, null));
  }

  @Override
  public void close() {
    HttpServer s = server;
    if (s != null) {
      s.close().await();
    }
    if (ownsVertx) {
      vertx.close().await();
    }
  }
}
