package org.distillguard.mark.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.MarkerTest;
import org.junit.jupiter.api.Test;

class CanariesTest {
  @Test
  void mintsStableDistinctValuesInTheFormat() {
    MarkKey a = MarkerTest.MASTER.account("acct-1");
    Canaries.Canary c = Canaries.mint(a, "Give me an example order id");
    assertThat(c.value())
        .matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    assertThat(Canaries.mint(a, "Give me an example order id")).isEqualTo(c);
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      values.add(Canaries.mint(a, "prompt " + i).value());
    }
    assertThat(values).hasSize(10_000);
    assertThat(Canaries.mint(MarkerTest.MASTER.account("acct-2"), "Give me an example order id"))
        .isNotEqualTo(c);
  }

  @Test
  void findsCandidatesWhateverTheCase() {
    MarkKey a = MarkerTest.MASTER.account("acct-1");
    String v = Canaries.mint(a, "p").value();
    assertThat(Canaries.candidates("Your order " + v.toLowerCase() + " ships today."))
        .containsExactly(v);
    assertThat(Canaries.candidates("ISBN 978-3-16 and 2024-11-23 are not canaries")).isEmpty();
  }

  @Test
  void servingRecordsHashesAndTheCampaignOfACampaignKey() {
    MarkKey c = MarkerTest.MASTER.campaign("c-17");
    Canaries.Served s =
        Canaries.serve(
            c,
            "acct-3",
            "Give me a sample order id",
            java.time.Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(s.serving().campaign()).isEqualTo("c-17");
    assertThat(s.serving().account()).isEqualTo("acct-3");
    assertThat(s.serving().canaryHash()).isEqualTo(Canaries.hash(s.canary().value()));
    assertThat(s.serving().toString()).doesNotContain("order id", s.canary().value());
    assertThat(Canaries.instruction(s.canary())).contains(s.canary().value());
    assertThat(
            Canaries.serve(
                    MarkerTest.MASTER.account("acct-3"), "acct-3", "p", java.time.Instant.EPOCH)
                .serving()
                .campaign())
        .isNull();
  }

  @Test
  void knowsWhichPromptsAskForAnInventedValue() {
    assertThat(Canaries.eligible("Give me an example order ID for the test")).isTrue();
    assertThat(Canaries.eligible("Generate some fake customer records")).isTrue();
    assertThat(Canaries.eligible("What is the capital of France?")).isFalse();
  }

  @Test
  void oneReproductionInAThousandProbesPointsAtTheAccount() {
    CanaryLedger ledger = new CanaryLedger();
    MarkKey a = MarkerTest.MASTER.account("acct-7");
    String reproduced = null;
    for (int i = 0; i < 10_000; i++) {
      Canaries.Canary c = Canaries.mint(a, "prompt " + i);
      ledger.add(new Serving("2026-11-23T10:00:00Z", "acct-7", "camp-1", c.hash(), "h" + i));
      if (i == 4242) {
        reproduced = c.value();
      }
    }
    MarkKey b = MarkerTest.MASTER.account("acct-8");
    for (int i = 0; i < 1000; i++) {
      ledger.add(new Serving("t", "acct-8", null, Canaries.mint(b, "prompt " + i).hash(), "g" + i));
    }
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      // Every probe answer has an id-like string; one of them is a canary.
      outputs.add(
          i == 500
              ? "Order " + reproduced + " is late."
              : "Order " + Canaries.mint(MarkerTest.MASTER.account("other"), "x" + i).value());
    }
    CanaryTest.Result r = CanaryTest.test(ledger, outputs);
    assertThat(r.candidates()).isEqualTo(1000);
    assertThat(r.hits()).hasSize(2);
    CanaryTest.Hit acct =
        r.hits().stream().filter(h -> h.scope().equals("account")).findFirst().orElseThrow();
    assertThat(acct.subject()).isEqualTo("acct-7");
    assertThat(acct.log10P()).isLessThanOrEqualTo(-9);
    assertThat(r.hits())
        .extracting(CanaryTest.Hit::subject)
        .containsExactlyInAnyOrder("acct-7", "camp-1");
  }
}
