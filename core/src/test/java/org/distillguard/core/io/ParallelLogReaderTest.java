package org.distillguard.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Exchange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelLogReaderTest {
  @TempDir Path dir;

  private Path log(String name, int lines, int badEvery) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      if (badEvery > 0 && i % badEvery == 0) {
        sb.append("{broken\n");
      } else {
        sb.append(
            ExchangeWriter.toJson(
                Exchange.builder(name + "-" + i, 1_700_000_000_000L + i, "acct-" + (i % 7))
                    .prompt("prompt " + i)
                    .build()));
        sb.append('\n');
      }
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb, StandardCharsets.UTF_8);
    return p;
  }

  private static final class Collect implements ParallelLogReader.Consumer<String> {
    final List<String> items = new ArrayList<>();
    final List<LogProblem> problems = new ArrayList<>();
    boolean stopOnProblem;

    @Override
    public void accept(String item) {
      items.add(item);
    }

    @Override
    public boolean problem(LogProblem p) {
      problems.add(p);
      items.add("!" + p.line());
      return !stopOnProblem;
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void deliversEverythingInFileOrderWhateverTheThreadCount(int threads) throws Exception {
    Path a = log("a.jsonl", 5000, 997);
    Path b = log("b.jsonl", 3000, 0);
    Collect c = new Collect();
    new ParallelLogReader<>(List.of(a.toString(), b.toString()), Exchange::id, threads, 1 << 20)
        .run(c);
    assertThat(c.items).hasSize(8000);
    assertThat(c.items.get(0)).isEqualTo("a.jsonl-1");
    assertThat(c.items.get(996)).isEqualTo("!997");
    assertThat(c.items.get(5000)).isEqualTo("b.jsonl-1");
    assertThat(c.items.get(7999)).isEqualTo("b.jsonl-3000");
    assertThat(c.problems).hasSize(5);
    assertThat(c.problems.get(0).toString()).startsWith(a + ":997: invalid JSON");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void stopsAtTheFirstProblemWhenTheConsumerSaysSo(int threads) throws Exception {
    Path a = log("a.jsonl", 5000, 1500);
    Collect c = new Collect();
    c.stopOnProblem = true;
    new ParallelLogReader<>(List.of(a.toString()), Exchange::id, threads, 1 << 20).run(c);
    assertThat(c.items).hasSize(1500);
    assertThat(c.problems).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void refusesAMissingInputBeforeReadingAnything(int threads) throws Exception {
    Path a = log("a.jsonl", 10, 0);
    Collect c = new Collect();
    assertThatThrownBy(
            () ->
                new ParallelLogReader<>(
                        List.of(a.toString(), dir.resolve("missing.jsonl").toString()),
                        Exchange::id,
                        threads,
                        1 << 20)
                    .run(c))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("missing.jsonl: no such file");
    assertThat(c.items).isEmpty();
  }
}
