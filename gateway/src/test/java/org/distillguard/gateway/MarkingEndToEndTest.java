package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.distillguard.gateway.store.MarkServing;
import org.distillguard.gateway.store.StoredVerdict;
import org.distillguard.gateway.wire.Json;
import org.distillguard.mark.Detector;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.MasterKey;
import org.distillguard.mark.Units;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watermarks and canaries through the real gateway, seen by the official OpenAI and Anthropic Java
 * SDKs: a suspect's answers carry the mark (a probe finds it), everyone else's are untouched, the
 * text is the same whether it streams word by word, one character at a time, in odd pieces or not
 * at all, the inference server's switch is forced on, and each serving lands in the store.
 */
@Tag("slow")
class MarkingEndToEndTest {
  static final String MASTER_HEX =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  static final MasterKey MASTER = MasterKey.fromHex(MASTER_HEX);

  /** Answer-like paragraphs dense in the dictionary's words, in varied contexts. */
  static final List<String> ANSWERS =
      List.of(
          "It is often useful to use a small script here. You do not need to install anything,"
              + " and it does not require root. However, you will often need to choose the right"
              + " options, and that is where most people get stuck.",
          "Maybe the simplest fix is to modify the configuration file. It is slightly different on"
              + " each system, so you should not copy it blindly. In addition, the tool allows you"
              + " to select a profile, which is especially handy when you are testing.",
          "This usually happens when the cache is stale. It occurs quite rarely, but it is"
              + " therefore worth knowing. You can help the tool by clearing the cache, and it"
              + " helps to restart the service afterwards. There is nearly always a log entry.",
          "If you are unsure, perhaps start with the defaults. They are not perfect, but they are"
              + " mostly fine. Someone on your team can help you review the result; it is exactly"
              + " what code review is for, and it frequently catches mistakes quickly.",
          "A restart is required if the kernel changes. You cannot avoid it, and you should not"
              + " try to. Finally, remember that the update was not applied until the machine came"
              + " back. It is completely normal, and it is largely automatic on modern systems.");

  @TempDir static Path dir;
  static GatewayFixture fx;
  static String suspectKey;
  static String cleanKey;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new GatewayFixture(
            dir,
            c -> {
              c.marking.mode = "suspects";
              c.marking.masterKey = MASTER_HEX;
              c.marking.upstreamWatermark = "vllm";
              // Marking is independent of the other actions: let the suspect through unthrottled.
              c.policy.suspicious = "allow";
            });
    suspectKey = fx.key("acct-suspect");
    cleanKey = fx.key("acct-clean");
    fx.detection()
        .load(
            List.of(
                new StoredVerdict(
                    "acct-suspect", "suspicious", 0.7, 40, null, "t", 0, "DG-M1", null, false)));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static String header(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static OpenAIClient openai(String key, String text, int chunkChars) {
    var b =
        OpenAIOkHttpClient.builder()
            .apiKey(key)
            .baseUrl(fx.url() + "/v1")
            .maxRetries(0)
            .putHeader("x-standin-text", header(text));
    if (chunkChars > 0) {
      b.putHeader("x-standin-chunk-chars", Integer.toString(chunkChars));
    }
    return b.build();
  }

  static AnthropicClient anthropic(String key, String text, int chunkChars) {
    var b =
        AnthropicOkHttpClient.builder()
            .apiKey(key)
            .baseUrl(fx.url())
            .maxRetries(0)
            .putHeader("x-standin-text", header(text));
    if (chunkChars > 0) {
      b.putHeader("x-standin-chunk-chars", Integer.toString(chunkChars));
    }
    return b.build();
  }

  static final String PROMPT = "Why does my service misbehave after updates?";

  static ChatCompletionCreateParams chat() {
    return ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage(PROMPT).build();
  }

  static String chatWhole(String key, String text) {
    return openai(key, text, 0)
        .chat()
        .completions()
        .create(chat())
        .choices()
        .get(0)
        .message()
        .content()
        .orElseThrow();
  }

  static String chatStreamed(String key, String text, int chunkChars) {
    StringBuilder sb = new StringBuilder();
    try (var s = openai(key, text, chunkChars).chat().completions().createStreaming(chat())) {
      for (ChatCompletionChunk ch : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
        ch.choices().forEach(c -> c.delta().content().ifPresent(sb::append));
      }
    }
    return sb.toString();
  }

  static MessageCreateParams message() {
    return MessageCreateParams.builder()
        .model("claude-test")
        .maxTokens(4096)
        .addUserMessage(PROMPT)
        .build();
  }

  static String anthropicWhole(String key, String text) {
    return anthropic(key, text, 0).messages().create(message()).content().get(0).asText().text();
  }

  static String anthropicStreamed(String key, String text, int chunkChars) {
    StringBuilder sb = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> s =
        anthropic(key, text, chunkChars).messages().createStreaming(message())) {
      s.stream()
          .forEach(
              ev ->
                  ev.contentBlockDelta()
                      .flatMap(d -> d.delta().text())
                      .ifPresent(t -> sb.append(t.text())));
    }
    return sb.toString();
  }

