package org.distillguard.app.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.sim.eval.Evaluation;
import org.distillguard.sim.eval.Evaluator;
import org.distillguard.sim.eval.GroundTruth;
import org.distillguard.sim.eval.Problems;
import org.jspecify.annotations.Nullable;

/** Report inputs shared by the report tests. */
final class SampleReports {
  static final String EVIL = "<script>alert('x')</script>";
  static final long T0 = Rfc3339.parseMillis("2026-11-03T14:00:00.000Z");

  private SampleReports() {}

  /** A realistic page: 100,000 accounts, 40 listed, timelines, two campaigns, an evaluation. */
  static ReportData full() throws IOException {
    List<Assessment> top = new ArrayList<>();
    Map<String, Timeline> timelines = new LinkedHashMap<>();
    Random rnd = new Random(7);
    top.add(
        assessment(
            EVIL,
            Verdict.DISTILLATION,
            0.97,
            5200,
            38,
            List.of(
                new Reason("capability_sweep", 0.93, 2.4),
                new Reason("template_skeleton", 0.81, 1.7),
                new Reason("<img src=x onerror=alert(1)>", 1, 0.9),
                new Reason("single_turn", 1.0, 0.6),
                new Reason("active_hours", 0.2, -0.3))));
    for (int i = 1; i < 40; i++) {
      boolean flagged = i < 25;
      double score = flagged ? 0.99 - i * 0.005 : 0.84 - (i - 25) * 0.02;
      top.add(
          assessment(
              String.format("acct-%05d", 1000 + i * 37),
              flagged ? Verdict.DISTILLATION : Verdict.SUSPICIOUS,
              score,
              200 + rnd.nextInt(20_000),
              flagged ? 20 + rnd.nextInt(300) : -1,
              List.of(
                  new Reason("request_rate", 2.1 + i / 10.0, 1.2 - i / 50.0),
                  new Reason("timing_regularity", 0.8, 0.9),
                  new Reason("reasoning_elicitation", 0.6, 0.4),
                  new Reason("temperature_zero", 0.0, -0.2))));
    }
    for (Assessment a : top) {
      timelines.put(a.account(), timeline(a, rnd));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("benign", 99_870L);
    counts.put("suspicious", 55L);
    counts.put("distillation", 75L);
    double[] hist = new double[20];
    hist[0] = 91_000;
    hist[1] = 6_000;
    hist[2] = 2_000;
    hist[3] = 600;
    hist[5] = 200;
    hist[8] = 70;
    hist[10] = 30;
    hist[13] = 25;
    hist[17] = 20;
    hist[19] = 55;
    List<CampaignView> campaigns =
        List.of(
            new CampaignView(
                "camp-1" + EVIL,
                List.of(
                    "acct-01037", "acct-01074", "acct-01111", "a4", "a5", "a6", "a7", "a8", "a9"),
                48_000,
                T0,
                T0 + 3 * 86_400_000L,
                0.96,
                List.of("ip 198.51.100.0/24", "payment_fp pf-9a1c", "template " + EVIL),
                List.of(
                    new Reason("shared_ip", 0.9, 1.8), new Reason("shared_templates", 0.7, 1.1)),
                T0 + 5 * 3_600_000L,
                new long[] {
                  T0,
                  T0 + 600_000,
                  T0 + 3_600_000,
                  T0 + 4 * 3_600_000L,
                  T0 + 6 * 3_600_000L,
                  T0 + 7 * 3_600_000L,
                  T0 + 30 * 3_600_000L,
                  T0 + 50 * 3_600_000L,
                  T0 + 70 * 3_600_000L
                },
                java.util.Map.of("payment_fp", 6, "ip_prefix" + EVIL, 3)),
            new CampaignView(
                "camp-2",
                List.of("acct-01148", "acct-01185"),
                9_000,
                T0 + 3_600_000,
                T0 + 7_200_000,
                0.88,
                List.of(),
                List.of()));
    return new ReportData(
        "DistillGuard report",
        "distillguard analyze 0.1.0",
        List.of("gateway-2026-11-03.jsonl.gz", "gateway-2026-11-04.jsonl.gz"),
        1_234_567,
        42,
        100_000,
        T0,
        T0 + 2 * 86_400_000L + 5 * 3_600_000L,
        counts,
        top,
        timelines,
        campaigns,
        hist,
        evaluation());
  }

  /** A page for a tiny run, no campaigns, no evaluation. */
  static ReportData small(@Nullable Evaluation e) {
    Assessment a =
        assessment(
            "acct-1", Verdict.DISTILLATION, 0.9, 120, 50, List.of(new Reason("x_new", 1, 1)));
    return new ReportData(
        "Run",
        "distillguard analyze dev",
        List.of("-"),
        120,
        0,
        1,
        T0,
        T0 + 60_000,
        Map.of("distillation", 1L),
        List.of(a),
        Map.of(),
        List.of(),
        new double[20],
        e);
  }

  static ReportData empty() {
    return new ReportData(
        "Empty",
        "distillguard analyze dev",
        List.of(),
        0,
        3,
        0,
        Exchange.NO_TIME,
        Exchange.NO_TIME,
        Map.of(),
        List.of(),
        Map.of(),
        List.of(),
        new double[20],
        null);
  }

  static Assessment assessment(
      String account, Verdict v, double score, long requests, long flaggedAfter, List<Reason> rs) {
    return new Assessment(
        account,
        v,
        score,
        requests,
        flaggedAfter,
        flaggedAfter < 0 ? Exchange.NO_TIME : T0 + flaggedAfter * 1000,
        T0,
        T0 + requests * 1000,
        rs,
        null);
  }

  private static Timeline timeline(Assessment a, Random rnd) {
    int n = 60;
    long[] t = new long[n];
    float[] s = new float[n];
    long[] idx = new long[n];
    double score = 0.05;
    long flagAt = a.flagged() ? a.flaggedAfter() : Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      idx[i] = 1 + (a.requests() - 1) * i / (n - 1);
      t[i] = T0 + idx[i] * 1000;
      double target = idx[i] >= flagAt ? a.score() : Math.min(a.score(), 0.84) * idx[i] / flagAt;
      if (!a.flagged()) {
        target = a.score() * Math.min(1.0, 3.0 * idx[i] / a.requests());
      }
      score = Math.max(score, target + (rnd.nextDouble() - 0.5) * 0.02);
      s[i] = (float) Math.min(1, score);
    }
    return new Timeline(t, s, idx);
  }

