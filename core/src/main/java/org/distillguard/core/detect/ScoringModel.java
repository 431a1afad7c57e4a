package org.distillguard.core.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A logistic model over the {@link Signal}s: {@code score = sigmoid(bias + sum w_i (x_i - ref_i))}.
 *
 * <p>Each signal's contribution is measured from a reference value, the signal's typical value for
 * benign traffic, so that a reason with a positive contribution reads "higher than a normal
 * customer" and the contributions of an ordinary account are all near zero. Weights are fitted on
 * simulated traffic built from the training prompt sets ({@code docs/EVALUATION.md}) and shipped as
 * the resource {@code scoring-model.properties}; a provider can fit and load its own.
 */
public final class ScoringModel {
  private static final String RESOURCE = "/org/distillguard/core/detect/scoring-model.properties";

  private final double bias;
  private final double[] weight;
  private final double[] ref;

  public ScoringModel(double bias, double[] weight, double[] ref) {
    if (weight.length != Signal.COUNT || ref.length != Signal.COUNT) {
      throw new IllegalArgumentException("need one weight and one reference per signal");
    }
    this.bias = bias;
    this.weight = weight.clone();
    this.ref = ref.clone();
  }

  /** The model shipped with DistillGuard. */
  public static ScoringModel shipped() {
    try (InputStream in = ScoringModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return read(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@code bias=..} and {@code <signal>.weight=..}, {@code <signal>.ref=..} lines. Signals
   * not listed get weight 0.
   *
   * @throws IllegalArgumentException naming the bad key or value
   */
  public static ScoringModel read(Reader reader) throws IOException {
    Properties p = new Properties();
    p.load(reader);
    double[] w = new double[Signal.COUNT];
    double[] r = new double[Signal.COUNT];
    double bias = 0;
    for (String key : p.stringPropertyNames()) {
      double v;
      try {
        v = Double.parseDouble(p.getProperty(key).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("scoring model: '" + key + "' is not a number");
      }
      if (key.equals("bias")) {
        bias = v;
        continue;
      }
      int dot = key.lastIndexOf('.');
      Signal s = dot < 0 ? null : Signal.byId(key.substring(0, dot));
      if (s == null) {
        throw new IllegalArgumentException("scoring model: unknown signal in '" + key + "'");
      }
      switch (key.substring(dot + 1)) {
        case "weight" -> w[s.ordinal()] = v;
        case "ref" -> r[s.ordinal()] = v;
        default -> throw new IllegalArgumentException("scoring model: unknown key '" + key + "'");
      }
    }
    return new ScoringModel(bias, w, r);
  }

  /** Writes the model in the format {@link #read} reads, signals in declaration order. */
  public void write(Writer out, String comment) throws IOException {
    out.write("# " + comment + "\n");
    out.write(String.format(Locale.ROOT, "bias=%.6f%n", bias));
    for (Signal s : Signal.values()) {
      out.write(String.format(Locale.ROOT, "%s.weight=%.6f%n", s.id(), weight[s.ordinal()]));
      out.write(String.format(Locale.ROOT, "%s.ref=%.6f%n", s.id(), ref[s.ordinal()]));
    }
  }

  /** The score in [0,1] for signal values indexed by {@link Signal#ordinal()}; NaN is neutral. */
  public double score(float[] signals) {
    double z = bias;
    for (int i = 0; i < weight.length; i++) {
      if (!Float.isNaN(signals[i])) { // unknown: neutral, the reference value
        z += weight[i] * (signals[i] - ref[i]);
      }
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Reasons reported per account: the signals with the largest contributions. */
  public static final int MAX_REASONS = 8;

  /**
   * The signals behind a score, largest absolute contribution first, zero ones left out, at most
   * {@link #MAX_REASONS}.
   */
  public List<Reason> reasons(float[] signals) {
    List<Reason> out = new ArrayList<>();
    for (int i = 0; i < weight.length; i++) {
      if (Float.isNaN(signals[i])) {
        continue;
      }
      double c = weight[i] * (signals[i] - ref[i]);
      if (Math.abs(c) >= 0.005) {
        out.add(new Reason(Signal.byIndex(i).id(), round(signals[i]), round(c)));
      }
    }
    out.sort(Comparator.comparingDouble((Reason r) -> -Math.abs(r.contribution())));
    // The few that move the score most explain it; all 27 on every line of a million-account
    // verdicts file cost a gigabyte and tell an analyst nothing more.
    return out.size() > MAX_REASONS ? List.copyOf(out.subList(0, MAX_REASONS)) : out;
  }

  public double bias() {
    return bias;
  }

  public double[] weights() {
    return weight.clone();
  }

  public double[] refs() {
    return ref.clone();
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  @Override
  public String toString() {
    return "ScoringModel[bias=" + bias + ", weights=" + Arrays.toString(weight) + "]";
  }
}
