package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.distillguard.core.event.Usage;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.ResponseReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream reading is independent of how the network cuts the bytes. */
class WireTest {
  static final String ANTHROPIC_STREAM =
      """
      event: message_start
      data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":1}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"secret"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: content_block_start
      data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" world"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":1}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  static String feed(ResponseReader r, String stream, int cut) {
    byte[] all = stream.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < all.length; i += cut) {
      int n = Math.min(cut, all.length - i);
      byte[] part = java.util.Arrays.copyOfRange(all, i, i + n);
      out.append(new String(r.streamChunk(part, n), StandardCharsets.UTF_8));
    }
    out.append(new String(r.streamEnd(), StandardCharsets.UTF_8));
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 16, 61, 4096})
  void anthropicStreamsAreReadWhateverTheChunking(int cut) {
    ResponseReader r = new ResponseReader(Endpoint.MESSAGES, false, false, 1000);
    String out = feed(r, ANTHROPIC_STREAM, cut);
    assertThat(out).isEqualTo(ANTHROPIC_STREAM);
    assertThat(r.usage()).isEqualTo(new Usage(12, 7, -1));
    assertThat(r.output()).isEqualTo("Hello world");
    assertThat(r.sawEnd()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 17, 4096})
  void eventsWithCrLfLineEndsReadTheSameWhateverTheChunking(int cut) {
    String crlf = ANTHROPIC_STREAM.replace("\n", "\r\n");
    ResponseReader r = new ResponseReader(Endpoint.MESSAGES, true, false, 1000);
    String out = feed(r, crlf, cut);
    assertThat(out).doesNotContain("thinking").contains("message_stop");
    assertThat(r.usage()).isEqualTo(new Usage(12, 7, -1));
    assertThat(r.output()).isEqualTo("Hello world");
    assertThat(r.sawEnd()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 13, 4096})
  void strippingThinkingRenumbersTheRemainingBlocks(int cut) {
    ResponseReader r = new ResponseReader(Endpoint.MESSAGES, true, false, 1000);
    String out = feed(r, ANTHROPIC_STREAM, cut);
    assertThat(out).doesNotContain("thinking").doesNotContain("\"index\":1");
    assertThat(out).contains("\"index\":0").contains("Hello").contains("message_stop");
    assertThat(r.output()).isEqualTo("Hello world");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 9, 4096})
  void openAiUsageChunkIsReadAndDroppedWhenTheGatewayAskedForIt(int cut) {
    String s =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n"
            + "data: [DONE]\n\n";
    ResponseReader r = new ResponseReader(Endpoint.CHAT_COMPLETIONS, false, true, 1000);
    String out = feed(r, s, cut);
    assertThat(out).doesNotContain("usage").contains("Hi").endsWith("data: [DONE]\n\n");
    assertThat(r.usage()).isEqualTo(new Usage(3, 1, -1));
  }

  /** JSON answers of every API, with the usage first, in the middle or last, and decoys. */
  static final String[][] ANSWERS = {
    {
      "CHAT_COMPLETIONS",
      "{\"id\":\"c\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\","
          + "\"usage\":{\"prompt_tokens\":99}}}],\"usage\":{\"prompt_tokens\":11,"
          + "\"completion_tokens\":5,\"completion_tokens_details\":{\"reasoning_tokens\":2}}}"
    },
    {"COMPLETIONS", "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4},\"choices\":[]}"},
    {"EMBEDDINGS", "{\"data\":[{\"embedding\":[0.1,-2e-3]}],\"usage\":{\"prompt_tokens\":7}}"},
    {
      "RESPONSES",
      "{\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"é\"}]}],"
          + "\"usage\":{\"input_tokens\":8,\"output_tokens\":9,"
          + "\"output_tokens_details\":{\"reasoning_tokens\":1}},\"tail\":[1,{\"usage\":0}]}"
    },
    {
      "MESSAGES",
      "{\"content\":[{\"type\":\"text\",\"text\":\"日本\"}],\"usage\":{\"input_tokens\":10,"
          + "\"cache_read_input_tokens\":5,\"output_tokens\":6}}"
    },
    {"CHAT_COMPLETIONS", "{\"usage\":null,\"choices\":[]}"},
    {"CHAT_COMPLETIONS", "{\"choices\":[]}"},
    {"CHAT_COMPLETIONS", "[1,2]"},
    {"CHAT_COMPLETIONS", "not json"},
    {"CHAT_COMPLETIONS", "{\"usage\":{\"prompt_tokens\":4},\"choices\":[{\"message\":"},
    {"CHAT_COMPLETIONS", ""},
  };

  @org.junit.jupiter.api.Test
  void readingOnlyTheUsageGivesTheSameUsageAsReadingTheWholeAnswerAndLeavesTheBytesAlone() {
    for (String[] a : ANSWERS) {
      byte[] body = a[1].getBytes(StandardCharsets.UTF_8);
      Endpoint ep = Endpoint.valueOf(a[0]);
      ResponseReader whole = new ResponseReader(ep, false, false, 1000);
      ResponseReader usageOnly = new ResponseReader(ep, false, false, 0);
      byte[] wholeOut = whole.body(body.clone());
      byte[] onlyOut = usageOnly.body(body);
      assertThat(onlyOut).as(a[1]).isSameAs(body);
      if (!a[1].endsWith("\"message\":")) { // cut short: the tree reader gives up altogether
        assertThat(usageOnly.usage()).as(a[1]).isEqualTo(whole.usage());
      }
      assertThat(new String(wholeOut, StandardCharsets.UTF_8)).isEqualTo(a[1]);
      assertThat(usageOnly.output()).isEmpty();
    }
    ResponseReader chat = new ResponseReader(Endpoint.CHAT_COMPLETIONS, false, false, 0);
    chat.body(ANSWERS[0][1].getBytes(StandardCharsets.UTF_8));
    assertThat(chat.usage()).isEqualTo(new Usage(11, 5, 2));
    ResponseReader msg = new ResponseReader(Endpoint.MESSAGES, false, false, 0);
    msg.body(ANSWERS[4][1].getBytes(StandardCharsets.UTF_8));
    assertThat(msg.usage()).isEqualTo(new Usage(15, 6, -1));
  }
}