  static Evaluation evaluation() throws IOException {
    StringBuilder labels = new StringBuilder();
    StringBuilder verdicts = new StringBuilder();
    String[] classes = {"bulk", "cot", "sweep", "hydra", "turncoat", "person", "app", "pipeline"};
    int k = 0;
    for (String c : classes) {
      boolean distill = !(c.equals("person") || c.equals("app") || c.equals("pipeline"));
      for (int i = 0; i < 10; i++, k++) {
        labels.append(
            String.format(
                "{\"account\":\"e%d\",\"class\":\"%s\",\"distill\":%s,\"campaign\":%s,"
                    + "\"switch_at\":%s}%n",
                k,
                c,
                distill,
                c.equals("hydra") ? "\"H1\"" : "null",
                c.equals("turncoat") ? "50" : "null"));
        boolean flagged = distill ? i < 9 : i == 0 && c.equals("pipeline");
        verdicts.append(
            String.format(
                "{\"account\":\"e%d\",\"verdict\":\"%s\",\"requests\":500,\"flagged_after\":%s,"
                    + "\"campaign\":%s}%n",
                k,
                flagged ? "distillation" : "benign",
                flagged ? String.valueOf(60 + i * 7) : "null",
                c.equals("hydra") && i < 8 ? "\"D1\"" : "null"));
      }
    }
    Problems p = new Problems();
    Map<String, GroundTruth> truth =
        GroundTruth.read(new BufferedReader(new StringReader(labels.toString())), "labels", p);
    Evaluator ev = new Evaluator(truth, p);
    ev.readVerdicts(new BufferedReader(new StringReader(verdicts.toString())), "verdicts");
    return ev.finish();
  }
}
