package org.distillguard.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.distillguard.core.event.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExchangeParserTest {
  private final ExchangeParser parser = new ExchangeParser();

  private static final String FULL =
      "{\"id\":\"r-1\",\"time\":\"2026-11-03T14:02:11.250Z\",\"account\":\"acct-4411\",\"org\":\"o-1\","
          + "\"api_key\":\"key-1\",\"ip\":\"198.51.100.23\",\"user_agent\":\"OpenAI/Python 1.54.0\","
          + "\"endpoint\":\"chat.completions\",\"model\":\"m-large\",\"params\":{\"max_tokens\":4096,"
          + "\"temperature\":0.7,\"top_p\":0.9,\"n\":2,\"logprobs\":true,\"top_logprobs\":5,"
          + "\"stream\":true,\"reasoning_effort\":\"high\"},\"messages\":[{\"role\":\"system\","
          + "\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Explain step by step why"
          + " the sky is blue.\"}],\"conversation\":\"c-9\",\"usage\":{\"input_tokens\":12,"
          + "\"output_tokens\":640,\"reasoning_tokens\":100},\"output\":\"Because...\",\"status\":200,"
          + "\"account_meta\":{\"created\":\"2026-11-01T09:00:00Z\",\"payment_fp\":\"pf-9a1c\","
          + "\"email_domain\":\"example.com\",\"tier\":\"free\",\"country\":\"DE\"}}";

  @Test
  void readsEveryFieldOfContractOne() throws Exception {
    Exchange e = parser.parse(FULL);
    assertThat(e.id()).isEqualTo("r-1");
    assertThat(Rfc3339.format(e.timeMillis())).isEqualTo("2026-11-03T14:02:11.250Z");
    assertThat(e.account()).isEqualTo("acct-4411");
    assertThat(e.org()).isEqualTo("o-1");
    assertThat(e.apiKey()).isEqualTo("key-1");
    assertThat(e.ip()).isEqualTo("198.51.100.23");
    assertThat(e.endpoint()).isEqualTo("chat.completions");
    assertThat(e.params().maxTokens()).isEqualTo(4096);
    assertThat(e.params().n()).isEqualTo(2);
    assertThat(e.params().logprobs()).isTrue();
    assertThat(e.params().reasoningEffort()).isEqualTo("high");
    assertThat(e.systemPrompt()).isEqualTo("Be brief.");
    assertThat(e.lastUserPrompt()).startsWith("Explain step by step");
    assertThat(e.usage().outputTokens()).isEqualTo(640);
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.accountMeta().paymentFp()).isEqualTo("pf-9a1c");
    assertThat(Rfc3339.format(e.accountMeta().createdMillis()))
        .isEqualTo("2026-11-01T09:00:00.000Z");
  }

  @Test
  void writerIsTheInverseOfTheParser() throws Exception {
    Exchange e = parser.parse(FULL);
    assertThat(parser.parse(ExchangeWriter.toJson(e))).isEqualTo(e);
  }

  @Test
  void ignoresUnknownFieldsOfAnyShape() throws Exception {
    Exchange e =
        parser.parse(
            "{\"x\":{\"deep\":[1,{\"a\":null}]},\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"account\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"n\"}],"
                + "\"y\":[true,false]}");
    assertThat(e.lastUserPrompt()).isEqualTo("hi");
  }

  @Test
  void readsMultiPartContentAsItsTextParts() throws Exception {
    Exchange e =
        parser.parse(
            "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"x\"}},{\"type\":\"text\",\"text\":\"two\"}]}]}");
    assertThat(e.lastUserPrompt()).isEqualTo("one\ntwo");
  }

  @Test
  void acceptsOffsetsAndConvertsToUtc() throws Exception {
    Exchange e =
        parser.parse(
            "{\"id\":\"1\",\"time\":\"2026-01-01T02:00:00.5+02:00\",\"account\":\"a\",\"messages\":[]}");
    assertThat(Rfc3339.format(e.timeMillis())).isEqualTo("2026-01-01T00:00:00.500Z");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[]}|missing required field 'id'",
        "{\"id\":\"1\",\"account\":\"a\",\"messages\":[]}|missing required field 'time'",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"messages\":[]}|missing required field 'account'",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\"}|missing required field 'messages'",
        "{\"id\":1,\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[]}|field 'id': expected a string, got a number",
        "{\"id\":\"1\",\"time\":\"yesterday\",\"account\":\"a\",\"messages\":[]}|field 'time': not an RFC 3339 date-time",
        "{\"id\":\"1\",\"time\":\"2026-02-30T00:00:00Z\",\"account\":\"a\",\"messages\":[]}|field 'time'",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"\",\"messages\":[]}|field 'account': must not be empty",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":{}}|field 'messages': expected an array, got an object",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[{\"content\":\"x\"}]}|missing required field 'messages[0].role'",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":5}]}|field 'messages[0].content': expected a string, got a number",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[],\"params\":{\"max_tokens\":\"big\"}}|field 'params.max_tokens': expected an integer, got a string",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[],\"params\":{\"n\":99999999999}}|field 'params.n': integer out of range",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[],\"usage\":{\"output_tokens\":-5}}|field 'usage.output_tokens': must not be negative",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[],\"params\":{\"stream\":\"yes\"}}|field 'params.stream': expected true or false, got a string",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":[]} {}|trailing content",
        "[1,2,3]|expected a JSON object, got an array",
        "\"just a string\"|expected a JSON object, got a string",
        "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"acc|invalid JSON",
      })
  void namesWhatIsWrongWithAnInvalidLine(String line, String expected) {
    assertThatThrownBy(() -> parser.parse(line))
        .isInstanceOf(MalformedExchangeException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "null", "{", "}", "{\"a\":", "\u0000\u0001\u0002"})
  void rejectsFragments(String line) {
    assertThatThrownBy(() -> parser.parse(line)).isInstanceOf(MalformedExchangeException.class);
  }

  @Test
  void keepsAnyUnicodeIntact() throws Exception {
    String text = "Ünïcödé 🤖 中文提示 עברית \u200b mixed";
    Exchange e =
        parser.parse(
            "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"账户-🤖\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\""
                + text
                + "\"}]}");
    assertThat(e.account()).isEqualTo("账户-🤖");
    assertThat(e.lastUserPrompt()).isEqualTo(text);
  }

  @Test
  void readsATenMegabyteField() throws Exception {
    String big = "x".repeat(10 * 1024 * 1024);
    Exchange e =
        parser.parse(
            "{\"id\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"account\":\"a\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\""
                + big
                + "\"}]}");
    assertThat(e.lastUserPrompt()).hasSize(big.length());
  }

  /** Fuzz: random bytes and random mutations of a valid line never escape as anything else. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void neverThrowsAnythingButMalformedOnGarbage(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] valid = FULL.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 2000; i++) {
      byte[] b;
      if (i % 2 == 0) {
        b = new byte[r.nextInt(200)];
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) r.nextInt(256);
        }
      } else {
        b = valid.clone();
        for (int k = 0; k < 1 + r.nextInt(5); k++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
      }
      try {
        parser.parse(b, 0, b.length);
      } catch (MalformedExchangeException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
