package org.distillguard.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static String render(ReportData d) throws IOException {
    StringWriter w = new StringWriter();
    HtmlReport.write(d, w);
    return w.toString();
  }

  @Test
  void hasEverySectionInOrder() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .containsSubsequence(
            "id=\"summary\"",
            "id=\"scores\"",
            "id=\"accounts\"",
            "id=\"timelines\"",
            "id=\"campaigns\"",
            "id=\"evaluation\"",
            "<footer>",
            "What the verdicts mean");
  }

  @Test
  void summaryShowsTheRunsNumbers() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .contains(">1,234,567<") // events
        .contains(">100,000<") // accounts
        .contains(">42<") // invalid lines
        .contains(">75<") // distillation accounts
        .contains("2026-11-03 14:00:00 &ndash; 2026-11-05 19:00:00 (2 d 5 h)")
        .contains("gateway-2026-11-03.jsonl.gz");
  }

  @Test
  void listsOnlyTheGivenAccountsAndSummarisesTheRest() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .contains("Listing 40 accounts")
        .contains("Not listed: 99,960 accounts (99,870 benign, 40 suspicious, 50 distillation)");
    assertThat(count(html, "<figure id=\"tl-")).isEqualTo(HtmlReport.MAX_TIMELINES);
  }

  @Test
  void flaggedAccountRowShowsScoreRequestsFlagAndReadableReasons() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .contains(">0.970<")
        .contains(">5,200<")
        .contains(">38<")
        .contains("2026-11-03 14:00:38")
        .contains(">Sweeps across capability domains<")
        .contains(">+2.40<")
        .contains(">-0.20<")
        .contains("+1 more")
        .contains("class=\"neg\"");
  }

  @Test
  void escapesUserControlledTextEverywhere() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<img")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(1)&gt;")
        .contains("camp-1&lt;script&gt;")
        .contains("template &lt;script&gt;");
    assertThat(HtmlReport.esc("a&b\"c'<>\u0001")).isEqualTo("a&amp;b&quot;c&#39;&lt;&gt;\uFFFD");
  }

  @Test
  void referencesNothingOutsideThePage() throws IOException {
    String html = render(SampleReports.full()).toLowerCase(Locale.ROOT);
    assertThat(html)
        .doesNotContain("http:")
        .doesNotContain("https:")
        .doesNotContain("//")
        .doesNotContain("<link")
        .doesNotContain("@import")
        .doesNotContain("url(");
    assertThat(html).doesNotContainPattern("<[^>]*\\s(src|href)=\"[^#]");
  }

  @Test
  void elementsAreProperlyNested() throws IOException {
    assertWellNested(render(SampleReports.full()));
    assertWellNested(render(SampleReports.small(null)));
    assertWellNested(render(SampleReports.empty()));
  }

  @Test
  void timelinesDrawThresholdsAndTheFlagPoint() throws IOException {
    String html = render(SampleReports.full());
    String first = html.substring(html.indexOf("<figure id=\"tl-0\""), html.indexOf("</figure>"));
    assertThat(first)
        .contains("<polyline")
        .contains("stroke:var(--suspicious)")
        .contains("stroke:var(--distillation)")
        .contains("<circle")
        .contains("flagged after 38 requests")
        .contains("request (log scale)");
    assertThat(html).contains("<a href=\"#tl-0\">&lt;script&gt;");
  }

  @Test
  void campaignsShowGrowthConfirmationAndHowMembersWereLinked() throws IOException {
    String html = render(SampleReports.full());
    assertThat(html)
        .contains("Accounts per campaign over time")
        .contains(">confirmed</span>")
        .contains(">suspicious</span>")
        .contains("payment fp: 6")
        .contains("<circle") // the confirmation point
        .contains("camp-1&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; confirmed")
        .doesNotContain("ip_prefix<script>");
  }

  @Test
  void saysSoWhenNoCampaignIsLinkedAndOmitsEvaluationWhenAbsent() throws IOException {
    String html = render(SampleReports.small(null));
    assertThat(html)
        .contains("No campaigns linked.")
        .doesNotContain("id=\"evaluation\"")
        .contains("No timelines recorded.")
        .contains(">x_new<"); // unknown signal shown as its id
  }

  @Test
  void rendersTheEvaluationFigures() throws IOException {
    String html = render(SampleReports.small(SampleReports.evaluation()));
    assertThat(html)
        .contains("id=\"evaluation\"")
        .contains("<td>turncoat</td>")
        .contains(">90.00%<") // recall of each distilling class
        .contains("<td>pipeline</td>")
        .contains(">10.00%<") // pipeline false positives
        .contains("mean coverage 80.00%");
  }

  @Test
  void anEmptyRunStillRenders() throws IOException {
    String html = render(SampleReports.empty());
    assertThat(html)
        .contains("no events")
        .contains("No scores to show.")
        .contains("No account to list.")
        .contains(">3<");
  }

  @Test
  void theFlagPointSitsOnTheScoreLine() {
    Timeline t = new Timeline(new long[3], new float[] {0.1f, 0.5f, 0.9f}, new long[] {1, 11, 21});
    assertThat(HtmlReport.scoreAt(t, 16))
        .isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(HtmlReport.scoreAt(t, 1))
        .isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(HtmlReport.scoreAt(t, 99))
        .isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void staysLightWhenTheCallerPassesAHundredThousandAccounts() throws IOException {
    ReportData full = SampleReports.full();
    java.util.List<org.distillguard.core.detect.Assessment> many = new java.util.ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      many.add(
          SampleReports.assessment(
              "acct-" + i,
              org.distillguard.core.detect.Verdict.BENIGN,
              0.1,
              10,
              -1,
              java.util.List.of()));
    }
    ReportData big =
        new ReportData(
            full.title(),
            full.generatedBy(),
            full.inputs(),
            full.events(),
            full.invalidLines(),
            full.accounts(),
            full.firstEventMillis(),
            full.lastEventMillis(),
            full.verdictCounts(),
            many,
            full.timelines(),
            full.campaigns(),
            full.scoreHistogram(),
            null);
    String html = render(big);
    assertThat(html).contains("Listing 1,000 accounts").contains("Not listed: 99,000 accounts");
    assertThat(html.length()).isLessThan(2_000_000);
  }

  @Test
  void timelineColumnsMustHaveOneLength() {
    assertThatThrownBy(() -> new Timeline(new long[2], new float[2], new long[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  private static final Set<String> VOID = Set.of("meta", "br", "hr", "img", "input", "link");
  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>");

  /** Every non-void element is closed, in order; the page has one html, head and body. */
  static void assertWellNested(String html) {
    String body = html.replaceFirst("(?s)<style>.*?</style>", "<style></style>");
    Deque<String> open = new ArrayDeque<>();
    Matcher m = TAG.matcher(body);
    while (m.find()) {
      String name = m.group(2).toLowerCase(Locale.ROOT);
      if (m.group(1).isEmpty()) {
        if (!VOID.contains(name) && m.group(3).isEmpty()) {
          open.push(name);
        }
      } else {
        assertThat(open).as("closing </%s> at %d", name, m.start()).isNotEmpty();
        assertThat(open.pop()).as("closing </%s> at %d", name, m.start()).isEqualTo(name);
      }
    }
    assertThat(open).as("unclosed elements").isEmpty();
    assertThat(count(html, "<html")).isEqualTo(1);
    assertThat(count(html, "<body>")).isEqualTo(1);
  }
}
