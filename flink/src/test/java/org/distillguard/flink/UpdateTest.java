package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Traits;
import org.junit.jupiter.api.Test;

class UpdateTest {
  private static final String PROMPT =
      "x".repeat(63) + "\uD83D\uDE00" + "middle ".repeat(40) + "\uD83D\uDE00tail";
  private static final Traits TRAITS =
      new Traits(
          "pf-1",
          null,
          1_000L,
          "198.51.100.7",
          "OpenAI/Python 1.54.0",
          "chat.completions",
          Params.NONE.withMaxTokens(4096).withTemperature(0.7).withN(3),
          42L,
          PROMPT,
          12,
          640);

  @Test
  void aSampledRequestCarriesWhatLinkingReadsAndComesBackFromItsBytes() {
    Update u =
        new Update(
            false,
            "acct-1",
            5_000L,
            7,
            5_000L,
            Verdict.SUSPICIOUS,
            0.61,
            Update.linkTraits(TRAITS, 7),
            new byte[] {1, 2});
    Update back = roundTrip(u);
    assertThat(back).usingRecursiveComparison().isEqualTo(u);
    assertThat(back.snapshot()).containsExactly(1, 2);
    Traits b = AccountFunction.req(back.traits());
    // The linker reads the prompt's ends (even a surrogate pair cut in half), the client
    // fingerprint's parameters and the account facts; n is not among them.
    assertThat(b.prompt()).hasSize(2 * Traits.AFFIX_CHARS);
    assertThat(b.prompt().substring(0, Traits.AFFIX_CHARS))
        .isEqualTo(PROMPT.substring(0, Traits.AFFIX_CHARS));
    assertThat(b.prompt().substring(Traits.AFFIX_CHARS))
        .isEqualTo(PROMPT.substring(PROMPT.length() - Traits.AFFIX_CHARS));
    assertThat(b.params()).isEqualTo(Params.NONE.withMaxTokens(4096).withTemperature(0.7));
    assertThat(b).usingRecursiveComparison().ignoringFields("prompt", "params").isEqualTo(TRAITS);
  }

  @Test
  void requestsTheLinkerDoesNotSampleCarryOnlyTokensAndCreation() {
    // Sampled: the first 8 requests and every 16th.
    for (long n : new long[] {1, 8, 16, 32, 1024}) {
      assertThat(Update.linkTraits(TRAITS, n).paymentFp()).as("request %d", n).isEqualTo("pf-1");
    }
    for (long n : new long[] {9, 15, 17, 1023}) {
      Traits slim = Update.linkTraits(TRAITS, n);
      assertThat(slim).as("request %d", n).isEqualTo(TRAITS.slim());
      assertThat(slim.inputTokens()).isEqualTo(12);
      assertThat(slim.outputTokens()).isEqualTo(640);
      assertThat(slim.createdMillis()).isEqualTo(1_000L);
      assertThat(slim.prompt()).isEmpty();
      assertThat(slim.ip()).isNull();
    }
  }

  static <T> T roundTrip(T value, TypeSerializer<T> serializer) {
    try {
      DataOutputSerializer out = new DataOutputSerializer(64);
      serializer.serialize(value, out);
      DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
      T back = serializer.deserialize(in);
      assertThat(in.available()).as("bytes left over").isZero();
      // copying between views gives the same bytes
      // (a view's copy needs room for the whole record up front)
      DataOutputSerializer copied = new DataOutputSerializer(out.length() + 16);
      serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
      assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
      return back;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Update roundTrip(Update u) {
    return roundTrip(u, UpdateSerializer.INSTANCE);
  }

  @Test
  void shortPromptsTravelWhole() {
    assertThat(Update.affixes("hello")).isEqualTo("hello");
  }

  @Test
  void configRejectsWhatItCannotRun() {
    assertThat(JobConfig.defaults("localhost:9092").stateBackend()).isEqualTo("rocksdb");
    assertThatThrownBy(() -> JobConfig.parse(new String[] {"--exchanges", "x"}))
        .hasMessageContaining("--bootstrap");
    assertThatThrownBy(
            () -> JobConfig.parse(new String[] {"--bootstrap", "b", "--state-backend", "memory"}))
        .hasMessageContaining("hashmap or rocksdb");
    assertThat(JobConfig.parse(new String[] {"--bootstrap", "b", "--detector", "bare"}).detector())
        .isEqualTo("bare");
    assertThatThrownBy(
            () -> JobConfig.parse(new String[] {"--bootstrap", "b", "--detector", "fast"}))
        .hasMessageContaining("standard, noop or bare");
    assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap", "b", "--colour", "red"}))
        .hasMessageContaining("unknown options");
    assertThat(JobConfig.defaults("b").linking()).isEqualTo("evidence");
    assertThat(JobConfig.parse(new String[] {"--bootstrap", "b", "--linking", "single"}).linking())
        .isEqualTo("single");
    assertThatThrownBy(
            () -> JobConfig.parse(new String[] {"--bootstrap", "b", "--linking", "keyed"}))
        .hasMessageContaining("evidence or single");
  }
}
