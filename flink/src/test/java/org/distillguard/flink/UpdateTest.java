package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Traits;
import org.junit.jupiter.api.Test;

class UpdateTest {
  @Test
  void anUpdateComesBackFromItsBytesWithWhatLinkingReads() {
    String prompt = "x".repeat(63) + "\uD83D\uDE00" + "middle ".repeat(40) + "\uD83D\uDE00tail";
    Traits t =
        new Traits(
            "pf-1",
            null,
            1_000L,
            "198.51.100.7",
            "OpenAI/Python 1.54.0",
            "chat.completions",
            Params.NONE.withMaxTokens(4096).withTemperature(0.7).withN(3),
            42L,
            prompt,
            12,
            640);
    Update u =
        new Update(
            false, "acct-1", 5_000L, 7, 5_000L, Verdict.SUSPICIOUS, 0.61, t, new byte[] {1, 2});
    Update back = Update.decode(u.encode());
    assertThat(back.account()).isEqualTo("acct-1");
    assertThat(back.own()).isEqualTo(Verdict.SUSPICIOUS);
    assertThat(back.snapshot()).containsExactly(1, 2);
    Traits b = AccountFunction.req(back.traits());
    // The linker reads the prompt's ends (even a surrogate pair cut in half), the client
    // fingerprint's parameters and the account facts; n is not among them.
    assertThat(b.prompt()).hasSize(2 * Traits.AFFIX_CHARS);
    assertThat(b.prompt().substring(0, Traits.AFFIX_CHARS))
        .isEqualTo(prompt.substring(0, Traits.AFFIX_CHARS));
    assertThat(b.prompt().substring(Traits.AFFIX_CHARS))
        .isEqualTo(prompt.substring(prompt.length() - Traits.AFFIX_CHARS));
    assertThat(b.params()).isEqualTo(Params.NONE.withMaxTokens(4096).withTemperature(0.7));
    assertThat(b).usingRecursiveComparison().ignoringFields("prompt", "params").isEqualTo(t);
  }

  @Test
  void aFinalUpdateCarriesNoRequest() {
    Update u = new Update(true, "a", 1, 2, 1, Verdict.BENIGN, 0, null, null);
    assertThat(Update.decode(u.encode())).isEqualTo(u);
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
    assertThat(JobConfig.parse(new String[] {"--bootstrap", "b", "--detector", "parse"}).detector())
        .isEqualTo("parse");
    assertThatThrownBy(
            () -> JobConfig.parse(new String[] {"--bootstrap", "b", "--detector", "fast"}))
        .hasMessageContaining("standard, noop or parse");
    assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap", "b", "--colour", "red"}))
        .hasMessageContaining("unknown options");
  }
}
