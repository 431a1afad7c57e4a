package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.gateway.wire.EventStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole events out of any chunking; comments pass untouched; drops and rewrites stay in place. */
class EventStreamTest {
  private static final String STREAM =
      ": keep-alive\n\n"
          + "event: a\ndata: {\"n\":1}\n\n"
          + "data: two\r\ndata: lines\r\n\r\n"
          + "data: drop-me\n\n"
          + "data: ünïcode ✓\n\n"
          + "data: unfinished";

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 11, 4096})
  void eventsAreSeenWholeAndRewrittenInPlaceWhateverTheChunking(int cut) {
    EventStream s = new EventStream();
    List<String> seen = new ArrayList<>();
    EventStream.Rewriter r =
        e -> {
          seen.add(e.name() + "|" + e.data());
          if (e.data().equals("drop-me")) {
            return new byte[0];
          }
          return e.data().startsWith("two") ? "data: 2\n\n".getBytes(StandardCharsets.UTF_8) : null;
        };
    byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < all.length; i += cut) {
      byte[] part = java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + cut));
      bytes.writeBytes(s.feed(part, part.length, r));
    }
    bytes.writeBytes(s.end());
    out.append(bytes.toString(StandardCharsets.UTF_8));
    assertThat(seen)
        .containsExactly("a|{\"n\":1}", "null|two\nlines", "null|drop-me", "null|ünïcode ✓");
    assertThat(out.toString())
        .isEqualTo(
            ": keep-alive\n\nevent: a\ndata: {\"n\":1}\n\ndata: 2\n\ndata: ünïcode ✓\n\n"
                + "data: unfinished");
  }
}
