package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class MarkerTest {
  public static final MasterKey MASTER =
      MasterKey.of("test master key 0123456789".getBytes(StandardCharsets.UTF_8));

  static final String ANSWER =
      """
      Sure, here is how to do it. You can often use a loop, for example a for loop, and it \
      frequently helps to modify the list first. Moreover, this kind of approach allows you to \
      choose the order. I cannot promise it is exactly right; perhaps you need a different sort \
      of tool. It seems to work, and rarely fails.

      Nevertheless, if it appears slow, basically you will need to buy more memory.
      """;

  private static String chunked(Marker m, String prompt, String text, Random r) {
    Marker.Stream s = m.open(prompt);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int j = Math.min(text.length(), i + 1 + r.nextInt(12));
      out.append(s.feed(text.substring(i, j)));
      assertThat(s.heldBack()).isLessThanOrEqualTo(64);
      i = j;
    }
    return out.append(s.finish()).toString();
  }

  @Test
  void marksSomeWordsAndKeepsEverythingElse() {
    Marker m = Marker.of(MASTER.member("m1"));
    String marked = m.mark("", ANSWER);
    assertThat(marked).isNotEqualTo(ANSWER);
    assertThat(marked.length()).isBetween(ANSWER.length() - 40, ANSWER.length() + 40);
    assertThat(marked.split("\\s+").length).isEqualTo(ANSWER.split("\\s+").length);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void givesTheSameTextWhateverTheChunking(long seed) {
    Marker m = Marker.of(MASTER.account("a-" + seed));
    String whole = m.mark("", ANSWER);
    assertThat(chunked(m, "", ANSWER, new Random(seed))).isEqualTo(whole);
    // one character at a time
    Marker.Stream s = m.open("");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < ANSWER.length(); i++) {
      b.append(s.feed(ANSWER.substring(i, i + 1)));
    }
    assertThat(b.append(s.finish()).toString()).isEqualTo(whole);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k1", "k2", "k3", "k4", "k5"})
  void isIdempotent(String id) {
    Marker m = Marker.of(MASTER.campaign(id));
    String once = m.mark("", ANSWER);
    assertThat(m.mark("", once)).isEqualTo(once);
  }

  @Test
  void differentKeysChooseDifferently() {
    String a = Marker.of(MASTER.member("a")).mark("", ANSWER);
    String b = Marker.of(MASTER.member("b")).mark("", ANSWER);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void holdsBackOnlyTheWordBeingReceivedAndOneWord() {
    Marker.Stream s = Marker.of(MASTER.member("x")).open("");
    assertThat(s.feed("So often")).isEqualTo("So ");
    assertThat(s.feed(" works")).matches("(often|frequently) ");
    assertThat(s.heldBack()).isEqualTo("works".length());
    // "allow" must see the next word ("allow for" is an idiom): held, then released.
    Marker.Stream t = Marker.of(MASTER.member("x")).open("");
    assertThat(t.feed("This will allow ")).isEqualTo("This will ");
    String rest = t.feed("for ");
    assertThat(rest).isEqualTo("allow for ");
    assertThat(t.finish()).isEmpty();
  }

  @Test
  void neverTouchesProtectedSpans() {
    String text =
        """
        Use this:
        ```python
        # often use help to modify
        x = often(help)
        ```
        Call `use often` or see https://example.com/often/use and "we often use it" too.
        The value is {"often": "use"} and 'often use' stays.
        > often quoted, we use it
            indented often use code
        <think>I often use this and need to modify it</think>
        """;
    for (int i = 0; i < 30; i++) {
      Marker m = Marker.of(MASTER.member("p" + i));
      String marked = m.mark("", text);
      assertThat(marked).as("key %d", i).isEqualTo(text);
    }
  }

  @Test
  void writesNegationsOutOrContractsThemByKey() {
    int contracted = 0;
    for (int i = 0; i < 40; i++) {
      Marker m = Marker.of(MASTER.member("n" + i));
      String marked = m.mark("", "It is not ready, and we do not know. It isn't late.");
      assertThat(marked)
          .matches("(It is|It's) not ready, and we (do not|don't) know\\. It isn't late\\.");
      assertThat(m.mark("", marked)).isEqualTo(marked);
      contracted += marked.startsWith("It's") ? 1 : 0;
      Marker.Stream s = m.open("");
      StringBuilder b = new StringBuilder();
      for (char c : "It is not ready, and we do not know. It isn't late.".toCharArray()) {
        b.append(s.feed(String.valueOf(c)));
      }
      assertThat(b.append(s.finish()).toString()).isEqualTo(marked);
    }
    assertThat(contracted).isBetween(5, 35);
  }

  @Test
  void leavesWordsOfThePromptAlone() {
    String prompt = "How often should I water a cactus?";
    for (int i = 0; i < 20; i++) {
      String marked = Marker.of(MASTER.member("q" + i)).mark(prompt, "Water it often, not daily.");
      assertThat(marked).isEqualTo("Water it often, not daily.");
    }
  }

  @Test
  void keepsCapitalisationAndArticles() {
    int changed = 0;
    for (int i = 0; i < 40; i++) {
      String marked = Marker.of(MASTER.member("c" + i)).mark("", "Maybe. An exact copy. Perhaps.");
      assertThat(marked).matches("(Maybe|Perhaps)\\. An exact copy\\. (Maybe|Perhaps)\\.");
      changed += marked.startsWith("Perhaps") ? 1 : 0;
    }
    assertThat(changed).isBetween(5, 35);
  }
}
