package org.distillguard.gateway.mark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.store.JdbcStore;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Marking one answer's wire format: what is marked, what never is, and chunking independence. */
class AnswerMarkingTest {
  static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  static final String TEXT =
      "It is often useful to use a small script. You do not need root, and it does not require"
          + " a restart. Maybe the simplest fix is to modify the file; it is slightly different.";
  static final Standing SUSPECT =
      new Standing("acct-s", Verdict.SUSPICIOUS, 0.7, "DG-1", null, false);

  @TempDir Path dir;
  JdbcStore store;
  Marking marking;

  @BeforeEach
  void open() throws Exception {
    store = JdbcStore.open("jdbc:sqlite:" + dir.resolve("t.db"), "", "");
    GatewayConfig c =
        ConfigLoader.parse(
            "upstreams: [{name: o, api: openai, url: 'http://127.0.0.1:1'}]\n"
                + "admin: {port: -1}\n"
                + "marking: {mode: suspects, master_key: "
                + HEX
                + ", upstream_watermark: sglang}\n",
            Map.of(),
            dir);
    marking = Objects.requireNonNull(Marking.from(c, store, Clock.systemUTC()));
  }

  @AfterEach
  void close() {
    marking.close();
    store.close();
  }

  AnswerMarking plan(Endpoint ep, String body) throws Exception {
    ApiRequest ar = ApiRequest.of(ep, Json.parse(body.getBytes(StandardCharsets.UTF_8)));
    return Objects.requireNonNull(marking.plan("acct-s", SUSPECT, ep, ar));
  }

  static final String CHAT =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  static String chunk(ObjectNode delta, @org.jspecify.annotations.Nullable String finish) {
    ObjectNode c =
        Json.MAPPER.createObjectNode().put("id", "x").put("object", "chat.completion.chunk");
    ObjectNode ch = c.putArray("choices").addObject().put("index", 0);
    ch.set("delta", delta);
    if (finish == null) {
      ch.putNull("finish_reason");
    } else {
      ch.put("finish_reason", finish);
    }
    return "data: " + Json.string(c) + "\n\n";
  }

