package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distillguard.gateway.standin.StandInUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI and Anthropic Java SDKs, pointed at the gateway, which forwards to the
 * stand-in upstream: what a customer's code sees after changing only the base URL.
 */
@Tag("slow")
class SdkEndToEndTest {
  @TempDir static Path dir;
  static GatewayFixture fx;
  static OpenAIClient openai;
  static AnthropicClient anthropic;

  @BeforeAll
  static void start() throws Exception {
    fx = new GatewayFixture(dir, c -> {});
    String key = fx.key("acct-sdk");
    openai =
        OpenAIOkHttpClient.builder().apiKey(key).baseUrl(fx.url() + "/v1").maxRetries(0).build();
    anthropic = AnthropicOkHttpClient.builder().apiKey(key).baseUrl(fx.url()).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static ChatCompletionCreateParams chatParams(String prompt) {
    return ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage(prompt).build();
  }

  static MessageCreateParams messageParams(String prompt) {
    return MessageCreateParams.builder()
        .model("claude-test")
        .maxTokens(64)
        .addUserMessage(prompt)
        .build();
  }

  @Test
  void openAiChatCompletionPassesThroughWithTheUpstreamCredential() {
    ChatCompletion c = openai.chat().completions().create(chatParams("Why is the sky blue?"));
    assertThat(c.choices().get(0).message().content())
        .contains("The answer depends on the question you asked");
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
    StandInUpstream.Received r = fx.last();
    assertThat(r.headers().get("authorization")).isEqualTo("Bearer sk-upstream-openai");
  }

  @Test
  void openAiChatStreamsChunkByChunkWithoutTheUsageChunkItDidNotAskFor() {
    StringBuilder text = new StringBuilder();
    int chunks = 0;
    try (var s = openai.chat().completions().createStreaming(chatParams("Stream it"))) {
      for (ChatCompletionChunk ch : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
        chunks++;
        assertThat(ch.choices()).isNotEmpty();
        ch.choices().get(0).delta().content().ifPresent(text::append);
      }
    }
    assertThat(text.toString()).isEqualTo("The answer depends on the question you asked");
    assertThat(chunks).isEqualTo(10);
  }

  @Test
  void anthropicMessagesPassThroughWithTheUpstreamCredential() {
    Message m = anthropic.messages().create(messageParams("Why is the sky blue?"));
    assertThat(m.content().get(0).asText().text()).contains("answer");
    assertThat(m.usage().outputTokens()).isEqualTo(8);
    StandInUpstream.Received r = fx.last();
    assertThat(r.headers().get("x-api-key")).isEqualTo("sk-upstream-anthropic");
  }

  @Test
  void anthropicMessagesStream() {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> s =
        anthropic.messages().createStreaming(messageParams("Stream it"))) {
      s.stream()
          .forEach(
              ev ->
                  ev.contentBlockDelta()
                      .flatMap(d -> d.delta().text())
                      .ifPresent(t -> text.append(t.text())));
    }
    assertThat(text.toString()).isEqualTo("The answer depends on the question you asked");
  }

  @Test
  void aDegradedAccountsAnthropicStreamLosesItsThinkingAndStaysValidForTheSdk() throws Exception {
    String key = fx.key("acct-sdk-degraded");
    // A standing as the detector's campaign linking would publish it.
    fx.detection()
        .load(
            List.of(
                new org.distillguard.gateway.store.StoredVerdict(
                    "acct-sdk-degraded",
                    "suspicious",
                    0.7,
                    40,
                    null,
                    "t",
                    0,
                    "DG-SDK",
                    "camp-1",
                    false)));
    AnthropicClient degraded =
        AnthropicOkHttpClient.builder()
            .apiKey(key)
            .baseUrl(fx.url())
            .maxRetries(0)
            .putHeader("x-standin-reasoning", "true")
            .build();
    List<String> types = new java.util.ArrayList<>();
    StringBuilder text = new StringBuilder();
    try (StreamResponse<RawMessageStreamEvent> s =
        degraded.messages().createStreaming(messageParams("Think hard"))) {
      s.stream()
          .forEach(
              ev -> {
                ev.contentBlockStart()
                    .ifPresent(b -> types.add(b.contentBlock().isText() ? "text" : "other"));
                ev.contentBlockDelta()
                    .flatMap(d -> d.delta().text())
                    .ifPresent(t -> text.append(t.text()));
              });
    }
    assertThat(types).containsExactly("text");
    assertThat(text.toString()).isEqualTo("The answer depends on the question you asked");
    // The campaign (not the suspicious verdict, which the default policy throttles) degrades.
    assertThat(java.util.Objects.requireNonNull(fx.last().body()).path("max_tokens").asInt())
        .isEqualTo(64);
  }

