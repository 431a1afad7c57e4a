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
}
