package org.distillguard.app.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.sim.eval.CampaignFigures;
import org.distillguard.sim.eval.Evaluation;
import org.distillguard.sim.eval.EvaluationText;
import org.distillguard.sim.eval.Group;

/**
 * Renders {@code report.html}: a single self-contained page for a trust-and-safety analyst.
 *
 * <p>No external resource of any kind (CSS, scripts, fonts, images): styles are inline and charts
 * are inline SVG, so the page works offline, from a mail attachment or an air-gapped laptop. Every
 * string that comes from the input (account ids, campaign ids, indicators, signal names, file
 * names) goes through {@link #esc}. The page stays small whatever the input: it lists only the
 * accounts the caller passes, draws at most {@link #MAX_TIMELINES} timelines and {@link
 * #MAX_CAMPAIGNS} campaigns, and summarises the rest in counts.
 */
public final class HtmlReport {
  /** Score at which an account becomes {@code suspicious}; drawn on every chart. */
  static final double SUSPICIOUS_AT = 0.5;

  /** Score at which an account becomes {@code distillation}; drawn on every chart. */
  static final double DISTILLATION_AT = 0.85;

  static final int MAX_TIMELINES = 24;
  static final int MAX_CAMPAIGNS = 200;
  static final int MAX_REASONS = 4;
  static final int MAX_MEMBERS_SHOWN = 8;
  static final long LOG_AXIS_FROM = 200;

  /** Rows of the accounts table, whatever the caller passes: the page must stay light. */
  static final int MAX_ACCOUNTS = 1000;

  private HtmlReport() {}

  /** Writes the page for {@code d} to {@code out}; does not close {@code out}. */
  public static void write(ReportData d, Writer out) throws IOException {
    StringBuilder b = new StringBuilder(64 * 1024);
    head(b, d);
    summary(b, d);
    out.append(b);
    b.setLength(0);
    histogram(b, d);
    accounts(b, d);
    out.append(b);
    b.setLength(0);
    timelines(b, d);
    out.append(b);
    b.setLength(0);
    campaigns(b, d);
    Evaluation e = d.evaluation();
    if (e != null) {
      evaluation(b, e);
    }
    footer(b, d);
    out.append(b);
    out.flush();
  }

  // ---------------------------------------------------------------- page

  private static final String CSS =
      """
      :root{--benign:#2e7d32;--suspicious:#b26a00;--distillation:#c62828;--ink:#1d2330;
      --muted:#5b6475;--line:#d9dde5;--bg:#f6f7f9}
      *{box-sizing:border-box}
      body{margin:0;background:var(--bg);color:var(--ink);
      font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
      header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
      header{padding-top:22px}
      h1{font-size:24px;margin:0 0 4px}
      h2{font-size:18px;margin:0 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
      section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;
      margin:16px 0}
      .meta{color:var(--muted);font-size:13px}
      .cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:14px}
      .card{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
      .card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
      .card .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
      .card .s{color:var(--muted);font-size:12px}
      .stack{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#eceef2;
      margin:6px 0 10px}
      .stack span{display:block;height:100%}
      .b-benign{background:var(--benign)}.b-suspicious{background:var(--suspicious)}
      .b-distillation{background:var(--distillation)}
      table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
      th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
      th{font-size:12px;color:var(--muted);font-weight:600;background:#fafbfc}
      td.n,th.n{text-align:right}
      .acct{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px;
      overflow-wrap:anywhere}
      .scroll{overflow-x:auto}
      td.t{white-space:nowrap}
      td.members{min-width:170px}.nw{white-space:nowrap}td.cid{min-width:100px}
      .badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
      font-weight:600}
      .reason{display:grid;grid-template-columns:minmax(120px,1fr) 60px 44px;gap:6px;
      align-items:center;font-size:12.5px;margin:1px 0}
      .bar{height:8px;border-radius:4px;background:#eceef2;overflow:hidden}
      .bar i{display:block;height:100%}
      .pos{background:var(--distillation)}.neg{background:var(--benign)}
      .c{color:var(--muted);text-align:right}
      .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:14px}
      figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}
      figcaption{font-size:12.5px;margin-bottom:4px}
      svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
      fill:#5b6475}
      .note,.empty{color:var(--muted);font-size:13px}
      ul.tight{margin:0;padding-left:18px}
      dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px;margin:0}
      dt{font-weight:600}dd{margin:0}
      footer{padding-bottom:30px;color:var(--muted);font-size:13px}
      """;