  /**
   * A chat stream of TEXT word by word, with reasoning and a tool call full of dictionary words.
   */
  static String chatStream() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        chunk(Json.MAPPER.createObjectNode().put("reasoning_content", "It is often used."), null));
    ObjectNode tool = Json.MAPPER.createObjectNode();
    tool.putArray("tool_calls")
        .addObject()
        .put("index", 0)
        .putObject("function")
        .put("name", "f")
        .put("arguments", "{\"note\": \"you do not need to use it\"} it is often");
    sb.append(chunk(tool, null));
    for (String w : TEXT.split("(?<=\\S)(?=\\s)")) {
      sb.append(chunk(Json.MAPPER.createObjectNode().put("content", w), null));
    }
    sb.append(chunk(Json.MAPPER.createObjectNode(), "stop"));
    sb.append("data: [DONE]\n\n");
    return sb.toString();
  }

  static String contentOf(String sse, String field) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String line : sse.split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode d = Json.parse(line.substring(6).getBytes(StandardCharsets.UTF_8));
        JsonNode delta = d.path("choices").path(0).path("delta");
        if (field.equals("tool")) {
          JsonNode a = delta.path("tool_calls").path(0).path("function").path("arguments");
          if (a.isTextual()) {
            sb.append(a.asText());
          }
        } else if (delta.path(field).isTextual()) {
          sb.append(delta.path(field).asText());
        }
      }
    }
    return sb.toString();
  }

  String run(AnswerMarking m, byte[] all, Random rnd, int maxPiece) {
    StringBuilder out = new StringBuilder();
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; i < all.length; ) {
      int n = maxPiece <= 1 ? 1 : 1 + rnd.nextInt(maxPiece);
      pieces.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + n)));
      i += n;
    }
    for (byte[] p : pieces) {
      out.append(new String(m.stream(p), StandardCharsets.UTF_8));
    }
    out.append(new String(m.streamEnd(new byte[0]), StandardCharsets.UTF_8));
    return out.toString();
  }

  @Test
  void marksOnlyAnswerTextNeverReasoningOrToolArgumentsWhateverTheByteChunking() throws Exception {
    byte[] all = chatStream().getBytes(StandardCharsets.UTF_8);
    String whole = run(plan(Endpoint.CHAT_COMPLETIONS, CHAT), all, new Random(1), all.length);
    String marked = contentOf(whole, "content");
    assertThat(marked).isNotEqualTo(TEXT);
    assertThat(contentOf(whole, "reasoning_content")).isEqualTo("It is often used.");
    assertThat(contentOf(whole, "tool"))
        .isEqualTo("{\"note\": \"you do not need to use it\"} it is often");
    for (int max : new int[] {1, 3, 17, 200}) {
      String again = run(plan(Endpoint.CHAT_COMPLETIONS, CHAT), all, new Random(max), max);
      assertThat(contentOf(again, "content")).as("pieces up to %d bytes", max).isEqualTo(marked);
    }
    // The same answer not streamed.
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("choices").addObject().put("index", 0).putObject("message").put("content", TEXT);
    JsonNode out = Json.parse(plan(Endpoint.CHAT_COMPLETIONS, CHAT).body(Json.bytes(body)));
    assertThat(out.path("choices").path(0).path("message").path("content").asText())
        .isEqualTo(marked);
  }

  @Test
  void aStreamCutShortStillDeliversTheHeldWord() throws Exception {
    AnswerMarking m = plan(Endpoint.CHAT_COMPLETIONS, CHAT);
    String sse = chunk(Json.MAPPER.createObjectNode().put("content", "We need"), null);
    String out = new String(m.stream(sse.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    out += new String(m.streamEnd(new byte[0]), StandardCharsets.UTF_8);
    assertThat(contentOf(out, "content")).isIn("We need", "We require");
  }

  @Test
  void theSglangSwitchReplacesAClientsOptOut() throws Exception {
    String body =
        "{\"model\":\"m\",\"watermark\":{\"enabled\":false,\"strength\":0},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    ApiRequest ar =
        ApiRequest.of(Endpoint.CHAT_COMPLETIONS, Json.parse(body.getBytes(StandardCharsets.UTF_8)));
    AnswerMarking m =
        Objects.requireNonNull(marking.plan("acct-s", SUSPECT, Endpoint.CHAT_COMPLETIONS, ar));
    assertThat(m.requestChanged()).isTrue();
    assertThat(Json.string(ar.body().get("watermark"))).isEqualTo("{\"enabled\":true}");
    // Not a suspect: nothing is planned and the body keeps the client's choice.
    ApiRequest other =
        ApiRequest.of(Endpoint.CHAT_COMPLETIONS, Json.parse(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(marking.plan("acct-x", null, Endpoint.CHAT_COMPLETIONS, other)).isNull();
    assertThat(other.body().path("watermark").path("enabled").asBoolean(true)).isFalse();
  }

  @Test
  void vllmAndTensorRtSwitches() {
    ObjectNode b = Json.MAPPER.createObjectNode().put("watermarking", false);
    assertThat(UpstreamWatermark.VLLM.force(Endpoint.CHAT_COMPLETIONS, b)).isTrue();
    assertThat(b.get("watermarking").asBoolean()).isTrue();
    assertThat(UpstreamWatermark.VLLM.force(Endpoint.CHAT_COMPLETIONS, b)).isFalse();
    // TensorRT-LLM documents no per-request switch: nothing is forced or stripped.
    ObjectNode t = Json.MAPPER.createObjectNode().put("watermarking", false);
    assertThat(UpstreamWatermark.TENSORRT_LLM.force(Endpoint.CHAT_COMPLETIONS, t)).isFalse();
    assertThat(Json.string(t)).isEqualTo("{\"watermarking\":false}");
    // Never on the Anthropic API or embeddings.
    ObjectNode e = Json.MAPPER.createObjectNode();
    assertThat(UpstreamWatermark.VLLM.force(Endpoint.EMBEDDINGS, e)).isFalse();
    assertThat(UpstreamWatermark.of("tensorrt-llm")).isEqualTo(UpstreamWatermark.TENSORRT_LLM);
  }

  @Test
  void modesChooseTheRightKey() throws Exception {
    Standing linked = new Standing("acct-c", Verdict.BENIGN, 0.1, "DG-2", "camp-9", false);
    assertThat(marking.keyFor("acct-c", linked).orElseThrow().label()).isEqualTo("campaign:camp-9");
    assertThat(marking.keyFor("acct-s", SUSPECT).orElseThrow().label()).isEqualTo("account:acct-s");
    assertThat(marking.keyFor("acct-x", null)).isEmpty();
    Standing benign = new Standing("acct-b", Verdict.BENIGN, 0.1, "DG-3", null, false);
    assertThat(marking.keyFor("acct-b", benign)).isEmpty();
  }

  @Test
  void theMasterKeyMayComeFromAFileAndABadFileIsNamed() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("mark.key"), HEX + "\n");
    String yaml =
        "upstreams: [{name: o, api: openai, url: 'http://127.0.0.1:1'}]\nadmin: {port: -1}\n"
            + "marking: {mode: flagged, master_key_file: mark.key}\n";
    GatewayConfig c = ConfigLoader.parse(yaml, Map.of(), dir);
    try (Marking m = Objects.requireNonNull(Marking.from(c, store, Clock.systemUTC()))) {
      assertThat(m.keyFor("acct-s", SUSPECT).orElseThrow())
          .isEqualTo(org.distillguard.mark.MasterKey.fromHex(HEX).account("acct-s"));
      // Flagged mode ignores campaigns.
      Standing linked = new Standing("acct-c", Verdict.BENIGN, 0.1, "DG-2", "camp-9", false);
      assertThat(m.keyFor("acct-c", linked)).isEmpty();
    }
    java.nio.file.Files.writeString(dir.resolve("mark.key"), "not a key");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Marking.from(c, store, Clock.systemUTC()))
        .hasMessageContaining("mark.key")
        .hasMessageContaining("64 hex");
  }
}