  static String responsesStreamed(String key, String text, int chunkChars) {
    StringBuilder sb = new StringBuilder();
    ResponseCreateParams p = ResponseCreateParams.builder().model("gpt-test").input(PROMPT).build();
    try (var s = openai(key, text, chunkChars).responses().createStreaming(p)) {
      for (ResponseStreamEvent ev : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
        ev.outputTextDelta().ifPresent(d -> sb.append(d.delta()));
      }
    }
    return sb.toString();
  }

  @Test
  void aSuspectsAnswersCarryTheMarkAndAProbeFindsIt() {
    Units units = Units.standard();
    for (String a : ANSWERS) {
      String marked = chatWhole(suspectKey, a);
      assertThat(marked).isNotEqualTo(a);
      units.add(PROMPT, marked);
    }
    MarkKey key = MASTER.account("acct-suspect");
    Detector.Score s = Detector.score(units, key);
    assertThat(s.units()).isGreaterThanOrEqualTo(20);
    assertThat(s.agree()).isEqualTo(s.units());
    assertThat(s.log10P()).isLessThan(-6);
    // Another key sees nothing.
    assertThat(Detector.score(units, MASTER.account("acct-clean")).log10P()).isGreaterThan(-3);
  }

  @Test
  void everyoneElsesAnswersAreUntouchedInEveryFormat() {
    String a = ANSWERS.get(0);
    assertThat(chatWhole(cleanKey, a)).isEqualTo(a);
    assertThat(chatStreamed(cleanKey, a, 0)).isEqualTo(a);
    assertThat(anthropicWhole(cleanKey, a)).isEqualTo(a);
    assertThat(anthropicStreamed(cleanKey, a, 3)).isEqualTo(a);
    assertThat(responsesStreamed(cleanKey, a, 0)).isEqualTo(a);
  }

  @Test
  void theMarkedTextIsTheSameHoweverTheAnswerIsChunkedAndWhateverTheApi() {
    for (String a : ANSWERS.subList(0, 3)) {
      String whole = chatWhole(suspectKey, a);
      assertThat(whole).isNotEqualTo(a);
      for (int chunk : new int[] {0, 1, 7}) {
        assertThat(chatStreamed(suspectKey, a, chunk)).as("chat, chunk %d", chunk).isEqualTo(whole);
        assertThat(anthropicStreamed(suspectKey, a, chunk))
            .as("messages, chunk %d", chunk)
            .isEqualTo(whole);
        assertThat(responsesStreamed(suspectKey, a, chunk))
            .as("responses, chunk %d", chunk)
            .isEqualTo(whole);
      }
      assertThat(anthropicWhole(suspectKey, a)).isEqualTo(whole);
    }
  }