  @Test
  void aDegradedAccountsResponsesStreamLosesItsReasoningItemAndIsRenumberedForTheSdk()
      throws Exception {
    String key = fx.key("acct-sdk-responses");
    fx.detection()
        .load(
            List.of(
                new org.distillguard.gateway.store.StoredVerdict(
                    "acct-sdk-responses",
                    "suspicious",
                    0.7,
                    40,
                    null,
                    "t",
                    0,
                    "DG-SDK-R",
                    "camp-2",
                    false)));
    ResponseCreateParams params =
        ResponseCreateParams.builder().model("gpt-test").input("Think hard").build();
    for (boolean degrade : new boolean[] {false, true}) {
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .apiKey(degrade ? key : fx.key("acct-sdk-responses-" + degrade))
              .baseUrl(fx.url() + "/v1")
              .maxRetries(0)
              .putHeader("x-standin-reasoning", "true")
              .build();
      List<Long> indexes = new java.util.ArrayList<>();
      List<Long> sequence = new java.util.ArrayList<>();
      List<String> items = new java.util.ArrayList<>();
      StringBuilder text = new StringBuilder();
      try (var s = client.responses().createStreaming(params)) {
        s.stream()
            .forEach(
                ev -> {
                  ev.outputItemAdded()
                      .ifPresent(
                          a -> {
                            indexes.add(a.outputIndex());
                            items.add(a.item().isReasoning() ? "reasoning" : "message");
                          });
                  ev.outputTextDelta()
                      .ifPresent(
                          d -> {
                            text.append(d.delta());
                            sequence.add(d.sequenceNumber());
                          });
                  ev.completed().ifPresent(c -> sequence.add(c.sequenceNumber()));
                });
      }
      assertThat(text.toString()).isEqualTo("The answer depends on the question you asked");
      if (degrade) {
        assertThat(items).containsExactly("message");
        assertThat(indexes).containsExactly(0L);
      } else {
        assertThat(items).containsExactly("reasoning", "message");
        assertThat(indexes).containsExactly(0L, 1L);
      }
      // Whatever was dropped, the events the client gets are numbered without gaps: the deltas
      // and the final event are consecutive after the content part opens.
      for (int i = 1; i < sequence.size(); i++) {
        assertThat(sequence.get(i))
            .isEqualTo(sequence.get(i - 1) + (i == sequence.size() - 1 ? 4 : 1));
      }
      assertThat(sequence.get(sequence.size() - 1)).isEqualTo(degrade ? 3 + 8 + 3 : 3 + 2 + 8 + 3);
    }
  }

  @Test
  void unknownKeysGetTheSdksAuthenticationErrors() {
    OpenAIClient bad =
        OpenAIOkHttpClient.builder()
            .apiKey("sk-nope")
            .baseUrl(fx.url() + "/v1")
            .maxRetries(0)
            .build();
    assertThatThrownBy(() -> bad.chat().completions().create(chatParams("hi")))
        .isInstanceOf(com.openai.errors.UnauthorizedException.class)
        .hasMessageContaining("Incorrect API key");
    AnthropicClient badA =
        AnthropicOkHttpClient.builder().apiKey("sk-nope").baseUrl(fx.url()).maxRetries(0).build();
    assertThatThrownBy(() -> badA.messages().create(messageParams("hi")))
        .isInstanceOf(com.anthropic.errors.UnauthorizedException.class);
  }

  @Test
  void everyExchangeIsJournaledAsContractOne() throws Exception {
    openai.chat().completions().create(chatParams("Journal this prompt"));
    fx.awaitDetector();
    // the worker flushes when its queue is empty
    Thread.sleep(300);
    List<String> lines = Files.readAllLines(dir.resolve("journal/exchanges.jsonl"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("\"account\":\"acct-sdk\"")
                    .contains("\"endpoint\":\"chat.completions\"")
                    .contains("Journal this prompt")
                    .contains("\"output_tokens\":8"));
  }
}
