package org.distillguard.mark.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distillguard.mark.Detector;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Units;
import org.distillguard.mark.canary.CanaryLedger;
import org.distillguard.mark.canary.CanaryTest;
import org.jspecify.annotations.Nullable;

/**
 * The probe of a suspect model: the watermark test over de-duplicated units for each key (with the
 * Bonferroni correction and the decoy check), canary hits per account and campaign, and the JSON
 * and HTML reports.
 */
public final class Probe {
  /** Threshold at which the report calls the watermark "detected" (corrected p-value). */
  public static final double DETECT_LOG10 = -6;

  private Probe() {}

  /** Everything the reports say. */
  public record Result(
      String source,
      int outputs,
      long words,
      long occurrences,
      long echoed,
      int distinctUnits,
      Detector.Report watermark,
      List<double[]> curve,
      String curveKey,
      CanaryTest.@Nullable Result canaries) {
    /** The best key's corrected log10 p-value. */
    public double bestCorrectedLog10P() {
      double best = 0;
      for (Detector.Score s : watermark.keys()) {
        best = Math.min(best, watermark.correctedLog10P(s));
      }
      return best;
    }

    /** Whether the watermark is detected: corrected p below 1e-6 and the decoy check passed. */
    public boolean detected() {
      return bestCorrectedLog10P() < DETECT_LOG10 && watermark.calibration().passed();
    }
  }

  /** Runs the tests on outputs. */
  public static Result run(
      String source,
      List<SuspectOutput> outputs,
      List<MarkKey> keys,
      List<MarkKey> decoys,
      @Nullable CanaryLedger ledger) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no key to test");
    }
    Units units = Units.standard();
    List<String> texts = new ArrayList<>();
    for (SuspectOutput o : outputs) {
      units.add(o.prompt(), o.output());
      texts.add(o.output());
    }
    Detector.Report report = Detector.test(units, keys, decoys);
    Detector.Score best = report.keys().get(0);
    MarkKey bestKey = keys.get(0);
    for (int i = 0; i < keys.size(); i++) {
      if (report.keys().get(i).logP() < best.logP()) {
        best = report.keys().get(i);
        bestKey = keys.get(i);
      }
    }
    return new Result(
        source,
        outputs.size(),
        units.words(),
        units.occurrences(),
        units.echoed(),
        units.units().size(),
        report,
        Detector.curve(units, bestKey, 60),
        best.key(),
        ledger == null ? null : CanaryTest.test(ledger, texts));
  }

  /** Writes the machine-readable result. */
  public static void writeJson(Result r, Writer out) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("source", r.source());
    root.put("outputs", r.outputs());
    root.put("words", r.words());
    root.put("eligible_occurrences", r.occurrences());
    root.put("echoed_occurrences", r.echoed());
    root.put("distinct_units", r.distinctUnits());
    root.put("detected", r.detected());
    ObjectNode wm = root.putObject("watermark");
    wm.put("keys_tested", r.watermark().tested());
    ArrayNode keys = wm.putArray("keys");
    for (Detector.Score s : r.watermark().keys()) {
      ObjectNode k = keys.addObject();
      k.put("key", s.key());
      k.put("fingerprint", s.fingerprint());
      k.put("scored_units", s.units());
      k.put("agreeing_units", s.agree());
      k.put("log10_p", round(s.log10P()));
      k.put("log10_p_corrected", round(r.watermark().correctedLog10P(s)));
      k.put("log10_p_lower_tail", round(s.log10LowerTail()));
    }
    Detector.Calibration c = r.watermark().calibration();
    ObjectNode cal = wm.putObject("decoy_calibration");
    cal.put("decoys", c.decoys());
    cal.put("p_at_most_0.1", c.atMost10());
    cal.put("p_at_most_0.01", c.atMost1());
    cal.put("min_log10_p", round(c.minDecoyLog10P()));
    cal.put("passed", c.passed());
    ArrayNode curve = wm.putArray("curve");
    wm.put("curve_key", r.curveKey());
    for (double[] pt : r.curve()) {
      curve.addArray().add((long) pt[0]).add(round(pt[1]));
    }
    CanaryTest.Result cr = r.canaries();
    if (cr != null) {
      ObjectNode can = root.putObject("canaries");
      can.put("candidates", cr.candidates());
      ArrayNode hits = can.putArray("hits");
      for (CanaryTest.Hit h : cr.hits()) {
        ObjectNode o = hits.addObject();
        o.put("scope", h.scope());
        o.put("subject", h.subject());
        o.put("served", h.served());
        o.put("hits", h.hits());
        o.put("log10_p", round(h.log10P()));
        ArrayNode hs = o.putArray("canary_hashes");
        h.hashes().forEach(hs::add);
      }
    }
    out.write(json.writeValueAsString(root));
    out.write('\n');
    out.flush();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static String fmtP(double log10) {
    if (log10 > -4) {
      return String.format(Locale.ROOT, "%.4f", Math.pow(10, log10));
    }
    int e = (int) Math.floor(log10);
    return String.format(Locale.ROOT, "%.1f &times; 10<sup>%d</sup>", Math.pow(10, log10 - e), e);
  }
}
