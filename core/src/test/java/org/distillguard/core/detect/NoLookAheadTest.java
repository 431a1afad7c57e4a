package org.distillguard.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector's central invariant: running it on any prefix of a log gives, for every account,
 * exactly the assessment (verdict, score, flagged_after, reasons) the full run had at that point.
 */
class NoLookAheadTest {
  private static final String[] PROMPTS = {
    "Write a Python function that sorts a list.",
    "Explain step by step why the sky is blue.",
    "what time is it in tokyo",
    "Translate into German: good morning.",
    "Rate the following answer on a scale of 1 to 10.",
    "Give three tips for staying healthy.",
    "hi",
    "Solve 12 * 7 + 3 and show your work.",
  };

  static List<Exchange> randomLog(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Exchange> out = new ArrayList<>(n);
    long t = 1_767_225_600_000L;
    int accounts = 1 + r.nextInt(12);
    for (int i = 0; i < n; i++) {
      t += r.nextInt(5) == 0 ? -r.nextInt(5000) : r.nextInt(60_000); // some out of order
      String account = "acct-" + r.nextInt(accounts);
      Params p =
          r.nextBoolean()
              ? Params.NONE
              : Params.NONE
                  .withMaxTokens(r.nextInt(8000))
                  .withTemperature(r.nextDouble())
                  .withN(1 + r.nextInt(3))
                  .withLogprobs(r.nextBoolean())
                  .withReasoningEffort(r.nextBoolean() ? "high" : null);
      // Linking traits from small pools, so that campaign linking links and confirms groups and
      // the invariant covers flags that come from another account's request.
      int k = Integer.parseInt(account.substring(5));
      out.add(
          Exchange.builder("r" + i, t, account)
              .ip("198.18." + (k % 3) + "." + (1 + r.nextInt(200)))
              .userAgent(k % 2 == 0 ? "python-requests/2.32.3" : "OpenAI/Python 1.54.0")
              .accountMeta(
                  new AccountMeta(
                      1_767_225_600_000L - 86_400_000L * (k % 4 == 0 ? 400 : 2),
                      "pf-" + (k % 4),
                      "tmpmail.example",
                      null,
                      null))
              .model(r.nextInt(10) == 0 ? "m-new" : "m-old")
              .params(p)
              .prompt(PROMPTS[r.nextInt(PROMPTS.length)] + " " + r.nextInt(50))
              .build());
    }
    return out;
  }

  private static List<Assessment> snapshot(Detector d) {
    List<Assessment> all = d.assessments();
    all.sort(Comparator.comparing(Assessment::account));
    return all;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void anyPrefixGivesTheAssessmentsTheFullRunHadAtThatPoint(long seed) {
    List<Exchange> log = randomLog(seed, 600);
    int cut = 1 + new SplittableRandom(seed * 31).nextInt(log.size() - 1);
    Detector full = Detector.standard();
    List<Assessment> atCut = null;
    for (int i = 0; i < log.size(); i++) {
      full.observe(log.get(i));
      if (i + 1 == cut) {
        atCut = snapshot(full);
      }
    }
    Detector prefix = Detector.standard();
    log.subList(0, cut).forEach(prefix::observe);
    assertThat(snapshot(prefix)).isEqualTo(atCut);
  }

  @ParameterizedTest
  @ValueSource(longs = {101, 102, 103})
  void flaggedAfterIsTheRequestCountAtWhichThePrefixFirstFlags(long seed) {
    List<Exchange> log = randomLog(seed, 800);
    Detector full = Detector.standard();
    log.forEach(full::observe);
    for (Assessment a : full.assessments()) {
      if (!a.flagged()) {
        continue;
      }
      // Replay up to (not including) the account's k-th request: not yet flagged. Up to its
      // (k+1)-th: flagged at k. A campaign can flag an account between two of its own requests, on
      // another account's evidence, so the second prefix runs until the account's next request.
      Detector before = Detector.standard();
      Detector at = Detector.standard();
      long seen = 0;
      boolean beforeDone = false;
      for (Exchange e : log) {
        if (e.account().equals(a.account())) {
          seen++;
          if (seen == a.flaggedAfter()) {
            beforeDone = true;
          }
          if (seen == a.flaggedAfter() + 1) {
            break;
          }
        }
        if (!beforeDone) {
          before.observe(e);
        }
        at.observe(e);
      }
      Assessment b = before.assessment(a.account());
      assertThat(b == null || !b.flagged()).isTrue();
      assertThat(java.util.Objects.requireNonNull(at.assessment(a.account())).flaggedAfter())
          .isEqualTo(a.flaggedAfter());
    }
  }

  /**
   * What an analyst reads must agree with itself: once an account can be judged, its reported
   * (peak) score lies in the band of its verdict. (It did not when the peak could be reached before
   * the account had enough requests to be judged.)
   */
  @ParameterizedTest
  @ValueSource(longs = {201, 202, 203, 204, 205})
  void reportedScoreLiesInTheBandOfTheVerdict(long seed) {
    Detector d = Detector.standard();
    randomLog(seed, 1500).forEach(d::observe);
    DetectorConfig c = d.config();
    for (Assessment a : d.assessments()) {
      if (a.requests() < c.minRequests() && a.campaign() == null) {
        assertThat(a.verdict()).isEqualTo(Verdict.BENIGN);
        continue;
      }
      switch (a.verdict()) {
        case DISTILLATION ->
            assertThat(a.score()).isGreaterThanOrEqualTo(c.distillationAt() - 1e-4);
        case SUSPICIOUS ->
            assertThat(a.score()).isBetween(c.suspiciousAt() - 1e-4, c.distillationAt());
        case BENIGN -> assertThat(a.score()).isLessThan(c.suspiciousAt());
      }
    }
  }
}
