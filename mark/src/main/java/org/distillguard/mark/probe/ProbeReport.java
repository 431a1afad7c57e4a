package org.distillguard.mark.probe;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import org.distillguard.mark.Detector;
import org.distillguard.mark.canary.CanaryTest;

/**
 * The probe's HTML report: one self-contained page (inline CSS and SVG, no external resource) that
 * a person can take to counsel: what was tested, on how much text, the p-values, and what they do
 * and do not prove. Every string from the input is escaped.
 */
public final class ProbeReport {
  private ProbeReport() {}

  /** Writes the page; does not close {@code out}. */
  public static void write(Probe.Result r, String generatedBy, Writer out) throws IOException {
    StringBuilder b = new StringBuilder(32 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>DistillGuard probe</title>\n<style>\n")
        .append(
            "body{margin:0 auto;max-width:980px;padding:20px;color:#1d2330;"
                + "font:14px/1.5 system-ui,'DejaVu Sans',Arial,sans-serif;background:#f6f7f9}"
                + "section{background:#fff;border:1px solid #d9dde5;border-radius:8px;"
                + "padding:14px 18px;margin:14px 0}h1{font-size:24px}h2{font-size:18px;margin-top:0}"
                + "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:5px 8px;"
                + "border-bottom:1px solid #d9dde5}td.n,th.n{text-align:right;font-variant-numeric:"
                + "tabular-nums}.verdict{font-size:18px;font-weight:600}.yes{color:#c62828}"
                + ".no{color:#2e7d32}.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace}"
                + "svg text{font:11px system-ui,sans-serif;fill:#5b6475}.muted{color:#5b6475}\n")
        .append("</style>\n</head>\n<body>\n<h1>DistillGuard probe</h1>\n<p class=\"muted\">")
        .append(esc(generatedBy))
        .append(" &middot; input <span class=\"mono\">")
        .append(esc(r.source()))
        .append("</span></p>\n");

    b.append("<section id=\"verdict\"><h2>Result</h2><p class=\"verdict ")
        .append(r.detected() ? "yes\">Watermark detected" : "no\">Watermark not detected")
        .append("</p><p>Smallest p-value over the ")
        .append(r.watermark().tested())
        .append(" key(s) tested, corrected for their number: <b>")
        .append(Probe.fmtP(r.bestCorrectedLog10P()))
        .append("</b> (detection threshold 10<sup>-6</sup>). Decoy calibration ")
        .append(
            r.watermark().calibration().passed()
                ? "passed."
                : "<b>FAILED</b>: do not rely on these p-values.")
        .append("</p></section>\n");

    b.append("<section id=\"text\"><h2>What was tested</h2><table>")
        .append(row("suspect outputs", r.outputs()))
        .append(row("words", r.words()))
        .append(row("eligible word occurrences", r.occurrences()))
        .append(row("occurrences dropped (pair echoes the prompt)", r.echoed()))
        .append(row("distinct (pair, context) units", r.distinctUnits()))
        .append("</table></section>\n");

    b.append("<section id=\"keys\"><h2>Watermark keys</h2><table><tr><th>key</th>")
        .append(
            "<th>fingerprint</th><th class=\"n\">scored units</th><th class=\"n\">agreeing</th><th class=\"n\">p-value</th>")
        .append("<th class=\"n\">corrected p</th></tr>");
    for (Detector.Score s : r.watermark().keys()) {
      b.append("<tr><td class=\"mono\">")
          .append(esc(s.key()))
          .append("</td><td class=\"mono\">")
          .append(esc(s.fingerprint()))
          .append("</td><td class=\"n\">")
          .append(s.units())
          .append("</td><td class=\"n\">")
          .append(s.agree())
          .append(
              s.units() > 0
                  ? String.format(Locale.ROOT, " (%.1f%%)", 100.0 * s.agree() / s.units())
                  : "")
          .append("</td><td class=\"n\">")
          .append(Probe.fmtP(s.log10P()))
          .append("</td><td class=\"n\">")
          .append(Probe.fmtP(r.watermark().correctedLog10P(s)))
          .append("</td></tr>");
    }
    b.append("</table>");
    for (Detector.Score s : r.watermark().keys()) {
      if (s.log10LowerTail() < Probe.DETECT_LOG10) {
        b.append("<p><b>Note:</b> key <span class=\"mono\">")
            .append(esc(s.key()))
            .append("</span> agrees far <em>less</em> often than chance (lower tail ")
            .append(Probe.fmtP(s.log10LowerTail()))
            .append("). Text written without the key does not do that; text rewritten against ")
            .append("a stolen copy of its choices does. This is a lead to investigate, not ")
            .append("evidence of copying by itself.</p>");
      }
    }
    Detector.Calibration c = r.watermark().calibration();
    b.append("<p>Decoy check: ")
        .append(c.decoys())
        .append(" keys never used for marking were scored on the same units; ")
        .append(c.atMost10())
        .append(" had p &le; 0.1 and ")
        .append(c.atMost1())
        .append(" had p &le; 0.01 (expected about ")
        .append(String.format(Locale.ROOT, "%.1f and %.1f", c.decoys() * 0.1, c.decoys() * 0.01))
        .append("); smallest decoy p-value ")
        .append(Probe.fmtP(c.minDecoyLog10P()))
        .append(".</p>");
    curve(b, r.curve(), r.curveKey());
    b.append("</section>\n");

    CanaryTest.Result cr = r.canaries();
    b.append("<section id=\"canaries\"><h2>Canaries</h2>");
    if (cr == null) {
      b.append("<p class=\"muted\">No canary ledger was given.</p>");
    } else if (cr.hits().isEmpty()) {
      b.append("<p>")
          .append(cr.candidates())
          .append(" canary-like strings in the outputs; none was a canary we served.</p>");
    } else {
      b.append(
              "<table><tr><th>scope</th><th>account or campaign</th><th class=\"n\">canaries served</th>")
          .append("<th class=\"n\">reproduced</th><th class=\"n\">p-value</th></tr>");
      for (CanaryTest.Hit h : cr.hits()) {
        b.append("<tr><td>")
            .append(esc(h.scope()))
            .append("</td><td class=\"mono\">")
            .append(esc(h.subject()))
            .append("</td><td class=\"n\">")
            .append(h.served())
            .append("</td><td class=\"n\">")
            .append(h.hits())
            .append("</td><td class=\"n\">")
            .append(Probe.fmtP(h.log10P()))
            .append("</td></tr>");
      }
      b.append("</table><p>")
          .append(cr.candidates())
          .append(" distinct canary-like string(s) were found in the outputs.</p>");
    }
    b.append("</section>\n");

    b.append("<section id=\"meaning\"><h2>What this proves and what it does not</h2><ul>")
        .append("<li>The p-value is the probability that text written <em>without</em> the key ")
        .append("agrees with the key's word choices at least this often. It is exact (binomial ")
        .append("tail over distinct (word pair, previous word) units, each counted once), and ")
        .append("multiplied by the number of keys tested.</li>")
        .append("<li>A small p-value shows that the suspect's word choices carry our key: its ")
        .append("training data very likely included answers we marked. It does not show how much ")
        .append("of its training data came from us, nor who collected it; canaries, which are ")
        .append("tied to accounts and campaigns, speak to that.</li>")
        .append(
            "<li>A large p-value does not show innocence: too little text, paraphrasing of the ")
        .append("harvested answers, or a synonym-rewriting attack removes the lexical mark ")
        .append("(see docs/WATERMARK.md).</li>")
        .append("<li>A canary hit: the suspect reproduced an invented value served only to that ")
        .append("account or campaign. The bound on chance is C(N,k)(S/2<sup>60</sup>)<sup>k</sup> ")
        .append("for k hits among N candidates against S served values.</li></ul></section>\n")
        .append("</body>\n</html>\n");
    out.append(b);
    out.flush();
  }

  private static String row(String k, long v) {
    return "<tr><td>"
        + k
        + "</td><td class=\"n\">"
        + String.format(Locale.ROOT, "%,d", v)
        + "</td></tr>";
  }

  private static void curve(StringBuilder b, List<double[]> pts, String key) {
    if (pts.size() < 2) {
      return;
    }
    int w = 640;
    int h = 220;
    int l = 50;
    int bot = 30;
    double maxN = pts.get(pts.size() - 1)[0];
    double minY = -6;
    for (double[] p : pts) {
      minY = Math.min(minY, p[1]);
    }
    minY = Math.floor(minY);
    b.append("<figure><figcaption>log<sub>10</sub> p-value of key <span class=\"mono\">")
        .append(esc(key))
        .append("</span> as scored units accumulate</figcaption><svg width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h)
        .append("\" role=\"img\" aria-label=\"p-value curve\">");
    double plotW = w - l - 10.0;
    double plotH = h - bot - 10.0;
    double y6 = 10 + plotH * (-6 / minY);
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>",
            l,
            y6,
            w - 10,
            y6));
    b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%.1f\">1e-6</text>", y6 + 4));
    b.append("<text x=\"2\" y=\"14\">1</text>");
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#5b6475\"/>",
            l,
            h - bot,
            w - 10,
            h - bot));
    b.append(
        String.format(
            Locale.ROOT, "<text x=\"2\" y=\"%.1f\">1e%d</text>", h - bot + 0.0, (int) minY));
    b.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d units</text>", w - 80, h - 8, (long) maxN));
    b.append("<polyline fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"2\" points=\"");
    for (double[] p : pts) {
      b.append(
          String.format(
              Locale.ROOT, "%.1f,%.1f ", l + plotW * p[0] / maxN, 10 + plotH * (p[1] / minY)));
    }
    b.append("\"/><line x1=\"")
        .append(l)
        .append("\" y1=\"10\" x2=\"")
        .append(l)
        .append("\" y2=\"")
        .append(h - bot)
        .append("\" stroke=\"#5b6475\"/></svg></figure>");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\t' && c != '\n' ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }
}
