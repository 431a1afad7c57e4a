package org.distillguard.sim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  static final String LABELS =
      String.join(
          "\n",
          "{\"account\":\"b1\",\"class\":\"bulk\",\"distill\":true,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"b2\",\"class\":\"bulk\",\"distill\":true,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"c1\",\"class\":\"cot\",\"distill\":true,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"t1\",\"class\":\"turncoat\",\"distill\":true,\"campaign\":null,\"switch_at\":101}",
          "{\"account\":\"t2\",\"class\":\"turncoat\",\"distill\":true,\"campaign\":null,\"switch_at\":51}",
          "{\"account\":\"h1\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
          "{\"account\":\"h2\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
          "{\"account\":\"h3\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
          "{\"account\":\"p1\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"p2\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"d1\",\"class\":\"developer\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"pl1\",\"class\":\"pipeline\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"bm1\",\"class\":\"benchmark\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "{\"account\":\"x1\",\"class\":\"person\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
          "");

  static final String VERDICTS =
      String.join(
          "\n",
          v("b1", "distillation", 200, "40", null),
          v("b2", "benign", 100, null, null),
          v("c1", "distillation", 50, "20", null),
          v("t1", "distillation", 300, "130", null),
          v("t2", "distillation", 100, "10", null),
          v("h1", "distillation", 60, "30", "D1"),
          v("h2", "suspicious", 60, null, "D1"),
          v("h3", "benign", 40, null, "D2"),
          v("p1", "benign", 10, null, null),
          v("p2", "distillation", 500, "400", "D1"),
          v("d1", "suspicious", 30, null, null),
          v("pl1", "distillation", 1000, "900", null),
          v("bm1", "benign", 80, null, null),
          v("u1", "benign", 5, null, null),
          "{not json",
          v("z9", "evil", 5, null, null),
          "");

  static String v(
      String account,
      String verdict,
      long requests,
      @Nullable String flaggedAfter,
      @Nullable String campaign) {
    return "{\"account\":\""
        + account
        + "\",\"verdict\":\""
        + verdict
        + "\",\"score\":0.5,\"requests\":"
        + requests
        + ",\"flagged_after\":"
        + flaggedAfter
        + ",\"flagged_at\":null,\"campaign\":"
        + (campaign == null ? "null" : "\"" + campaign + "\"")
        + ",\"reasons\":[]}";
  }

  static Evaluation evaluate(String labels, String verdicts, @Nullable String campaigns)
      throws IOException {
    Problems problems = new Problems();
    Map<String, GroundTruth> truth =
        GroundTruth.read(new BufferedReader(new StringReader(labels)), "labels.jsonl", problems);
    Evaluator ev = new Evaluator(truth, problems);
    if (campaigns != null) {
      ev.readCampaigns(new BufferedReader(new StringReader(campaigns)), "campaigns.jsonl");
    }
    ev.readVerdicts(new BufferedReader(new StringReader(verdicts)), "verdicts.jsonl");
    return ev.finish();
  }

  @Test
  void countsAccountsOnBothSidesAndReportsTheRest() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    assertThat(e.labelledAccounts()).isEqualTo(14);
    assertThat(e.verdictAccounts()).isEqualTo(14);
    assertThat(e.evaluatedAccounts()).isEqualTo(13);
    assertThat(e.missingVerdicts()).isEqualTo(1);
    assertThat(e.missingVerdictExamples()).containsExactly("x1");
    assertThat(e.unlabelledVerdicts()).isEqualTo(1);
    assertThat(e.unlabelledExamples()).containsExactly("u1");
  }

  @Test
  void reportsMalformedLinesWithFileAndLineNumberAndSkipsThem() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    assertThat(e.malformedLines()).isEqualTo(2);
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0).file()).isEqualTo("verdicts.jsonl");
    assertThat(e.problems().get(0).line()).isEqualTo(15);
    assertThat(e.problems().get(0).reason()).startsWith("not valid JSON");
    assertThat(e.problems().get(1).toString())
        .isEqualTo("verdicts.jsonl:16: \"verdict\" is not one of benign, suspicious, distillation");
  }

  @Test
  void recallIsTheShareOfDistillersWithVerdictDistillation() throws IOException {
    Group d = evaluate(LABELS, VERDICTS, null).distillers();
    assertThat(d.accounts()).isEqualTo(8);
    assertThat(d.distillation()).isEqualTo(5);
    assertThat(d.distillationRate()).isEqualTo(0.625);
    assertThat(d.atLeastSuspiciousRate()).isEqualTo(0.75);
  }

  @Test
  void requestsToFlagCountFromATurncoatsSwitch() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    // b1 40, c1 20, t1 130-101+1 = 30, h1 30; t2 was flagged before its switch: not counted
    assertThat(e.distillers().requestsToFlag()).containsExactly(20L, 30L, 30L, 40L);
    assertThat(e.distillers().medianRequestsToFlag()).isEqualTo(30.0);
    assertThat(e.distillers().p90RequestsToFlag()).isEqualTo(40.0);
    assertThat(e.singleAccountDistillers().requestsToFlag()).containsExactly(20L, 40L);
    assertThat(e.singleAccountDistillers().medianRequestsToFlag()).isEqualTo(30.0);
  }

  @Test
  void leakageCountsServedDistillingRequestsIncludingNeverFlaggedAccounts() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    // exposed: 200+100+50+200+50+60+60+40 = 760; leaked: 40+100+20+30+0+30+60+40 = 320
    assertThat(e.distillers().exposedRequests()).isEqualTo(760);
    assertThat(e.distillers().leakedRequests()).isEqualTo(320);
    assertThat(e.distillers().leakage()).isCloseTo(320.0 / 760, within(1e-12));
    assertThat(e.singleAccountDistillers().leakage()).isCloseTo(160.0 / 350, within(1e-12));
  }

  @Test
  void turncoatsFlaggedBeforeTheSwitchAreCountedSeparatelyAndLeakNothing() throws IOException {
    Group t = group(evaluate(LABELS, VERDICTS, null), "turncoat");
    assertThat(t.accounts()).isEqualTo(2);
    assertThat(t.distillation()).isEqualTo(2);
    assertThat(t.flaggedBeforeSwitch()).isEqualTo(1);
    assertThat(t.exposedRequests()).isEqualTo(250);
    assertThat(t.leakedRequests()).isEqualTo(30);
    assertThat(t.requestsToFlag()).containsExactly(30L);
  }

  @Test
  void falsePositiveRatesPerBenignClassAndCombined() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    Group person = group(e, "person");
    assertThat(person.accounts()).isEqualTo(2);
    assertThat(person.distillationRate()).isEqualTo(0.5);
    assertThat(group(e, "developer").suspiciousRate()).isEqualTo(1.0);
    assertThat(e.peopleAndApps().accounts()).isEqualTo(3);
    assertThat(e.peopleAndApps().distillationRate()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(e.peopleAndApps().suspiciousRate()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(e.peopleAndApps().atLeastSuspiciousRate()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(e.pipelinesAndBenchmarks().accounts()).isEqualTo(2);
    assertThat(e.pipelinesAndBenchmarks().distillationRate()).isEqualTo(0.5);
    assertThat(e.benign().accounts()).isEqualTo(5);
    assertThat(e.benign().distillation()).isEqualTo(2);
  }

  @Test
  void teamAccountsCountAmongPeopleAndAppsAndInBenignCampaignMerges() throws IOException {
    String labels =
        String.join(
            "\n",
            "{\"account\":\"h1\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
            "{\"account\":\"tm1\",\"class\":\"team\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
            "{\"account\":\"tm2\",\"class\":\"team\",\"distill\":false,\"campaign\":null,\"switch_at\":null}",
            "");
    String verdicts =
        String.join(
            "\n",
            v("h1", "distillation", 60, "30", "D1"),
            v("tm1", "distillation", 40, "35", "D1"),
            v("tm2", "benign", 40, null, null),
            "");
    Evaluation e = evaluate(labels, verdicts, null);
    assertThat(Evaluator.PEOPLE_AND_APPS).contains("team");
    assertThat(e.peopleAndApps().accounts()).isEqualTo(2);
    assertThat(e.peopleAndApps().distillationRate()).isEqualTo(0.5);
    assertThat(group(e, "team").accounts()).isEqualTo(2);
    // A team member swept into a distilling campaign is the false merge issue 4 forbids.
    assertThat(e.campaigns().benignInDistillerCampaigns()).isEqualTo(1);
  }

  @Test
  void classesAreListedDistillersFirstThenBenignByName() throws IOException {
    assertThat(evaluate(LABELS, VERDICTS, null).classes())
        .extracting(Group::name)
        .containsExactly(
            "bulk", "cot", "hydra", "turncoat", "benchmark", "developer", "person", "pipeline");
  }

  @Test
  void campaignCoverageUsesTheLargestDetectedCampaign() throws IOException {
    CampaignFigures c = evaluate(LABELS, VERDICTS, null).campaigns();
    assertThat(c.trueCampaigns()).isEqualTo(1);
    assertThat(c.detectedCampaigns()).isEqualTo(2);
    assertThat(c.perCampaign()).containsExactly(new CampaignFigures.Coverage("H", 3, "D1", 2));
    assertThat(c.meanCoverage()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(c.minCoverage()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(c.benignInDistillerCampaigns()).isEqualTo(1); // p2 in D1
  }

  @Test
  void lateHeadsAreTheCampaignAccountsFirstSeenAfterConfirmation() throws IOException {
    String labels =
        String.join(
            "\n",
            "{\"account\":\"h1\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
            "{\"account\":\"h2\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
            "{\"account\":\"h3\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
            "{\"account\":\"h4\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}",
            "");
    String verdicts =
        String.join(
            "\n",
            withFirstSeen(v("h1", "distillation", 60, "30", "D1"), "2026-11-02T00:00:00Z"),
            withFirstSeen(v("h2", "distillation", 60, "3", "D1"), "2026-11-02T06:00:00Z"),
            withFirstSeen(v("h3", "distillation", 40, "5", "D1"), "2026-11-02T07:00:00Z"),
            withFirstSeen(v("h4", "benign", 2, null, null), "2026-11-02T08:00:00Z"),
            "");
    String campaigns =
        "{\"id\":\"D1\",\"accounts\":[\"h1\",\"h2\",\"h3\"],"
            + "\"confirmed_at\":\"2026-11-02T05:00:00Z\"}\n";
    CampaignFigures c = evaluate(labels, verdicts, campaigns).campaigns();
    assertThat(c.lateHeads()).isEqualTo(3); // h1 came before confirmation
    assertThat(c.lateHeadsFlagged()).isEqualTo(2);
    assertThat(c.lateHeadsRequestsToFlag()).containsExactly(3L, 5L);
    assertThat(c.lateHeadsMedianRequestsToFlag()).isEqualTo(4.0);
    assertThat(
            new Bounds(null, null, null, null, null, 0.7, 0.0, 10.0)
                .passes(evaluate(labels, verdicts, campaigns)))
        .isTrue();
    assertThat(
            new Bounds(null, null, null, null, null, null, null, 3.0)
                .passes(evaluate(labels, verdicts, campaigns)))
        .isFalse();
  }

  @Test
  void malformedTimesAreReportedWithTheirLineAndCountNoLateHead() throws IOException {
    String labels =
        "{\"account\":\"h1\",\"class\":\"hydra\",\"distill\":true,\"campaign\":\"H\",\"switch_at\":null}\n";
    String verdicts = withFirstSeen(v("h1", "distillation", 60, "3", "D1"), "yesterday") + "\n";
    Evaluation e =
        evaluate(
            labels, verdicts, "{\"id\":\"D1\",\"accounts\":[\"h1\"],\"confirmed_at\":\"soon\"}\n");
    assertThat(e.campaigns().lateHeads()).isZero();
    assertThat(e.evaluatedAccounts()).isEqualTo(1); // the account itself still counts
    assertThat(e.malformedLines()).isEqualTo(2);
    assertThat(e.problems())
        .extracting(Object::toString)
        .anySatisfy(p -> assertThat(p).contains("campaigns.jsonl:1").contains("confirmed_at"))
        .anySatisfy(p -> assertThat(p).contains("verdicts.jsonl:1").contains("first_seen"));
  }

  @Test
  void aCampaignWithoutConfirmationTimeHasNoLateHeads() throws IOException {
    CampaignFigures c =
        evaluate(LABELS, VERDICTS, "{\"id\":\"D1\",\"accounts\":[\"h1\"],\"confirmed_at\":null}\n")
            .campaigns();
    assertThat(c.lateHeads()).isZero();
    assertThat(c.lateHeadsMedianRequestsToFlag()).isNaN();
  }

  private static String withFirstSeen(String verdictLine, String firstSeen) {
    return verdictLine.substring(0, verdictLine.length() - 1)
        + ",\"first_seen\":\""
        + firstSeen
        + "\"}";
  }

  @Test
  void campaignsFileIsUsedWhereTheVerdictNamesNoCampaign() throws IOException {
    String verdicts =
        String.join(
            "\n",
            v("h1", "distillation", 60, "30", null),
            v("h2", "distillation", 60, "30", null),
            v("h3", "benign", 40, null, "X"),
            v("p1", "benign", 10, null, null));
    String campaigns = "{\"id\":\"C7\",\"accounts\":[\"h1\",\"h2\",\"h3\",\"p1\"]}\n";
    CampaignFigures c = evaluate(LABELS, verdicts, campaigns).campaigns();
    assertThat(c.perCampaign()).containsExactly(new CampaignFigures.Coverage("H", 3, "C7", 2));
    assertThat(c.benignInDistillerCampaigns()).isEqualTo(1);
    assertThat(c.detectedCampaigns()).isEqualTo(2);
  }

  @Test
  void aTrueCampaignWithNoDetectedCampaignHasZeroCoverage() throws IOException {
    String verdicts = v("h1", "benign", 60, null, null);
    CampaignFigures c = evaluate(LABELS, verdicts, null).campaigns();
    assertThat(c.perCampaign()).containsExactly(new CampaignFigures.Coverage("H", 1, null, 0));
    assertThat(c.meanCoverage()).isEqualTo(0.0);
  }

  @Test
  void emptyInputsGiveNoFiguresRatherThanZeros() throws IOException {
    Evaluation e = evaluate("", "", null);
    assertThat(e.evaluatedAccounts()).isZero();
    assertThat(e.distillers().distillationRate()).isNaN();
    assertThat(e.distillers().leakage()).isNaN();
    assertThat(e.distillers().medianRequestsToFlag()).isNaN();
    assertThat(e.campaigns().meanCoverage()).isNaN();
    assertThat(e.classes()).isEmpty();
  }

  @Test
  void rejectsInconsistentVerdictAndLabelLines() throws IOException {
    String labels =
        String.join(
            "\n",
            "{\"account\":\"a\",\"class\":\"bulk\",\"distill\":\"yes\"}",
            "{\"account\":\"b\",\"class\":\"turncoat\",\"distill\":true,\"switch_at\":0}",
            "[1,2]",
            "{\"account\":\"c\",\"class\":\"bulk\",\"distill\":true}",
            "{\"account\":\"c\",\"class\":\"bulk\",\"distill\":true}");
    String verdicts =
        String.join(
            "\n",
            v("c", "distillation", 10, "11", null),
            "{\"account\":\"c\",\"verdict\":\"benign\"}",
            v("c", "distillation", 10, "5", null),
            v("c", "distillation", 10, "5", null));
    Evaluation e = evaluate(labels, verdicts, null);
    assertThat(e.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "labels.jsonl:1: \"distill\" missing or not true/false",
            "labels.jsonl:2: \"switch_at\" is neither null nor a whole number >= 1",
            "labels.jsonl:3: not a JSON object",
            "labels.jsonl:5: account c labelled twice; kept the first",
            "verdicts.jsonl:1: \"flagged_after\" is neither null nor a whole number in 1..requests",
            "verdicts.jsonl:2: \"requests\" missing or not a whole number >= 0",
            "verdicts.jsonl:4: account c has a second verdict; kept the first");
    assertThat(e.evaluatedAccounts()).isEqualTo(1);
    assertThat(e.distillers().requestsToFlag()).containsExactly(5L);
  }

  @Test
  void boundsPassAndFailPerFigure() throws Exception {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    Bounds b =
        Bounds.parse(
            new StringReader(
                "{\"recall_min\":0.6,\"fpr_people_apps_max\":0.005,"
                    + "\"fpr_pipelines_benchmarks_max\":0.5,\"leakage_max\":0.10,"
                    + "\"median_requests_to_flag_single_max\":50}"),
            "b.json");
    List<Bounds.Check> checks = b.check(e);
    assertThat(checks)
        .extracting(Bounds.Check::name, Bounds.Check::pass)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("recall_min", true),
            org.assertj.core.groups.Tuple.tuple("fpr_people_apps_max", false),
            org.assertj.core.groups.Tuple.tuple("fpr_pipelines_benchmarks_max", true),
            org.assertj.core.groups.Tuple.tuple("leakage_max", false),
            org.assertj.core.groups.Tuple.tuple("median_requests_to_flag_single_max", true));
    assertThat(b.passes(e)).isFalse();
    assertThat(new Bounds(0.6, null, null, null, null).passes(e)).isTrue();
  }

  @Test
  void aFigureThatCannotBeMeasuredFailsItsBound() throws IOException {
    Evaluation e = evaluate("", "", null);
    assertThat(new Bounds(null, 0.01, null, null, null).passes(e)).isFalse();
  }

  @Test
  void unknownBoundIsRejectedWithTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Bounds.parse(new StringReader("{\"recal_min\":1}"), "b.json"))
        .isInstanceOf(EvalInputException.class)
        .hasMessageContaining("unknown bound \"recal_min\"")
        .hasMessageContaining("recall_min");
  }

  @Test
  void jsonWritesUnmeasurableFiguresAsNull() throws IOException {
    StringWriter w = new StringWriter();
    EvaluationJson.write(evaluate(LABELS, VERDICTS, null), List.of(), w);
    assertThat(w.toString())
        .contains("\"recall\" : 0.625")
        .contains("\"leakage\" : 0.421053")
        .contains("\"false_positive_rate\" : 0.5")
        .contains("\"benign_in_distiller_campaigns\" : 1");
    StringWriter empty = new StringWriter();
    EvaluationJson.write(evaluate("", "", null), List.of(), empty);
    assertThat(empty.toString()).contains("\"recall\" : null");
  }

  @Test
  void jsonMatchesTheGoldenFile() throws IOException {
    StringWriter w = new StringWriter();
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    Bounds b = new Bounds(0.95, 0.005, 0.02, 0.10, 50.0);
    EvaluationJson.write(e, b.check(e), w);
    java.nio.file.Path golden = java.nio.file.Path.of("src/test/resources/eval/evaluation.json");
    if (Boolean.getBoolean("distillguard.updateGolden")) {
      java.nio.file.Files.writeString(golden, w.toString());
    }
    assertThat(w.toString()).isEqualTo(java.nio.file.Files.readString(golden));
  }

  @Test
  void csvHasOneRowPerClassAndOnePerFlaggedDistiller() throws IOException {
    Evaluation e = evaluate(LABELS, VERDICTS, null);
    StringWriter classes = new StringWriter();
    EvaluationText.classesCsv(e, classes);
    assertThat(classes.toString().split("\n")).hasSize(1 + 8 + 5);
    assertThat(classes.toString()).contains("\nbulk,true,2,1,0,0.500000,");
    StringWriter rtf = new StringWriter();
    EvaluationText.requestsToFlagCsv(e, rtf);
    assertThat(rtf.toString())
        .isEqualTo("class,requests_to_flag\nbulk,40\ncot,20\nhydra,30\nturncoat,30\n");
  }

  private static Group group(Evaluation e, String name) {
    return e.classes().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }
}
