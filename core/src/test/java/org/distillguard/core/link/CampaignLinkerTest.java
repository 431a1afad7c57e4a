package org.distillguard.core.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Campaign linking on crafted populations: the hydra is found whole, and the look-alikes that
 * legitimately share infrastructure (a company's accounts on one card, developers on one SDK and
 * system prompt, apps in one cloud range, neighbours behind one CGNAT) are never swept in.
 */
class CampaignLinkerTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_793_577_600_000L; // 2026-11-02T00:00:00Z
  private static final PromptAnalyzer ANALYZER = PromptAnalyzer.standard();
  private static final String[] QUESTIONS = {
    "Explain how photosynthesis works.",
    "Write a haiku about autumn leaves.",
    "What causes inflation in an economy?",
    "Describe the water cycle for a child.",
    "List five uses of graph theory.",
    "Why is the sky blue during the day?",
    "Summarize the plot of Hamlet.",
    "How do vaccines train the immune system?",
    "Compare TCP and UDP.",
    "Give tips for a job interview.",
  };

  /** A little world: accounts get dense indexes in order of first appearance, like in Detector. */
  private static final class World {
    final CampaignLinker linker = new CampaignLinker(LinkerConfig.defaults(), 0.5, 0.85);
    final Map<String, Integer> index = new HashMap<>();
    final List<Integer> handedOver = new ArrayList<>();
    long t = T0;

    int send(Account a, String prompt) {
      int i = index.computeIfAbsent(a.name, k -> index.size());
      t += 1000;
      Exchange.Builder b =
          Exchange.builder("r" + t, t, a.name)
              .ip(a.ip)
              .userAgent(a.ua)
              .params(a.params)
              .accountMeta(new AccountMeta(a.created, a.card, a.domain, null, null));
      List<Message> messages = new ArrayList<>();
      if (a.system != null) {
        messages.add(new Message("system", a.system));
      }
      messages.add(new Message("user", prompt));
      Exchange e = b.messages(messages).build();
      linker.observe(i, a.name, t, Traits.of(e, ANALYZER.analyze(e).system()));
      linker.memberScore(i, a.ownScore, a.ownScore >= 0.85);
      linker.review(i, t, handedOver::add);
      return i;
    }

    void run(List<Account> accounts, int requestsEach, String before, String after) {
      for (int n = 0; n < requestsEach; n++) {
        for (Account a : accounts) {
          send(
              a,
              before + QUESTIONS[Math.floorMod(a.name.hashCode() + n, QUESTIONS.length)] + after);
        }
      }
    }

    int indexOf(Account a) {
      return java.util.Objects.requireNonNull(index.get(a.name), a.name);
    }

    @Nullable String campaignOf(Account a) {
      return linker.campaignId(indexOf(a));
    }

    double scoreOf(Account a) {
      return linker.campaignScore(indexOf(a));
    }
  }

  private static final class Account {
    final String name;
    String ip = "100.64.0.1";
    String ua = "OpenAI/Python 1.54.0";
    Params params = Params.NONE;
    long created = T0 - 400 * DAY;
    @Nullable String card;
    @Nullable String domain = "gmail.com";
    @Nullable String system;
    double ownScore = 0.1;

    Account(String name) {
      this.name = name;
      this.card = "pf-" + name;
    }
  }

  private static List<Account> hydra(String id, int heads, int cards, String... prefixes) {
    List<Account> out = new ArrayList<>();
    for (int h = 0; h < heads; h++) {
      Account a = new Account(id + "-" + h);
      a.ip = prefixes[h % prefixes.length] + (1 + h % 250);
      a.ua = "python-requests/2.32.3";
      a.params = Params.NONE.withMaxTokens(4096).withTemperature(0.7);
      a.created = T0 - 3 * DAY + h * 600_000L;
      a.card = "pf-" + id + "-" + (h % cards);
      a.domain = "tmpmail.example";
      out.add(a);
    }
    return out;
  }

  @Test
  void hydraHeadsSharingCardsRangesAndTemplateBecomeOneConfirmedCampaign() {
    World w = new World();
    List<Account> heads = hydra("h", 40, 3, "100.70.1.", "100.70.2.", "100.70.3.");
    for (int h = 0; h < 6; h++) {
      heads.get(h).ownScore = 0.7; // a few heads look suspicious on their own
    }
    w.run(heads, 4, "### Instruction:\n", "\n\n### Response:");

    List<Campaign> campaigns = w.linker.campaigns();
    assertThat(campaigns).hasSize(1);
    Campaign c = campaigns.get(0);
    assertThat(c.accounts()).hasSize(40);
    assertThat(c.confirmed()).isTrue();
    assertThat(c.score()).isGreaterThanOrEqualTo(0.85);
    assertThat(c.requests()).isEqualTo(160);
    assertThat(c.indicators())
        .extracting(Campaign.Indicator::type)
        .contains("payment_fp", "ip_prefix", "email_domain", "client", "template");
    assertThat(c.indicators())
        .filteredOn(i -> i.type().equals("ip_prefix"))
        .extracting(Campaign.Indicator::value)
        .containsExactlyInAnyOrder("100.70.1.0/24", "100.70.2.0/24", "100.70.3.0/24");
    assertThat(c.members()).allSatisfy(m -> assertThat(m.linkedBy()).isNotEmpty());
    // every member handed over for flagging exactly once
    assertThat(w.handedOver).hasSize(40).doesNotHaveDuplicates();
  }

  @Test
  void headsThatJoinAConfirmedCampaignAreHandedOverOnArrival() {
    World w = new World();
    List<Account> heads = hydra("h", 30, 2, "198.18.9.");
    heads.subList(0, 5).forEach(a -> a.ownScore = 0.7);
    w.run(heads.subList(0, 20), 3, "Task: ", "\nProvide a comprehensive answer.");
    assertThat(w.handedOver).hasSize(20);
    int late = w.send(heads.get(25), "Task: Explain tides.\nProvide a comprehensive answer.");
    assertThat(w.handedOver).hasSize(21).last().isEqualTo(late);
    assertThat(w.linker.confirmed(late)).isTrue();
  }

  @Test
  void shapeAloneNeverConfirms() {
    World w = new World();
    w.run(hydra("h", 60, 3, "198.18.9."), 3, "Task: ", "\nProvide a comprehensive answer.");
    List<Campaign> campaigns = w.linker.campaigns();
    assertThat(campaigns).hasSize(1);
    assertThat(campaigns.get(0).confirmed()).isFalse();
    assertThat(campaigns.get(0).score()).isLessThan(0.85);
    assertThat(w.handedOver).isEmpty();
  }

  @Test
  void twoOperatorsUsingTheSamePublicTemplateStayApart() {
    World w = new World();
    List<Account> one = hydra("a", 20, 2, "198.18.9.");
    List<Account> two = hydra("b", 20, 2, "100.99.4.");
    two.forEach(x -> x.created -= 5 * DAY);
    two.forEach(x -> x.ua = "aiohttp/3.10.10");
    List<Account> all = new ArrayList<>(one);
    all.addAll(two);
    w.run(all, 3, "### Instruction:\n", "\n\n### Response:");
    one.forEach(x -> x.ownScore = 0.7);
    two.forEach(x -> x.ownScore = 0.7);
    w.run(all, 1, "### Instruction:\n", "\n\n### Response:");
    assertThat(w.linker.campaigns())
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.members()).hasSize(20));
    assertThat(w.campaignOf(one.get(0))).isNotEqualTo(w.campaignOf(two.get(0)));
  }

  @Test
  void anEstablishedCompanysAccountsOnOneCardAreNotCondemnedTogether() {
    World w = new World();
    List<Account> team = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Account a = new Account("acme-" + i);
      a.card = "pf-acme";
      a.domain = "acme.example";
      a.ip = "203.0.113." + (10 + i);
      a.system = "You are a helpful assistant.";
      a.created = T0 - (200 + 30 * i) * DAY;
      team.add(a);
    }
    team.get(0).ownScore = 0.8; // one member looks suspicious on its own
    team.get(1).ownScore = 0.6;
    w.run(team, 5, "", "");
    for (Account a : team) {
      assertThat(w.linker.confirmed(w.indexOf(a))).isFalse();
    }
    assertThat(w.handedOver).isEmpty();
    assertThat(w.linker.campaigns()).allSatisfy(c -> assertThat(c.confirmed()).isFalse());
  }

  @Test
  void developersSharingAnSdkAndTheDefaultSystemPromptStayApart() {
    World w = new World();
    List<Account> devs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Account a = new Account("dev-" + i);
      a.ip = "100." + (64 + i % 60) + "." + (i / 60) + "." + (1 + i % 200);
      a.system = "You are a helpful assistant.";
      a.domain = i % 2 == 0 ? "gmail.com" : "c" + (i % 17) + ".example";
      a.created = i % 10 < 3 ? T0 - (1 + i % 20) * DAY : T0 - (100 + i) * DAY; // 30% young
      a.ownScore = i % 7 == 0 ? 0.7 : 0.1;
      devs.add(a);
    }
    w.run(devs, 3, "", "");
    for (Account a : devs) {
      assertThat(w.scoreOf(a)).as(a.name).isZero(); // linked to nobody
    }
  }

  @Test
  void appsInOneCloudRangeStayApart() {
    World w = new World();
    List<Account> apps = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Account a = new Account("app-" + i);
      a.ip = "198.18.40." + (1 + i);
      a.ua = i % 2 == 0 ? "OpenAI/NodeJS 4.73.0" : "OpenAI/Python 1.54.0";
      a.params = Params.NONE.withMaxTokens(1024).withTemperature(0.7).withStream(true);
      a.system = "You are Ava, the assistant inside product " + i + ". Be concise.";
      a.domain = "company" + i + ".example";
      a.created = T0 - (300 + i) * DAY;
      a.ownScore = i == 0 ? 0.9 : 0.1;
      apps.add(a);
    }
    w.run(apps, 5, "", "");
    apps.forEach(a -> assertThat(w.scoreOf(a)).as(a.name).isZero());
  }

  @Test
  void neighboursBehindOneCgnatStayApartAndOutOfAHydraOnTheirRange() {
    World w = new World();
    List<Account> people = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Account a = new Account("p-" + i);
      a.ip = "100.64." + (i % 4) + "." + (1 + i % 250);
      a.ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36";
      a.created = i % 5 == 0 ? T0 - (2 + i % 25) * DAY : T0 - (200 + i) * DAY;
      people.add(a);
    }
    w.run(people, 2, "", "");
    people.forEach(a -> assertThat(w.scoreOf(a)).as(a.name).isZero());

    List<Account> heads = hydra("h", 30, 3, "100.64.1.", "100.64.2.");
    heads.subList(0, 5).forEach(a -> a.ownScore = 0.7);
    w.run(heads, 3, "### Instruction:\n", "\n\n### Response:");
    w.run(people, 1, "", "");
    assertThat(w.linker.campaigns())
        .singleElement()
        .satisfies(c -> assertThat(c.accounts()).hasSize(30));
    people.forEach(a -> assertThat(w.campaignOf(a)).as(a.name).isNull());
  }

  @Test
  void sameEventsGiveTheSameCampaigns() {
    List<Campaign> first = null;
    for (int run = 0; run < 2; run++) {
      World w = new World();
      List<Account> heads = hydra("h", 25, 3, "198.18.9.", "100.70.1.");
      heads.subList(0, 4).forEach(a -> a.ownScore = 0.75);
      w.run(heads, 3, "Please respond to the following request as helpfully as possible.\n\n", "");
      List<Campaign> now = w.linker.campaigns();
      if (first == null) {
        first = now;
      } else {
        assertThat(now).isEqualTo(first);
      }
    }
  }

  @Test
  void templatesAreCutAtWordBoundaries() {
    assertThat(CampaignLinker.commonPrefix("### Instruction:\nWhat is", "### Instruction:\nWhy"))
        .isEqualTo("### Instruction:\nWh");
    assertThat(CampaignLinker.wordPrefix("### Instruction:\nWh")).isEqualTo("### Instruction:\n");
    assertThat(CampaignLinker.commonSuffix("tides?\n\n### Response:", "leaves.\n\n### Response:"))
        .isEqualTo("\n\n### Response:");
    assertThat(CampaignLinker.wordSuffix("es step by step")).isEqualTo(" step by step");
    assertThat(CampaignLinker.wordPrefix("")).isEmpty();
    assertThat(CampaignLinker.wordSuffix("abc")).isEmpty();
  }

  @Test
  void organicPromptsAndRepeatsLearnNoTemplate() {
    World w = new World();
    Account person = new Account("p");
    Account retry = new Account("r");
    for (String q : QUESTIONS) {
      w.send(person, q);
      w.send(retry, "### Instruction:\nExplain tides.\n\n### Response:");
    }
    assertThat(w.linker.campaigns()).isEmpty();
    assertThat(w.scoreOf(person)).isZero();
    assertThat(w.scoreOf(retry)).isZero();
  }
}
