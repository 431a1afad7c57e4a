package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distillguard.core.event.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code team} population: a company's several accounts on one card, domain, office /24 and
 * client, the benign twin of a hydra campaign (issue 4, "no false merges").
 */
class TeamTest {
  static final int COMPANIES = 12;
  static PromptCorpus corpus;

  @BeforeAll
  static void load() throws SimulatorInputException {
    corpus = TestData.sample();
  }

  static Scenario teams(int companies, String params) throws SimulatorInputException {
    return ScenarioLoader.parse(
        "{\"start\":\"2026-11-02\",\"days\":7,\"populations\":[{\"kind\":\"team\",\"count\":"
            + companies
            + ",\"params\":{"
            + params
            + "}}]}",
        "teams");
  }

  /** One company as seen in the log: its accounts (grouped by payment card) and their requests. */
  record Seen(String card, Map<String, List<Exchange>> accounts) {
    Set<String> values(
        java.util.function.Function<Exchange, @org.jspecify.annotations.Nullable Object> f) {
      Set<String> s = new TreeSet<>();
      accounts.values().forEach(es -> es.forEach(e -> s.add(String.valueOf(f.apply(e)))));
      return s;
    }

    /** The /24s of the company's office addresses (240.0.0.0/5, business lines). */
    Set<String> officePrefixes() {
      Set<String> s = new TreeSet<>();
      for (String ip : values(Exchange::ip)) {
        if (office(ip)) {
          s.add(prefix(ip));
        }
      }
      return s;
    }
  }

  static boolean office(String ip) {
    int first = Integer.parseInt(ip.substring(0, ip.indexOf('.')));
    return first >= 240 && first < 248;
  }

  static String prefix(String ip) {
    return ip.substring(0, ip.lastIndexOf('.'));
  }