  private static void head(StringBuilder b, ReportData d) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(esc(d.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<header>\n<h1>")
        .append(esc(d.title()))
        .append("</h1>\n<div class=\"meta\">Generated by ")
        .append(esc(d.generatedBy()));
    if (!d.inputs().isEmpty()) {
      b.append(" from ");
      for (int i = 0; i < d.inputs().size(); i++) {
        b.append(i == 0 ? "" : ", ")
            .append("<span class=\"acct\">")
            .append(esc(d.inputs().get(i)))
            .append("</span>");
      }
    }
    b.append("</div>\n</header>\n<main>\n");
  }

  private static void summary(StringBuilder b, ReportData d) {
    b.append("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    card(b, "Events", count(d.events()), "valid requests read");
    card(b, "Accounts", count(d.accounts()), "distinct accounts seen");
    long flagged = verdictCount(d, Verdict.DISTILLATION);
    card(b, "Distillation", count(flagged), share(flagged, d.accounts()) + " of accounts");
    long suspicious = verdictCount(d, Verdict.SUSPICIOUS);
    card(b, "Suspicious", count(suspicious), share(suspicious, d.accounts()) + " of accounts");
    card(b, "Invalid lines", count(d.invalidLines()), "skipped input lines");
    b.append("</div>\n");
    b.append("<div class=\"stack\" role=\"img\" aria-label=\"accounts by verdict\">");
    long total = 0;
    for (Verdict v : Verdict.values()) {
      total += verdictCount(d, v);
    }
    for (Verdict v : Verdict.values()) {
      long c = verdictCount(d, v);
      if (c > 0 && total > 0) {
        b.append("<span class=\"b-")
            .append(v.id())
            .append("\" style=\"width:")
            .append(fmt("%.3f", Math.max(0.8, 100.0 * c / total))) // a sliver stays visible
            .append("%\" title=\"")
            .append(v.id())
            .append(": ")
            .append(count(c))
            .append("\"></span>");
      }
    }
    b.append("</div>\n<dl>\n<dt>Time span (UTC)</dt><dd>");
    if (d.firstEventMillis() == Exchange.NO_TIME || d.lastEventMillis() == Exchange.NO_TIME) {
      b.append("no events");
    } else {
      b.append(time(d.firstEventMillis()))
          .append(" &ndash; ")
          .append(time(d.lastEventMillis()))
          .append(" (")
          .append(duration(d.lastEventMillis() - d.firstEventMillis()))
          .append(")");
    }
    b.append("</dd>\n<dt>Verdicts</dt><dd>");
    for (Verdict v : Verdict.values()) {
      b.append(badge(v)).append(" ").append(count(verdictCount(d, v))).append(" &nbsp; ");
    }
    b.append("</dd>\n");
    for (Map.Entry<String, Long> e : d.verdictCounts().entrySet()) {
      if (!isVerdict(e.getKey())) { // tolerate unexpected keys: show, never drop, them
        b.append("<dt>")
            .append(esc(e.getKey()))
            .append("</dt><dd>")
            .append(count(e.getValue()))
            .append("</dd>\n");
      }
    }
    b.append("</dl>\n</section>\n");
  }

  private static void histogram(StringBuilder b, ReportData d) {
    double[] h = d.scoreHistogram();
    b.append("<section id=\"scores\">\n<h2>Score distribution</h2>\n");
    double max = 0;
    for (double c : h) {
      max = Math.max(max, finite(c));
    }
    if (h.length == 0 || max <= 0) {
      b.append("<p class=\"empty\">No scores to show.</p>\n</section>\n");
      return;
    }
    int w = 760;
    int ht = 240;
    int left = 46;
    int right = 14;
    int top = 16;
    int bottom = 34;
    double pw = w - left - right;
    double ph = ht - top - bottom;
    double lmax = Math.log10(1 + max);
    b.append("<svg viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(ht)
        .append("\" width=\"100%\" style=\"max-width:")
        .append(w)
        .append("px\" role=\"img\" aria-label=\"histogram of final account scores\">\n");
    // y grid at powers of ten
    for (long p = 1; p <= max; p *= 10) {
      double y = top + ph - Math.log10(1 + (double) p) / lmax * ph;
      b.append(line(left, y, w - right, y, "#eceef2", null));
      b.append(text(left - 6, y + 4, "end", count(p)));
    }
    for (int i = 0; i < h.length; i++) {
      double c = finite(h[i]);
      double lo = (double) i / h.length;
      double bw = pw / h.length;
      double x = left + i * bw;
      double bh = c <= 0 ? 0 : Math.max(1.5, Math.log10(1 + c) / lmax * ph);
      String color =
          lo >= DISTILLATION_AT - 1e-9
              ? "var(--distillation)"
              : lo >= SUSPICIOUS_AT - 1e-9 ? "var(--suspicious)" : "var(--benign)";
      b.append("<rect x=\"")
          .append(fmt("%.1f", x + 1))
          .append("\" y=\"")
          .append(fmt("%.1f", top + ph - bh))
          .append("\" width=\"")
          .append(fmt("%.1f", bw - 2))
          .append("\" height=\"")
          .append(fmt("%.1f", bh))
          .append("\" style=\"fill:")
          .append(color)
          .append("\"><title>score ")
          .append(fmt("%.2f", lo))
          .append("&ndash;")
          .append(fmt("%.2f", (double) (i + 1) / h.length))
          .append(": ")
          .append(count((long) c))
          .append(" accounts</title></rect>\n");
    }
    b.append(line(left, top + ph, w - right, top + ph, "#5b6475", null));
    for (double t = 0; t <= 1.0001; t += 0.25) {
      double x = left + t * pw;
      b.append(text(x, top + ph + 15, "middle", fmt("%.2f", t)));
    }
    for (double t : new double[] {SUSPICIOUS_AT, DISTILLATION_AT}) {
      double x = left + t * pw;
      b.append(line(x, top - 4, x, top + ph, "#1d2330", "4 3"));
      b.append(text(x + 4, top + 6, "start", fmt("%.2f", t)));
    }
    b.append(text(left + pw / 2, ht - 4, "middle", "final score"));
    b.append(
            "</svg>\n<p class=\"note\">Accounts per score bin (height on a log scale; hover a"
                + " bar for its count). Dashed lines: suspicious at ")
        .append(fmt("%.2f", SUSPICIOUS_AT))
        .append(", distillation at ")
        .append(fmt("%.2f", DISTILLATION_AT))
        .append(".</p>\n</section>\n");
  }

  private static void accounts(StringBuilder b, ReportData d) {
    List<Assessment> top = d.topAccounts();
    if (top.size() > MAX_ACCOUNTS) {
      top = top.subList(0, MAX_ACCOUNTS);
    }
    b.append("<section id=\"accounts\">\n<h2>Flagged and suspicious accounts</h2>\n");
    if (top.isEmpty()) {
      b.append("<p class=\"empty\">No account to list.</p>\n");
    } else {
      Map<Verdict, Long> listed = new EnumMap<>(Verdict.class);
      for (Assessment a : top) {
        listed.merge(a.verdict(), 1L, Long::sum);
      }
      long rest = Math.max(0, d.accounts() - top.size());
      b.append("<p class=\"note\">Listing ")
          .append(count(top.size()))
          .append(" accounts, highest verdict and score first.");
      if (rest > 0) {
        b.append(" Not listed: ").append(count(rest)).append(" accounts (");
        List<String> parts = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
          long r = Math.max(0, verdictCount(d, v) - listed.getOrDefault(v, 0L));
          parts.add(count(r) + " " + v.id());
        }
        b.append(String.join(", ", parts)).append(").");
      }
      b.append(
              "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">#</th><th>Account</th>")
          .append("<th>Verdict</th><th class=\"n\">Score</th><th class=\"n\">Requests</th>")
          .append("<th class=\"n\">Flagged after</th><th>Flagged at (UTC)</th>")
          .append("<th>Top reasons (contribution to the score's log-odds)</th></tr></thead>\n")
          .append("<tbody>\n");
      int timelineNo = 0;
      for (int i = 0; i < top.size(); i++) {
        Assessment a = top.get(i);
        boolean hasTimeline =
            timelineNo < MAX_TIMELINES && drawable(d.timelines().get(a.account()));
        b.append("<tr><td class=\"n\">").append(i + 1).append("</td><td class=\"acct\">");
        if (hasTimeline) {
          b.append("<a href=\"#tl-").append(timelineNo++).append("\">");
        }
        b.append(esc(a.account()));
        if (hasTimeline) {
          b.append("</a>");
        }
        b.append("</td><td>")
            .append(badge(a.verdict()))
            .append("</td><td class=\"n\">")
            .append(score(a.score()))
            .append("</td><td class=\"n\">")
            .append(count(a.requests()))
            .append("</td><td class=\"n\">")
            .append(a.flagged() ? count(a.flaggedAfter()) : "&ndash;")
            .append("</td><td class=\"t\">")
            .append(time(a.flaggedAtMillis()))
            .append("</td><td>");
        reasons(b, a.reasons());
        b.append("</td></tr>\n");
      }
      b.append("</tbody>\n</table></div>\n");
    }
    b.append("</section>\n");
  }

  private static void reasons(StringBuilder b, List<Reason> reasons) {
    if (reasons.isEmpty()) {
      b.append("<span class=\"note\">no reasons recorded</span>");
      return;
    }
    int n = Math.min(MAX_REASONS, reasons.size());
    double max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(finite(reasons.get(i).contribution())));
    }
    for (int i = 0; i < n; i++) {
      Reason r = reasons.get(i);
      double c = finite(r.contribution());
      double width = max <= 0 ? 0 : 100 * Math.abs(c) / max;
      b.append("<div class=\"reason\"><span title=\"")
          .append(esc(r.signal()))
          .append(" = ")
          .append(fmt("%.3g", finite(r.value())))
          .append("\">")
          .append(esc(SignalLabels.label(r.signal())))
          .append("</span><span class=\"bar\"><i class=\"")
          .append(c < 0 ? "neg" : "pos")
          .append("\" style=\"width:")
          .append(fmt("%.1f", width))
          .append("%\"></i></span><span class=\"c\">")
          .append(fmt("%+.2f", c))
          .append("</span></div>");
    }
    if (reasons.size() > n) {
      b.append("<div class=\"note\">+").append(reasons.size() - n).append(" more</div>");
    }
  }

  private static void timelines(StringBuilder b, ReportData d) {
    b.append("<section id=\"timelines\">\n<h2>Score timelines</h2>\n");
    List<Assessment> drawn = new ArrayList<>();
    for (Assessment a : d.topAccounts()) {
      if (drawn.size() < MAX_TIMELINES && drawable(d.timelines().get(a.account()))) {
        drawn.add(a);
      }
    }
    if (drawn.isEmpty()) {
      b.append("<p class=\"empty\">No timelines recorded.</p>\n</section>\n");
      return;
    }
    b.append("<p class=\"note\">Score after each request (downsampled) for the first ")
        .append(drawn.size())
        .append(" listed accounts. Dashed lines: suspicious (")
        .append(fmt("%.2f", SUSPICIOUS_AT))
        .append(") and distillation (")
        .append(fmt("%.2f", DISTILLATION_AT))
        .append(") thresholds; the red dot marks the request that flagged the account.</p>\n")
        .append("<div class=\"grid\">\n");
    for (int i = 0; i < drawn.size(); i++) {
      Assessment a = drawn.get(i);
      Timeline t = d.timelines().get(a.account());
      if (t != null) {
        timeline(b, i, a, t);
      }
    }
    b.append("</div>\n</section>\n");
  }

  private static void timeline(StringBuilder b, int no, Assessment a, Timeline t) {
    int w = 420;
    int ht = 170;
    int left = 34;
    int right = 12;
    int top = 10;
    int bottom = 30;
    double pw = w - left - right;
    double ph = ht - top - bottom;
    long maxIndex = Math.max(2, Math.max(a.requests(), t.requestIndex()[t.size() - 1]));
    // Flags usually come within the first hundred requests of thousands: a log axis shows them.
    boolean log = maxIndex > LOG_AXIS_FROM;
    b.append("<figure id=\"tl-")
        .append(no)
        .append("\"><figcaption><span class=\"acct\">")
        .append(esc(a.account()))
        .append("</span> ")
        .append(badge(a.verdict()))
        .append(" <span class=\"note\">")
        .append(count(a.requests()))
        .append(" requests")
        .append(a.flagged() ? ", flagged after " + count(a.flaggedAfter()) : "")
        .append("</span></figcaption>\n<svg viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(ht)
        .append("\" width=\"100%\" role=\"img\" aria-label=\"score by request\">\n");
    for (double s : new double[] {0, 0.5, 1}) {
      double y = top + ph - s * ph;
      b.append(line(left, y, w - right, y, "#eceef2", null));
      b.append(text(left - 5, y + 4, "end", fmt("%.1f", s)));
    }
    for (double s : new double[] {SUSPICIOUS_AT, DISTILLATION_AT}) {
      double y = top + ph - s * ph;
      b.append(
          line(
              left,
              y,
              w - right,
              y,
              s == SUSPICIOUS_AT ? "var(--suspicious)" : "var(--distillation)",
              "5 4"));
    }
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < t.size(); i++) {
      double x = left + xShare(t.requestIndex()[i], maxIndex, log) * pw;
      double y = top + ph - clamp01(t.score()[i]) * ph;
      pts.append(fmt("%.1f", x)).append(',').append(fmt("%.1f", y)).append(' ');
    }
    b.append("<polyline fill=\"none\" stroke=\"#2b4a8b\" stroke-width=\"1.8\" points=\"")
        .append(pts.toString().trim())
        .append("\"/>\n");
    if (a.flagged()) {
      double s = scoreAt(t, a.flaggedAfter());
      double x = left + xShare(a.flaggedAfter(), maxIndex, log) * pw;
      double y = top + ph - clamp01(s) * ph;
      b.append(line(x, top, x, top + ph, "var(--distillation)", "2 3"));
      b.append("<circle cx=\"")
          .append(fmt("%.1f", x))
          .append("\" cy=\"")
          .append(fmt("%.1f", y))
          .append("\" r=\"4.5\" style=\"fill:var(--distillation)\"><title>flagged after ")
          .append(count(a.flaggedAfter()))
          .append(" requests</title></circle>\n");
    }
    b.append(line(left, top + ph, w - right, top + ph, "#5b6475", null));
    b.append(text(left, top + ph + 14, "start", "1"));
    if (log) {
      for (long p = 10; p * 3 < maxIndex; p *= 10) {
        double x = left + xShare(p, maxIndex, true) * pw;
        b.append(line(x, top + ph, x, top + ph + 4, "#5b6475", null));
        b.append(text(x, top + ph + 14, "middle", count(p)));
      }
    }
    b.append(text(w - right, top + ph + 14, "end", count(maxIndex)));
    b.append(text(left + pw / 2, ht - 4, "middle", log ? "request (log scale)" : "request"));
    b.append("</svg></figure>\n");
  }

  private static void campaigns(StringBuilder b, ReportData d) {
    b.append("<section id=\"campaigns\">\n<h2>Campaigns</h2>\n");
    List<CampaignView> cs = d.campaigns();
    if (cs.isEmpty()) {
      b.append("<p class=\"empty\">No campaigns linked.</p>\n</section>\n");
      return;
    }
    b.append("<p class=\"note\">")
        .append(count(cs.size()))
        .append(" campaigns: groups of accounts the detector believes one operator runs.");
    if (cs.size() > MAX_CAMPAIGNS) {
      b.append(" Showing the first ").append(MAX_CAMPAIGNS).append('.');
    }
    b.append("</p>\n");
    campaignGrowth(b, cs);
    b.append("<div class=\"scroll\"><table>\n<thead><tr><th>Campaign</th>")
        .append("<th class=\"n\">Accounts</th><th class=\"n\">Requests</th>")
        .append("<th class=\"n\">Score</th><th>Active (UTC)</th><th>Members</th>")
        .append("<th>Linked by</th><th>Shared indicators</th><th>Reasons</th></tr></thead>\n")
        .append("<tbody>\n");
    for (int i = 0; i < Math.min(cs.size(), MAX_CAMPAIGNS); i++) {
      CampaignView c = cs.get(i);
      b.append("<tr><td class=\"acct cid\">")
          .append(esc(c.id()))
          .append("<br>")
          .append(
              c.confirmed()
                  ? "<span class=\"badge b-distillation\">confirmed</span><br><span"
                      + " class=\"note\">"
                      + time(c.confirmedAtMillis())
                      + "</span>"
                  : "<span class=\"badge b-suspicious\">suspicious</span>")
          .append("</td><td class=\"n\">")
          .append(count(c.accounts().size()))
          .append("</td><td class=\"n\">")
          .append(count(c.requests()))
          .append("</td><td class=\"n\">")
          .append(score(c.score()))
          .append("</td><td class=\"t\">")
          .append(time(c.firstSeenMillis()))
          .append("<br>&rarr; ")
          .append(time(c.lastSeenMillis()))
          .append("</td><td class=\"acct members\">");
      int shown = Math.min(MAX_MEMBERS_SHOWN, c.accounts().size());
      for (int k = 0; k < shown; k++) {
        b.append(k == 0 ? "" : ", ")
            .append("<span class=\"nw\">")
            .append(esc(c.accounts().get(k)))
            .append("</span>");
      }
      if (c.accounts().size() > shown) {
        b.append(" <span class=\"note\">+")
            .append(count(c.accounts().size() - shown))
            .append(" more</span>");
      }
      b.append("</td><td>");
      if (c.linkedBy().isEmpty()) {
        b.append("&ndash;");
      } else {
        b.append("<ul class=\"tight\">");
        c.linkedBy()
            .forEach(
                (kind, n) ->
                    b.append("<li>")
                        .append(esc(kind.replace('_', ' ')))
                        .append(": ")
                        .append(count(n))
                        .append("</li>"));
        b.append("</ul>");
      }
      b.append("</td><td>");
      if (c.sharedIndicators().isEmpty()) {
        b.append("&ndash;");
      } else {
        b.append("<ul class=\"tight\">");
        for (String s : c.sharedIndicators()) {
          b.append("<li>").append(esc(s)).append("</li>");
        }
        b.append("</ul>");
      }
      b.append("</td><td>");
      reasons(b, c.reasons());
      b.append("</td></tr>\n");
    }
    b.append("</tbody>\n</table></div>\n</section>\n");
  }

  /** Campaigns shown in the growth chart. */
  static final int GROWTH_LINES = 8;

  private static final String[] LINE_COLOURS = {
    "#2b4a8b", "#b8432f", "#2f7d4f", "#8a5a00", "#6b3fa0", "#00798c", "#a23b72", "#5c5c5c"
  };

  /**
   * Accounts per campaign over time, a step line per campaign (the largest few), with a dot where
   * the campaign was confirmed: how fast the hydra grew and when it was caught.
   */
  private static void campaignGrowth(StringBuilder b, List<CampaignView> cs) {
    List<CampaignView> shown =
        cs.stream()
            .filter(c -> c.joinTimes().length > 1)
            .sorted((x, y) -> Integer.compare(y.accounts().size(), x.accounts().size()))
            .limit(GROWTH_LINES)
            .toList();
    if (shown.isEmpty()) {
      return;
    }
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    int maxSize = 1;
    for (CampaignView c : shown) {
      long[] j = c.joinTimes();
      t0 = Math.min(t0, j[0]);
      t1 = Math.max(t1, Math.max(j[j.length - 1], c.lastSeenMillis()));
      maxSize = Math.max(maxSize, j.length);
    }
    double span = Math.max(1, t1 - t0);
    int w = 1000;
    int ht = 240;
    int left = 48;
    int right = 12;
    int top = 10;
    int bottom = 30;
    double pw = w - left - right;
    double ph = ht - top - bottom;
    b.append("<figure class=\"growth\"><figcaption>Accounts per campaign over time (largest ")
        .append(shown.size())
        .append("; a dot marks confirmation)</figcaption>\n<svg viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(ht)
        .append("\" width=\"100%\" role=\"img\" aria-label=\"campaign size over time\">\n");
    for (double f : new double[] {0, 0.5, 1}) {
      double y = top + ph - f * ph;
      b.append(line(left, y, w - right, y, "#eceef2", null));
      b.append(text(left - 5, y + 4, "end", count(Math.round(f * maxSize))));
    }
    b.append(text(left, ht - 8, "start", time(t0)));
    b.append(text(w - right, ht - 8, "end", time(t1)));
    for (int i = 0; i < shown.size(); i++) {
      CampaignView c = shown.get(i);
      String colour = LINE_COLOURS[i % LINE_COLOURS.length];
      long[] j = c.joinTimes();
      StringBuilder pts = new StringBuilder();
      double prevY = top + ph;
      // Step line, thinned to at most ~200 steps so a campaign of thousands stays light.
      int stride = Math.max(1, j.length / 200);
      for (int k = 0; k < j.length; k += stride) {
        double x = left + (j[k] - t0) / span * pw;
        double y = top + ph - (k + 1) / (double) maxSize * ph;
        pts.append(fmt("%.1f", x)).append(',').append(fmt("%.1f", prevY)).append(' ');
        pts.append(fmt("%.1f", x)).append(',').append(fmt("%.1f", y)).append(' ');
        prevY = y;
      }
      double yEnd = top + ph - j.length / (double) maxSize * ph;
      pts.append(fmt("%.1f", left + (j[j.length - 1] - t0) / span * pw))
          .append(',')
          .append(fmt("%.1f", yEnd));
      b.append("<polyline fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"1.6\" points=\"")
          .append(pts)
          .append("\"><title>")
          .append(esc(c.id()))
          .append(": ")
          .append(count(j.length))
          .append(" accounts</title></polyline>\n");
      if (c.confirmed()) {
        int before = 0;
        while (before < j.length && j[before] <= c.confirmedAtMillis()) {
          before++;
        }
        double x = left + (c.confirmedAtMillis() - t0) / span * pw;
        double y = top + ph - before / (double) maxSize * ph;
        b.append("<circle cx=\"")
            .append(fmt("%.1f", x))
            .append("\" cy=\"")
            .append(fmt("%.1f", y))
            .append("\" r=\"4\" fill=\"")
            .append(colour)
            .append("\"><title>")
            .append(esc(c.id()))
            .append(" confirmed ")
            .append(time(c.confirmedAtMillis()))
            .append(" with ")
            .append(count(before))
            .append(" accounts</title></circle>\n");
      }
      b.append(
          text(w - right - 4, top + 12 + 13 * i, "end", c.id())
              .replace("<text ", "<text fill=\"" + colour + "\" "));
    }
    b.append("</svg></figure>\n");
  }

  private static void evaluation(StringBuilder b, Evaluation e) {
    b.append("<section id=\"evaluation\">\n<h2>Evaluation against ground truth</h2>\n")
        .append("<p class=\"note\">")
        .append(count(e.evaluatedAccounts()))
        .append(" accounts evaluated (")
        .append(count(e.labelledAccounts()))
        .append(" labelled, ")
        .append(count(e.verdictAccounts()))
        .append(" with a verdict");
    if (e.missingVerdicts() > 0) {
      b.append("; ").append(count(e.missingVerdicts())).append(" labelled without verdict");
    }
    if (e.unlabelledVerdicts() > 0) {
      b.append("; ").append(count(e.unlabelledVerdicts())).append(" verdicts without label");
    }
    if (e.malformedLines() > 0) {
      b.append("; ").append(count(e.malformedLines())).append(" unusable lines");
    }
    b.append("). Definitions: docs/EVALUATION.md.</p>\n");
    b.append("<table>\n<thead><tr><th>Distilling class</th><th class=\"n\">Accounts</th>")
        .append("<th class=\"n\">Recall</th><th class=\"n\">At least suspicious</th>")
        .append("<th class=\"n\">Median requests to flag</th><th class=\"n\">p90</th>")
        .append("<th class=\"n\">Leakage</th></tr></thead>\n<tbody>\n");
    List<Group> distilling = new ArrayList<>();
    List<Group> benign = new ArrayList<>();
    for (Group g : e.classes()) {
      (g.distill() ? distilling : benign).add(g);
    }
    distilling.add(e.singleAccountDistillers());
    distilling.add(e.distillers());
    for (Group g : distilling) {
      figureRow(
          b,
          g.name(),
          count(g.accounts()),
          EvaluationText.pct(g.distillationRate()),
          EvaluationText.pct(g.atLeastSuspiciousRate()),
          EvaluationText.num(g.medianRequestsToFlag()),
          EvaluationText.num(g.p90RequestsToFlag()),
          EvaluationText.pct(g.leakage()));
    }
    b.append("</tbody>\n</table>\n<br>\n<table>\n<thead><tr><th>Benign class</th>")
        .append("<th class=\"n\">Accounts</th><th class=\"n\">False positives (distillation)")
        .append("</th><th class=\"n\">Suspicious</th></tr></thead>\n<tbody>\n");
    benign.add(e.peopleAndApps());
    benign.add(e.pipelinesAndBenchmarks());
    for (Group g : benign) {
      figureRow(
          b,
          g.name(),
          count(g.accounts()),
          EvaluationText.pct(g.distillationRate()),
          EvaluationText.pct(g.suspiciousRate()));
    }
    CampaignFigures c = e.campaigns();
    b.append("</tbody>\n</table>\n<p>Campaign coverage: ")
        .append(count(c.trueCampaigns()))
        .append(" true campaigns, ")
        .append(count(c.detectedCampaigns()))
        .append(" detected; mean coverage ")
        .append(EvaluationText.pct(c.meanCoverage()))
        .append(", minimum ")
        .append(EvaluationText.pct(c.minCoverage()))
        .append("; benign accounts in campaigns with distillers: ")
        .append(count(c.benignInDistillerCampaigns()));
    if (c.lateHeads() > 0) {
      b.append("; accounts that joined after their campaign was confirmed: ")
          .append(count(c.lateHeads()))
          .append(", flagged ")
          .append(count(c.lateHeadsFlagged()))
          .append(", median requests to flag ")
          .append(EvaluationText.num(c.lateHeadsMedianRequestsToFlag()));
    }
    if (e.distillers().flaggedBeforeSwitch() > 0) {
      b.append(". Turncoats flagged before they switched: ")
          .append(count(e.distillers().flaggedBeforeSwitch()));
    }
    b.append(".</p>\n</section>\n");
  }

  /** A table row: the (escaped) group name, then right-aligned figures already formatted. */
  private static void figureRow(StringBuilder b, String name, String... figures) {
    b.append("<tr><td>").append(esc(name));
    for (String f : figures) {
      b.append("</td><td class=\"n\">").append(f);
    }
    b.append("</td></tr>\n");
  }

  private static void footer(StringBuilder b, ReportData d) {
    b.append("</main>\n<footer>\n<h2>What the verdicts mean</h2>\n<dl>\n<dt>")
        .append(badge(Verdict.BENIGN))
        .append("</dt><dd>The account's score stayed below ")
        .append(fmt("%.2f", SUSPICIOUS_AT))
        .append(". Nothing in its traffic resembles distillation.</dd>\n<dt>")
        .append(badge(Verdict.SUSPICIOUS))
        .append("</dt><dd>The score reached ")
        .append(fmt("%.2f", SUSPICIOUS_AT))
        .append(": some signals point to distillation. Worth a look; pipelines and benchmark")
        .append(" runs can land here legitimately.</dd>\n<dt>")
        .append(badge(Verdict.DISTILLATION))
        .append("</dt><dd>The score reached ")
        .append(fmt("%.2f", DISTILLATION_AT))
        .append(": the traffic matches systematic harvesting of model answers. <i>Flagged")
        .append(" after</i> is the number of the account's requests seen at that moment.</dd>\n")
        .append("</dl>\n<p>The score is the highest the account reached, and a verdict never goes")
        .append(" down within a run; the verdict after any request depends only on traffic up to")
        .append(" that request. Reasons list the signals behind the score: a positive contribution")
        .append(" pushes towards distillation, a negative one towards benign. A verdict is")
        .append(" evidence for an analyst, not an automatic judgement.</p>\n<p>")
        .append(esc(d.generatedBy()))
        .append("</p>\n</footer>\n</body>\n</html>\n");
  }

  // ---------------------------------------------------------------- helpers

  /** Escapes text for HTML element content and quoted attribute values. */
  static String esc(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> c < 0x20 && c != '\t' && c != '\n' ? "\uFFFD" : null;
          };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  private static boolean drawable(@org.jspecify.annotations.Nullable Timeline t) {
    return t != null && t.size() > 0;
  }

  private static boolean isVerdict(String id) {
    for (Verdict v : Verdict.values()) {
      if (v.id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private static long verdictCount(ReportData d, Verdict v) {
    Long c = d.verdictCounts().get(v.id());
    return c == null ? 0 : c;
  }

  private static void card(StringBuilder b, String k, String v, String sub) {
    b.append("<div class=\"card\"><div class=\"k\">")
        .append(k)
        .append("</div><div class=\"v\">")
        .append(v)
        .append("</div><div class=\"s\">")
        .append(sub)
        .append("</div></div>\n");
  }

  private static String badge(Verdict v) {
    return "<span class=\"badge b-" + v.id() + "\">" + v.id() + "</span>";
  }

  private static String line(
      double x1,
      double y1,
      double x2,
      double y2,
      String color,
      @org.jspecify.annotations.Nullable String dash) {
    return "<line x1=\""
        + fmt("%.1f", x1)
        + "\" y1=\""
        + fmt("%.1f", y1)
        + "\" x2=\""
        + fmt("%.1f", x2)
        + "\" y2=\""
        + fmt("%.1f", y2)
        + "\" style=\"stroke:"
        + color
        + "\" stroke-width=\"1\""
        + (dash == null ? "" : " stroke-dasharray=\"" + dash + "\"")
        + "/>\n";
  }

  private static String text(double x, double y, String anchor, String s) {
    return "<text x=\""
        + fmt("%.1f", x)
        + "\" y=\""
        + fmt("%.1f", y)
        + "\" text-anchor=\""
        + anchor
        + "\">"
        + esc(s)
        + "</text>\n";
  }

  private static String time(long millis) {
    if (millis == Exchange.NO_TIME) {
      return "&ndash;";
    }
    String s = Rfc3339.format(millis); // 2026-11-03T14:02:11.250Z -> 2026-11-03 14:02:11
    return s.length() == 24 ? s.substring(0, 10) + " " + s.substring(11, 19) : s;
  }

  private static String score(double s) {
    return Double.isFinite(s) ? fmt("%.3f", s) : "&ndash;";
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String share(long n, long of) {
    return of <= 0 ? "0%" : fmt("%.2f", 100.0 * n / of) + "%";
  }

  static String duration(long ms) {
    long s = Math.max(0, ms) / 1000;
    long days = s / 86_400;
    long hours = s / 3600 % 24;
    long minutes = s / 60 % 60;
    if (days > 0) {
      return days + " d " + hours + " h";
    }
    if (hours > 0) {
      return hours + " h " + minutes + " min";
    }
    return minutes + " min " + s % 60 + " s";
  }

  /** The timeline's score at request {@code index}, interpolated between its points. */
  static double scoreAt(Timeline t, long index) {
    long[] idx = t.requestIndex();
    if (index <= idx[0]) {
      return t.score()[0];
    }
    for (int i = 1; i < idx.length; i++) {
      if (idx[i] >= index) {
        double f = (double) (index - idx[i - 1]) / Math.max(1, idx[i] - idx[i - 1]);
        return t.score()[i - 1] + f * (t.score()[i] - t.score()[i - 1]);
      }
    }
    return t.score()[idx.length - 1];
  }

  /** Where request {@code index} (1..max) falls on the x axis, 0..1. */
  private static double xShare(long index, long max, boolean log) {
    long i = Math.max(1, Math.min(max, index));
    return log ? Math.log10((double) i) / Math.log10((double) max) : (double) (i - 1) / (max - 1);
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static double clamp01(double v) {
    return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
  }

  private static String fmt(String f, double v) {
    return String.format(Locale.ROOT, f, v);
  }
}