  @Test
  void legacyCompletionsAreMarkedTheSameStreamedAndWhole() throws Exception {
    String a = ANSWERS.get(2);
    String whole = "{\"model\":\"gpt-test\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":4096}";
    String streamed =
        "{\"model\":\"gpt-test\",\"stream\":true,\"prompt\":\""
            + PROMPT
            + "\",\"max_tokens\":4096}";
    var r = fx.post("/v1/completions", suspectKey, whole, "x-standin-text", header(a));
    assertThat(r.statusCode()).isEqualTo(200);
    String marked =
        Json.parse(r.body().getBytes(StandardCharsets.UTF_8))
            .path("choices")
            .path(0)
            .path("text")
            .asText();
    assertThat(marked).isNotEqualTo(a);
    var s =
        fx.post(
            "/v1/completions",
            suspectKey,
            streamed,
            "x-standin-text",
            header(a),
            "x-standin-chunk-chars",
            "5");
    StringBuilder text = new StringBuilder();
    for (String line : s.body().split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode t =
            Json.parse(line.substring(6).getBytes(StandardCharsets.UTF_8))
                .path("choices")
                .path(0)
                .path("text");
        if (t.isTextual()) {
          text.append(t.asText());
        }
      }
    }
    assertThat(text.toString()).isEqualTo(marked);
    var clean = fx.post("/v1/completions", cleanKey, whole, "x-standin-text", header(a));
    assertThat(
            Json.parse(clean.body().getBytes(StandardCharsets.UTF_8))
                .path("choices")
                .path(0)
                .path("text")
                .asText())
        .isEqualTo(a);
  }

  @Test
  void eachChoiceIsMarkedOnItsOwn() throws Exception {
    String a = ANSWERS.get(3);
    String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]";
    var whole =
        fx.post(
            "/v1/chat/completions",
            suspectKey,
            "{\"model\":\"gpt-test\",\"n\":2," + msgs + "}",
            "x-standin-text",
            header(a));
    JsonNode choices = Json.parse(whole.body().getBytes(StandardCharsets.UTF_8)).path("choices");
    String first = choices.path(0).path("message").path("content").asText();
    assertThat(first).isNotEqualTo(a);
    assertThat(choices.path(1).path("message").path("content").asText()).isEqualTo(first);
    var streamed =
        fx.post(
            "/v1/chat/completions",
            suspectKey,
            "{\"model\":\"gpt-test\",\"n\":2,\"stream\":true," + msgs + "}",
            "x-standin-text",
            header(a),
            "x-standin-chunk-chars",
            "3");
    StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
    for (String line : streamed.body().split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode c =
            Json.parse(line.substring(6).getBytes(StandardCharsets.UTF_8)).path("choices").path(0);
        if (c.path("delta").path("content").isTextual()) {
          text[c.path("index").asInt()].append(c.path("delta").path("content").asText());
        }
      }
    }
    assertThat(text[0].toString()).isEqualTo(first);
    assertThat(text[1].toString()).isEqualTo(first);
  }

  @Test
  void theFirstByteWaitsForAtMostOneWord() throws Exception {
    String a = ANSWERS.get(1);
    String body =
        "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
            + PROMPT
            + "\"}]}";
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(fx.url() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .header("authorization", "Bearer " + suspectKey)
            .header("x-standin-text", header(a))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<Stream<String>> r = fx.http.send(req, HttpResponse.BodyHandlers.ofLines());
    List<String> upstreamWords = List.of(a.split(" "));
    StringBuilder got = new StringBuilder();
    int contentEvents = 0;
    Iterator<String> lines = r.body().iterator();
    while (lines.hasNext()) {
      String line = lines.next();
      if (!line.startsWith("data: {")) {
        continue;
      }
      JsonNode ev = Json.parse(line.substring(6).getBytes(StandardCharsets.UTF_8));
      JsonNode delta = ev.path("choices").path(0).path("delta");
      if (!delta.has("content") || delta.path("content").asText().isEmpty() && delta.has("role")) {
        continue;
      }
      contentEvents++;
      got.append(delta.path("content").asText());
      if (contentEvents <= upstreamWords.size()) {
        // The upstream has sent words 1..n; the word n may still grow and one complete word may
        // wait for its successor: every word before those has gone out.
        assertThat(covered(got.toString(), upstreamWords))
            .as("after event %d: %s", contentEvents, got)
            .isGreaterThanOrEqualTo(contentEvents - 2);
      }
    }
    assertThat(got.toString()).isEqualTo(chatWhole(suspectKey, a));
  }

  @Test
  void theInferenceServersWatermarkIsForcedOnForSuspectsAndTheirOptOutStripped() throws Exception {
    String optOut =
        "{\"model\":\"gpt-test\",\"watermarking\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    assertThat(fx.post("/v1/chat/completions", suspectKey, optOut).statusCode()).isEqualTo(200);
    assertThat(lastBody().path("watermarking").asBoolean(false)).isTrue();
    assertThat(fx.post("/v1/chat/completions", cleanKey, optOut).statusCode()).isEqualTo(200);
    assertThat(lastBody().get("watermarking").asBoolean(true)).isFalse();
  }

  @Test
  void aSuspectGetsACanaryForAnEligiblePromptAndEveryServingIsRecordedWithoutText()
      throws Exception {
    String prompt = "Give me an example order number for my test data";
    String body =
        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}]}";
    assertThat(fx.post("/v1/chat/completions", suspectKey, body).statusCode()).isEqualTo(200);
    JsonNode first = lastBody().path("messages").path(0);
    assertThat(first.path("role").asText()).isEqualTo("system");
    assertThat(first.path("content").asText())
        .containsPattern("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}");
    assertThat(fx.post("/v1/chat/completions", cleanKey, body).statusCode()).isEqualTo(200);
    assertThat(lastBody().path("messages").size()).isEqualTo(1);

    List<MarkServing> rows = awaitServings("acct-suspect");
    assertThat(rows).isNotEmpty();
    assertThat(rows).anyMatch(m -> m.canaryHash() != null);
    assertThat(rows).allMatch(m -> m.keyLabel().equals("account:acct-suspect"));
    assertThat(rows)
        .allMatch(m -> m.keyFingerprint().equals(MASTER.account("acct-suspect").fingerprint()));
    assertThat(fx.gateway.store().markServings("acct-clean", 100)).isEmpty();
    for (MarkServing m : rows) {
      assertThat(m.toString()).doesNotContain("order number").doesNotContain("example");
    }
  }

  /**
   * How many of the upstream's words the marked text received so far accounts for: a word the mark
   * made of two ("It's" for "It is", "Additionally," for "In addition,") stands for two (the answer
   * used has no contractions of its own).
   */
  static int covered(String got, List<String> upstream) {
    if (got.isBlank()) {
      return 0;
    }
    int i = 0;
    for (String g : got.trim().split("\\s+")) {
      boolean merged =
          (g.indexOf('\'') > 0 || g.startsWith("Additionally"))
              && i < upstream.size()
              && !upstream.get(i).equalsIgnoreCase(g);
      i += merged ? 2 : 1;
    }
    return i;
  }

  static JsonNode lastBody() {
    return java.util.Objects.requireNonNull(fx.last().body());
  }

  static List<MarkServing> awaitServings(String account) throws InterruptedException {
    List<MarkServing> rows = new ArrayList<>();
    for (int i = 0; i < 200 && rows.stream().noneMatch(m -> m.canaryHash() != null); i++) {
      Thread.sleep(25);
      rows = fx.gateway.store().markServings(account, 1000);
    }
    return rows;
  }
}
