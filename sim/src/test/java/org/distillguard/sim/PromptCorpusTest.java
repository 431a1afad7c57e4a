package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCorpusTest {
  @Test
  void aMissingFolderSaysHowToFixIt(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> PromptCorpus.load(missing, PromptCorpus.Split.ALL))
        .isInstanceOf(SimulatorInputException.class)
        .hasMessage("prompt sets not found at " + missing + ": pass --prompts DIR");
  }

  @Test
  void anEmptyFolderIsAnError(@TempDir Path dir) {
    assertThatThrownBy(() -> PromptCorpus.load(dir, PromptCorpus.Split.ALL))
        .isInstanceOf(SimulatorInputException.class)
        .hasMessageContaining("prompt sets not found at " + dir);
  }

  @Test
  void theSplitSelectsFilesByBaseName(@TempDir Path dir) throws Exception {
    gz(
        dir.resolve("stanford_alpaca.jsonl.gz"),
        "{\"id\":\"a\",\"class\":\"distill\",\"prompt\":\"Give three tips.\"}");
    gz(
        dir.resolve("nq_open.jsonl.gz"),
        "{\"id\":\"n\",\"class\":\"organic\",\"prompt\":\"who wrote hamlet\"}");
    gz(dir.resolve("mine.jsonl.gz"), "{\"id\":\"m\",\"class\":\"organic\",\"prompt\":\"hi\"}");
    assertThat(PromptCorpus.load(dir, PromptCorpus.Split.TRAIN).sets())
        .containsExactly("mine", "stanford_alpaca");
    assertThat(PromptCorpus.load(dir, PromptCorpus.Split.HOLDOUT).sets())
        .containsExactly("mine", "nq_open");
    assertThat(PromptCorpus.load(dir, PromptCorpus.Split.ALL).size()).isEqualTo(3);
  }

  @Test
  void aMalformedLineNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.jsonl.gz");
    gz(f, "{\"prompt\":\"ok\"}\n{oops");
    assertThatThrownBy(() -> PromptCorpus.load(dir, PromptCorpus.Split.ALL))
        .hasMessage(f + ":2: not valid JSON");
  }

  @Test
  void theShippedSampleFillsEveryPool() throws Exception {
    PromptCorpus c = TestData.sample();
    assertThat(c.size()).isBetween(200, 1000);
    for (PromptCorpus.Purpose p : PromptCorpus.Purpose.values()) {
      assertThat(c.pool(p)).as(p.name()).isNotEmpty();
    }
    assertThat(c.pool(PromptCorpus.Purpose.ORGANIC)).allMatch(p -> !p.distill());
  }

  @Test
  void theSharedTrainAndHoldoutSplitsAreDisjoint() throws Exception {
    Path shared = TestData.sharedPrompts();
    Assumptions.assumeTrue(
        shared != null,
        "skipped: no prompt sets under $DISTILLGUARD_SHARED/data/prompts (plain clone)");
    PromptCorpus train = PromptCorpus.load(shared, PromptCorpus.Split.TRAIN);
    PromptCorpus holdout = PromptCorpus.load(shared, PromptCorpus.Split.HOLDOUT);
    assertThat(train.sets()).containsExactlyInAnyOrderElementsOf(PromptCorpus.TRAIN_SETS);
    assertThat(holdout.sets()).containsExactlyInAnyOrderElementsOf(PromptCorpus.HOLDOUT_SETS);
    assertThat(holdout.pool(PromptCorpus.Purpose.CHINESE).stream().map(PromptCorpus.Prompt::set))
        .contains("alpaca_zh_translated");
    assertThat(train.pool(PromptCorpus.Purpose.DISTILL).stream().map(PromptCorpus.Prompt::set))
        .doesNotContainAnyElementsOf(PromptCorpus.HOLDOUT_SETS);
  }

  private static void gz(Path f, String text) throws Exception {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
