package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorTest {
  static PromptCorpus corpus;
  static Scenario tiny;

  @BeforeAll
  static void load() throws SimulatorInputException {
    corpus = TestData.sample();
    tiny = TestData.tiny();
  }

  private static String[] write(Scenario s, long seed) {
    StringWriter ev = new StringWriter();
    StringWriter lb = new StringWriter();
    new Simulator(s, corpus, new SimulationOptions(seed, 1.0))
        .write(ev, lb, Simulator.Progress.NONE);
    return new String[] {ev.toString(), lb.toString()};
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 42, 7_777_777, -5})
  void theSameSeedGivesByteIdenticalOutput(long seed) {
    String[] a = write(tiny, seed);
    String[] b = write(tiny, seed);
    assertThat(a[0]).isNotEmpty().isEqualTo(b[0]);
    assertThat(a[1]).isNotEmpty().isEqualTo(b[1]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 42})
  void aDifferentSeedGivesDifferentOutput(long seed) {
    assertThat(write(tiny, seed)[0]).isNotEqualTo(write(tiny, seed + 1)[0]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 5, 8, 13})
  void eventsAreGloballyTimeOrderedAndEveryLineParses(long seed) throws Exception {
    String log = write(tiny, seed)[0];
    ExchangeParser parser = new ExchangeParser();
    long last = Long.MIN_VALUE;
    Set<String> ids = new TreeSet<>();
    int n = 0;
    for (String line : log.lines().toList()) {
      Exchange e = parser.parse(line);
      assertThat(e.timeMillis()).isGreaterThanOrEqualTo(last);
      assertThat(e.timeMillis()).isBetween(tiny.startMillis(), tiny.endMillis() - 1);
      assertThat(e.output()).isNull();
      assertThat(e.messages()).isNotEmpty();
      assertThat(ids.add(e.id())).as("unique id %s", e.id()).isTrue();
      last = e.timeMillis();
      n++;
    }
    assertThat(n).isGreaterThan(100);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void labelsCoverExactlyTheAccountsInTheLog(long seed) {
    TestData.Run run = TestData.run(tiny, corpus, seed);
    Set<String> inLog =
        run.events().stream().map(Exchange::account).collect(Collectors.toCollection(TreeSet::new));
    List<String> labelled = run.labels().stream().map(Label::account).toList();
    assertThat(labelled).doesNotHaveDuplicates().isSorted();
    assertThat(new TreeSet<>(labelled)).isEqualTo(inLog);
    assertThat(run.summary().accounts()).isEqualTo(labelled.size());
    assertThat(run.summary().events()).isEqualTo(run.events().size());
    Set<String> classes = run.labels().stream().map(Label::klass).collect(Collectors.toSet());
    assertThat(classes)
        .containsExactlyInAnyOrder(
            "person",
            "developer",
            "app",
            "pipeline",
            "benchmark",
            "bulk",
            "cot",
            "sweep",
            "human_prompts",
            "hydra",
            "stealth",
            "turncoat",
            "team");
    for (Label l : run.labels()) {
      assertThat(l.distill())
          .isEqualTo(Objects.requireNonNull(Population.byName(l.klass())).distill());
      assertThat(l.campaign() != null).isEqualTo(l.klass().equals("hydra"));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void aTurncoatSwitchesWithinItsOwnHistory(long seed) {
    TestData.Run run = TestData.run(tiny, corpus, seed);
    Map<String, List<Exchange>> byAccount = byAccount(run.events());
    for (Label l : run.labels()) {
      if (!l.klass().equals("turncoat")) {
        assertThat(l.switchAt()).isNull();
        continue;
      }
      List<Exchange> own = Objects.requireNonNull(byAccount.get(l.account()));
      long switchAt = Objects.requireNonNull(l.switchAt());
      assertThat(switchAt).isBetween(1L, (long) own.size());
      Exchange first = own.get((int) switchAt - 1);
      assertThat(first.id()).isEqualTo(l.account() + "-" + switchAt);
      // Before the switch it behaved like a person or developer: conversations; after, none.
      assertThat(first.conversation()).isNull();
      own.subList(0, (int) switchAt - 1).forEach(e -> assertThat(e.conversation()).isNotNull());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void hydraAccountsShareCampaignInfrastructure(long seed) {
    TestData.Run run = TestData.run(tiny, corpus, seed);
    Map<String, List<Exchange>> byAccount = byAccount(run.events());
    Map<String, List<Label>> campaigns = new TreeMap<>();
    for (Label l : run.labels()) {
      if (l.campaign() != null) {
        campaigns.computeIfAbsent(l.campaign(), k -> new ArrayList<>()).add(l);
      }
    }
    assertThat(campaigns).hasSize(2);
    for (List<Label> members : campaigns.values()) {
      assertThat(members.size()).isGreaterThanOrEqualTo(5);
      Set<String> prefixes = new TreeSet<>();
      Set<String> payment = new TreeSet<>();
      Set<String> agents = new TreeSet<>();
      Set<String> prompts = new TreeSet<>();
      int requests = 0;
      for (Label l : members) {
        for (Exchange e : Objects.requireNonNull(byAccount.get(l.account()))) {
          String ip = Objects.requireNonNull(e.ip());
          prefixes.add(ip.substring(0, ip.lastIndexOf('.')));
          payment.add(e.accountMeta().paymentFp());
          agents.add(e.userAgent());
          prompts.add(e.lastUserPrompt());
          requests++;
          assertThat(e.accountMeta().createdMillis())
              .isGreaterThan(tiny.startMillis() - 40 * World.DAY);
        }
      }
      assertThat(prefixes.size()).isBetween(1, 6);
      assertThat(payment.size()).isBetween(1, 6).isLessThan(members.size());
      assertThat(agents).hasSize(1);
      // A partitioned prompt walk: heads do not repeat each other's prompts (unless the pool
      // wraps).
      assertThat(prompts.size()).isGreaterThanOrEqualTo(Math.min(requests, corpus.size() / 2));
    }
  }

  @Test
  void theNewModelAppearsOnlyAfterItsRelease() {
    TestData.Run run = TestData.run(tiny, corpus, 9);
    long release = tiny.startMillis() + World.DAY;
    assertThat(run.events())
        .filteredOn(e -> World.NEW.equals(e.model()))
        .isNotEmpty()
        .allMatch(e -> e.timeMillis() >= release);
  }

  @Test
  void aScaledUpRunStreamsHoldingOnePendingEventPerAccount() {
    long[] count = {0};
    long[] last = {Long.MIN_VALUE};
    Simulator sim = new Simulator(tiny, corpus, new SimulationOptions(3, 12.0));
    Simulator.Summary s =
        sim.run(
            e -> { // a counting sink: nothing is retained
              assertThat(e.timeMillis()).isGreaterThanOrEqualTo(last[0]);
              last[0] = e.timeMillis();
              count[0]++;
            },
            l -> {},
            Simulator.Progress.NONE);
    assertThat(count[0]).isEqualTo(s.events()).isGreaterThan(20_000);
    // Structural bound: the merge never holds more than one event per account...
    assertThat(sim.peakQueued()).isLessThanOrEqualTo(sim.plannedAccounts());
    assertThat(s.events()).isGreaterThan(10L * sim.plannedAccounts());
  }

  @Test
  void generatorsKeepNoGrowingCollections() {
    // ...and no generator keeps a growable collection it could buffer future events in: every
    // collection field is final (set once from the corpus or the campaign) and arrays are final.
    for (Class<?> c :
        List.of(
            PersonTraffic.class,
            DeveloperTraffic.class,
            StealthTraffic.class,
            SessionTraffic.class,
            MachineTraffic.class,
            AppTraffic.class,
            PipelineTraffic.class,
            BenchmarkTraffic.class,
            BulkTraffic.class,
            CotTraffic.class,
            SweepTraffic.class,
            HumanPromptsTraffic.class,
            HydraTraffic.class,
            TurncoatTraffic.class,
            Campaign.class,
            Company.class,
            Account.class)) {
      for (Field f : c.getDeclaredFields()) {
        boolean container =
            Collection.class.isAssignableFrom(f.getType())
                || Map.class.isAssignableFrom(f.getType())
                || f.getType().isArray();
        if (container) {
          assertThat(Modifier.isFinal(f.getModifiers()))
              .as(c.getSimpleName() + "." + f.getName())
              .isTrue();
        }
      }
    }
  }

  @Test
  void theSmallScenarioRunsOnTheSharedHoldoutSets() throws Exception {
    java.nio.file.Path shared = TestData.sharedPrompts();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        shared != null,
        "skipped: no prompt sets under $DISTILLGUARD_SHARED/data/prompts (plain clone)");
    PromptCorpus holdout = PromptCorpus.load(shared, PromptCorpus.Split.HOLDOUT);
    TestData.Run run = TestData.run(ScenarioLoader.load("small"), holdout, 1);
    assertThat(run.summary().events()).isBetween(30_000L, 90_000L);
    assertThat(run.summary().campaigns()).isGreaterThanOrEqualTo(2);
    assertThat(run.labels())
        .extracting(Label::klass)
        .contains("person", "hydra", "turncoat", "stealth");
  }

  private static Map<String, List<Exchange>> byAccount(List<Exchange> events) {
    Map<String, List<Exchange>> m = new TreeMap<>();
    for (Exchange e : events) {
      m.computeIfAbsent(e.account(), k -> new ArrayList<>()).add(e);
    }
    return m;
  }
}