  /** Team accounts grouped by payment card: the simulator's companies, if cards are per company. */
  static List<Seen> companies(TestData.Run run) {
    Map<String, Map<String, List<Exchange>>> byCard = new TreeMap<>();
    for (Exchange e : run.events()) {
      String card = Objects.requireNonNull(e.accountMeta().paymentFp());
      byCard
          .computeIfAbsent(card, k -> new TreeMap<>())
          .computeIfAbsent(e.account(), k -> new ArrayList<>())
          .add(e);
    }
    List<Seen> out = new ArrayList<>();
    byCard.forEach((card, accounts) -> out.add(new Seen(card, accounts)));
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void aCompanysAccountsShareCardDomainOfficeAndClientAndNoOtherCompanyDoes(long seed)
      throws Exception {
    TestData.Run run = TestData.run(teams(COMPANIES, ""), corpus, seed);
    List<Seen> companies = companies(run);
    // Every company has its own card, so grouping by card gives back exactly the companies.
    assertThat(companies).hasSize(COMPANIES);
    Set<String> domains = new TreeSet<>();
    Set<String> offices = new TreeSet<>();
    for (Seen c : companies) {
      assertThat(c.accounts().size()).as(c.card()).isBetween(3, 12);
      assertThat(c.values(e -> e.accountMeta().emailDomain())).as(c.card()).hasSize(1);
      assertThat(c.values(e -> e.accountMeta().country())).as(c.card()).hasSize(1);
      assertThat(c.values(e -> e.accountMeta().tier())).as(c.card()).hasSize(1);
      assertThat(c.values(Exchange::userAgent)).as(c.card()).hasSize(1);
      assertThat(c.values(Exchange::endpoint)).as(c.card()).hasSize(1);
      assertThat(c.values(Exchange::params)).as(c.card()).hasSize(1);
      assertThat(c.officePrefixes()).as(c.card()).hasSize(1);
      // Outside the office, members work from their homes (residential space), nowhere else.
      for (String ip : c.values(Exchange::ip)) {
        assertThat(office(ip) || ip.startsWith("100.")).as(ip).isTrue();
      }
      // Each account has one key, and no two members share one.
      Set<String> keys = c.values(Exchange::apiKey);
      assertThat(keys).hasSize(c.accounts().size());
      domains.addAll(c.values(e -> e.accountMeta().emailDomain()));
      offices.addAll(c.officePrefixes());
    }
    assertThat(domains).as("one domain per company").hasSize(COMPANIES);
    assertThat(offices).as("one office /24 per company").hasSize(COMPANIES);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void labelsListEveryTeamAccountAsBenignWithoutCampaign(long seed) throws Exception {
    TestData.Run run = TestData.run(teams(COMPANIES, ""), corpus, seed);
    Set<String> inLog = new TreeSet<>();
    run.events().forEach(e -> inLog.add(e.account()));
    assertThat(run.labels()).extracting(Label::account).containsExactlyElementsOf(inLog);
    assertThat(run.labels())
        .allSatisfy(
            l -> {
              assertThat(l.klass()).isEqualTo("team");
              assertThat(l.distill()).isFalse();
              assertThat(l.campaign()).isNull();
              assertThat(l.switchAt()).isNull();
              assertThat(l.toJson())
                  .isEqualTo(
                      "{\"account\":\""
                          + l.account()
                          + "\",\"class\":\"team\",\"distill\":false,\"campaign\":null,"
                          + "\"switch_at\":null}");
            });
    assertThat(run.summary().campaigns()).isZero();
    assertThat(run.summary().distillAccounts()).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void accountsWereOpenedOnTheSignUpDayAndOverTheCompanysLife(long seed) throws Exception {
    TestData.Run run = TestData.run(teams(COMPANIES, ""), corpus, seed);
    Scenario s = teams(COMPANIES, "");
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    int spreadOverMonths = 0;
    for (Seen c : companies(run)) {
      List<Long> created = new ArrayList<>();
      c.accounts().values().forEach(es -> created.add(es.get(0).accountMeta().createdMillis()));
      created.sort(null);
      // The sign-up day: the first accounts were opened hours apart, not days.
      long sameDay = created.stream().filter(t -> t - created.get(0) < World.DAY).count();
      assertThat(sameDay).as(c.card()).isGreaterThanOrEqualTo(Math.min(2, created.size()));
      if (created.get(created.size() - 1) - created.get(0) > 30 * World.DAY) {
        spreadOverMonths++;
      }
      oldest = Math.min(oldest, created.get(0));
      newest = Math.max(newest, created.get(created.size() - 1));
      for (List<Exchange> es : c.accounts().values()) {
        assertThat(es.get(0).timeMillis()).isGreaterThan(es.get(0).accountMeta().createdMillis());
      }
    }
    assertThat(oldest).isLessThan(s.startMillis() - 90 * World.DAY);
    assertThat(newest).isLessThan(s.endMillis());
    assertThat(spreadOverMonths).isGreaterThanOrEqualTo(COMPANIES / 2);
  }

  @Test
  void aNewAccountOpenedDuringThePeriodStartsSendingAfterItsCreation() throws Exception {
    Scenario s = teams(6, "\"accounts\":5,\"onboarding_accounts\":2,\"new_account_probability\":1");
    TestData.Run run = TestData.run(s, corpus, 4);
    for (Seen c : companies(run)) {
      List<List<Exchange>> young =
          c.accounts().values().stream()
              .filter(es -> es.get(0).accountMeta().createdMillis() >= s.startMillis())
              .toList();
      // One new account per company (unless it was opened too late to send anything).
      assertThat(young.size()).as(c.card()).isLessThanOrEqualTo(1);
      for (List<Exchange> es : young) {
        assertThat(es.get(0).timeMillis()).isGreaterThan(es.get(0).accountMeta().createdMillis());
      }
    }
    assertThat(run.labels()).hasSizeGreaterThan(6 * 4);
  }

  @Test
  void theGenericSystemPromptIsSharedByManyCompaniesAndEachCompanySendsOnlyOne() throws Exception {
    TestData.Run run = TestData.run(teams(COMPANIES, ""), corpus, 1);
    int generic = 0;
    for (Seen c : companies(run)) {
      Set<String> systems = new TreeSet<>();
      for (List<Exchange> es : c.accounts().values()) {
        for (Exchange e : es) {
          String sp = e.systemPrompt();
          if (sp != null && !sp.startsWith("You can call these tools")) {
            systems.add(sp);
          }
        }
      }
      assertThat(systems).as(c.card()).hasSizeLessThanOrEqualTo(1);
      if (systems.contains(Company.GENERIC_SYSTEM_PROMPT)) {
        generic++;
      }
    }
    assertThat(generic).isGreaterThanOrEqualTo(3);
  }

  @Test
  void companiesDrawTheirSizeAndSettingsFromTheirOwnGenerator() throws Exception {
    Scenario s = teams(1, "\"accounts\":[3,12]");
    World w = new World(s.startMillis(), s.endMillis(), s.startMillis(), corpus);
    Scenario.PopulationSpec spec = s.populations().get(0);
    for (long seed = 0; seed < 50; seed++) {
      Company a = new Company(new SplittableRandom(seed), w, spec);
      Company b = new Company(new SplittableRandom(seed), w, spec);
      assertThat(a.size).isBetween(3, 12).isEqualTo(b.size);
      assertThat(a.officeIps).isEqualTo(b.officeIps).isNotEmpty().hasSizeLessThanOrEqualTo(4);
      assertThat(a.officeIps).allMatch(ip -> ip.startsWith(a.officePrefix));
      assertThat(a.paymentFp).isEqualTo(b.paymentFp);
      for (int m = 0; m < a.size; m++) {
        assertThat(a.created(m)).isEqualTo(b.created(m)).isLessThan(s.endMillis());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 9})
  void theSameSeedGivesByteIdenticalTeams(long seed) throws Exception {
    Scenario s = teams(5, "");
    assertThat(write(s, seed)).isEqualTo(write(s, seed)).isNotEmpty();
  }

  private static String write(Scenario s, long seed) {
    StringWriter ev = new StringWriter();
    StringWriter lb = new StringWriter();
    new Simulator(s, corpus, new SimulationOptions(seed, 1.0))
        .write(ev, lb, Simulator.Progress.NONE);
    return ev + "\n" + lb;
  }
}
