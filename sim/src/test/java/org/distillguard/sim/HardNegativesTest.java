package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distillguard.core.event.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benign look-alikes of a campaign's shared traces (issue 4, "no false merges"): apps sharing a
 * cloud /24 with each other and with hydra campaigns, people behind a carrier's CGNAT, and
 * developers with the literal generic system prompt.
 */
class HardNegativesTest {
  static PromptCorpus corpus;

  @BeforeAll
  static void load() throws SimulatorInputException {
    corpus = TestData.sample();
  }

  static TestData.Run run(String populations, long seed) throws SimulatorInputException {
    Scenario s =
        ScenarioLoader.parse(
            "{\"start\":\"2026-11-02\",\"days\":1,\"populations\":[" + populations + "]}", "hard");
    return TestData.run(s, corpus, seed);
  }

  static String prefix(String ip) {
    return ip.substring(0, ip.lastIndexOf('.') + 1);
  }

  /** Accounts of {@code klass} by the /24 (as {@code a.b.c.}) of any address they used. */
  static Map<String, Set<String>> accountsByPrefix(TestData.Run run, String klass) {
    Set<String> members = new TreeSet<>();
    run.labels().stream()
        .filter(l -> l.klass().equals(klass))
        .forEach(l -> members.add(l.account()));
    Map<String, Set<String>> m = new TreeMap<>();
    for (Exchange e : run.events()) {
      String ip = Objects.requireNonNull(e.ip());
      if (members.contains(e.account()) && ip.indexOf(':') < 0) {
        m.computeIfAbsent(prefix(ip), k -> new TreeSet<>()).add(e.account());
      }
    }
    return m;
  }

  static int largest(Map<String, Set<String>> byPrefix) {
    return byPrefix.values().stream().mapToInt(Set::size).max().orElse(0);
  }

  @Test
  void appsInTheSameBigCloudRegionShareA24WithEachOther() throws Exception {
    TestData.Run run =
        run("{\"kind\":\"app\",\"count\":20,\"params\":{\"peak_requests_per_hour\":10}}", 1);
    Map<String, Set<String>> byPrefix = accountsByPrefix(run, "app");
    assertThat(byPrefix.keySet()).allMatch(p -> p.startsWith("198.18.") || p.startsWith("198.19."));
    assertThat(largest(byPrefix)).isGreaterThanOrEqualTo(3);
    assertThat(byPrefix.keySet()).containsAnyElementsOf(Arrays.asList(Infra.BUSY_CLOUD_PREFIXES));
  }

  @Test
  void hydraCampaignsCanLeaveThroughTheSameBusyPrefixesAsBenignCustomers() throws Exception {
    TestData.Run run =
        run(
            "{\"kind\":\"hydra\",\"count\":6,\"params\":{\"accounts\":[3,5],"
                + "\"requests_per_account\":[2,4],\"busy_prefix_probability\":1}}",
            2);
    Set<String> busy = new TreeSet<>(Arrays.asList(Infra.BUSY_CLOUD_PREFIXES));
    busy.addAll(Arrays.asList(Infra.CGNAT_PREFIXES));
    assertThat(accountsByPrefix(run, "hydra").keySet()).isNotEmpty().isSubsetOf(busy);
  }

  @Test
  void manyUnrelatedPeopleShareAFewBusyCgnatPrefixes() throws Exception {
    TestData.Run run = run("{\"kind\":\"person\",\"count\":300}", 3);
    Map<String, Set<String>> byPrefix = accountsByPrefix(run, "person");
    long behindCgnat =
        Arrays.stream(Infra.CGNAT_PREFIXES)
            .mapToLong(p -> byPrefix.getOrDefault(p, Set.of()).size())
            .sum();
    // About 15 % of 300 people, spread over six prefixes: each is shared by several strangers.
    assertThat(behindCgnat).isBetween(20L, 80L);
    assertThat(largest(byPrefix)).isGreaterThanOrEqualTo(5);
    // Without CGNAT, residential /24s are practically unique to one person.
    TestData.Run none =
        run("{\"kind\":\"person\",\"count\":300,\"params\":{\"cgnat_probability\":0}}", 3);
    assertThat(largest(accountsByPrefix(none, "person"))).isLessThanOrEqualTo(2);
  }

  @Test
  void aShareOfDevelopersSendTheLiteralGenericSystemPrompt() throws Exception {
    TestData.Run run = run("{\"kind\":\"developer\",\"count\":200}", 4);
    Set<String> generic = new TreeSet<>();
    Set<String> active = new TreeSet<>();
    for (Exchange e : run.events()) {
      active.add(e.account());
      if ("You are a helpful assistant.".equals(e.systemPrompt())) {
        generic.add(e.account());
      }
    }
    // 30 % use it in their code; 40 % of their conversations set a system prompt, so a developer
    // with a handful of conversations in a day may not show it yet.
    assertThat(generic.size()).isBetween(active.size() / 10, active.size() / 3);
    TestData.Run none =
        run(
            "{\"kind\":\"developer\",\"count\":200,"
                + "\"params\":{\"generic_system_prompt_probability\":0}}",
            4);
    assertThat(none.events())
        .noneMatch(e -> Company.GENERIC_SYSTEM_PROMPT.equals(e.systemPrompt()));
  }
}
