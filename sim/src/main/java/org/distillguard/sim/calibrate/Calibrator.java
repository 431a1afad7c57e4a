package org.distillguard.sim.calibrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.detect.Signal;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/** Collects labelled signal snapshots from a replay, then fits a {@link ScoringModel}. */
public final class Calibrator {
  /** What the calibrator needs to know of an account. */
  public record Truth(String cls, boolean distill, @Nullable Long switchAt) {}

  private final Map<String, Truth> truth;
  private final Detector detector;
  private final List<float[]> samples = new ArrayList<>();
  private final List<Boolean> labels = new ArrayList<>();
  private final List<String> classes = new ArrayList<>();
  private final Map<String, Long> seen = new HashMap<>();
  private long unlabelled;

  public Calibrator(Map<String, Truth> truth) {
    this.truth = Map.copyOf(truth);
    this.detector =
        new Detector(DetectorConfig.defaults(), ScoringModel.shipped(), PromptAnalyzer.standard());
  }

  /** Feeds one exchange of the labelled log, in log order. */
  public void accept(Exchange e) {
    detector.observe(e);
    long n = seen.merge(e.account(), 1L, Long::sum);
    if (!isSamplePoint(n)) {
      return;
    }
    Truth t = truth.get(e.account());
    if (t == null) {
      unlabelled++;
      return;
    }
    boolean positive = t.distill() && (t.switchAt() == null || n >= t.switchAt() + 8);
    if (t.distill() && !positive && t.switchAt() != null && n >= t.switchAt()) {
      return; // the few requests right after a switch are ambiguous: leave them out
    }
    samples.add(Objects.requireNonNull(detector.signals(e.account())));
    labels.add(positive);
    classes.add(positive || !t.distill() ? t.cls() : t.cls() + "-before-switch");
  }

  /**
   * The direction each signal may push the score, from what the signal means: evidence of
   * harvesting can only raise it (+1), evidence of ordinary use only lower it (-1); 0 leaves the
   * fit free (templating, for one, is shared by harvesting templates and enterprise pipelines).
   * Without these constraints the fit happily learns that step-by-step requests are benign because
   * the training world's developers happened to ask for them, and generalises badly.
   */
  static int direction(Signal s) {
    return switch (s) {
      case EXACT_REPEATS, TEMPERATURE_ZERO -> -1;
      case TEMPLATE_PREFIX, TEMPLATE_SUFFIX, TEMPLATE_SKELETON, SHARED_SYSTEM_PROMPT, EVIDENCE -> 0;
      default -> +1;
    };
  }

  /** Log-spaced sample points: early requests matter most (time to flag), later ones less. */
  static boolean isSamplePoint(long n) {
    if (n < 4) {
      return false;
    }
    if (n <= 64) {
      return n % 4 == 0 || n == 6 || n == 10 || n == 14;
    }
    long p = Long.highestOneBit(n);
    return n == p || n == p + p / 2 || n % 256 == 0;
  }

  public int sampleCount() {
    return samples.size();
  }

  public long unlabelled() {
    return unlabelled;
  }

  /**
   * Fits the model, shrinking towards the {@link #prior()}.
   *
   * @param l2 penalty on the squared distance of the raw weights from the prior, relative to the
   *     total sample weight
   * @param negativeWeight extra weight of benign samples: false positives cost more than a few more
   *     requests before a flag
   * @param ignored signals whose weight is held at 0
   */
  public ScoringModel fit(double l2, double negativeWeight, Set<Signal> ignored) {
    return fit(l2, negativeWeight, ignored, prior());
  }

  /**
   * The expert prior weights ({@code calibrate-prior.properties}): what each signal is believed to
   * be worth before any data. The penalty pulls weights towards them rather than towards 0, so a
   * signal the training world happens not to exercise (step-by-step requests, say) keeps the weight
   * its meaning deserves instead of vanishing.
   */
  public static ScoringModel prior() {
    try (InputStream in =
        Calibrator.class.getResourceAsStream("/org/distillguard/sim/calibrate-prior.properties")) {
      if (in == null) {
        throw new IllegalStateException("missing calibrate-prior.properties");
      }
      return ScoringModel.read(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #fit(double, double, Set)}, shrinking towards the weights of {@code prior}. */
  public ScoringModel fit(
      double l2, double negativeWeight, Set<Signal> ignored, ScoringModel prior) {
    int n = samples.size();
    int d = Signal.COUNT;
    if (n == 0) {
      throw new IllegalStateException("no labelled samples: do the labels match the log?");
    }
    // Reference value: the benign mean of each signal; NaN (unknown) is set to it.
    double[] ref = new double[d];
    double[] scale = new double[d];
    int negatives = 0;
    for (int i = 0; i < n; i++) {
      if (!labels.get(i)) {
        negatives++;
      }
    }
    for (int j = 0; j < d; j++) {
      double sum = 0;
      int cnt = 0;
      for (int i = 0; i < n; i++) {
        float v = samples.get(i)[j];
        if (!labels.get(i) && !Float.isNaN(v)) {
          sum += v;
          cnt++;
        }
      }
      ref[j] = cnt == 0 ? 0 : sum / cnt;
      double var = 0;
      int all = 0;
      for (int i = 0; i < n; i++) {
        float v = samples.get(i)[j];
        if (!Float.isNaN(v)) {
          var += (v - ref[j]) * (v - ref[j]);
          all++;
        }
      }
      scale[j] = all == 0 ? 1 : Math.max(1e-3, Math.sqrt(var / all));
    }
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        float v = samples.get(i)[j];
        x[i][j] = Float.isNaN(v) ? 0 : (v - ref[j]) / scale[j];
      }
    }
    // Every class the same total weight, benign classes times negativeWeight.
    Map<String, Integer> perClass = new HashMap<>();
    classes.forEach(c -> perClass.merge(c, 1, Integer::sum));
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = (labels.get(i) ? 1 : negativeWeight) / perClass.getOrDefault(classes.get(i), 1);
    }
    double[] beta0 = new double[d];
    double[] priorWeights = prior.weights();
    double[] beta = new double[d];
    double bias = Math.log((n - negatives + 1.0) / (negatives + 1.0));
    // Projected Newton (IRLS): a signal whose weight would take the wrong sign is pinned at 0
    // and left out of the step while the gradient keeps pushing it that way. 27 dimensions:
    // a few dozen steps, deterministic.
    int[] dir = new int[d];
    for (int j = 0; j < d; j++) {
      dir[j] = direction(Signal.byIndex(j));
      beta0[j] = violatesSign(priorWeights[j], dir[j]) ? 0 : priorWeights[j] * scale[j];
    }
    boolean[] off = new boolean[d];
    for (Signal sig : ignored) {
      off[sig.ordinal()] = true;
      beta0[sig.ordinal()] = 0;
      beta[sig.ordinal()] = 0;
    }
    double wsum = 0;
    for (double wi : w) {
      wsum += wi;
    }
    for (int iter = 0; iter < 100; iter++) {
      double[] g = new double[d + 1];
      double[][] h = new double[d + 1][d + 1];
      for (int i = 0; i < n; i++) {
        double z = bias;
        for (int j = 0; j < d; j++) {
          z += beta[j] * x[i][j];
        }
        double p = 1 / (1 + Math.exp(-z));
        double y = labels.get(i) ? 1 : 0;
        double r = w[i] * (p - y);
        double s = w[i] * Math.max(p * (1 - p), 1e-9);
        g[d] += r;
        for (int j = 0; j < d; j++) {
          g[j] += r * x[i][j];
        }
        for (int a = 0; a < d; a++) {
          double sa = s * x[i][a];
          for (int b = a; b < d; b++) {
            h[a][b] += sa * x[i][b];
          }
          h[a][d] += sa;
        }
        h[d][d] += s;
      }
      for (int a = 0; a <= d; a++) {
        for (int b = 0; b < a; b++) {
          h[a][b] = h[b][a];
        }
      }
      // The penalty is on the raw weights' distance from the prior (in raw units, beta / scale):
      // a rare signal must not buy a huge weight with a tiny spread, and a signal the data says
      // little about stays near what it is believed to be worth.
      for (int j = 0; j < d; j++) {
        double pen = l2 * wsum / (scale[j] * scale[j]);
        g[j] += pen * (beta[j] - beta0[j]);
        h[j][j] += pen;
      }
      // Pin constrained weights at 0 whose gradient points to the forbidden side.
      for (int j = 0; j < d; j++) {
        boolean pinned = off[j] || (dir[j] != 0 && beta[j] == 0 && -g[j] * dir[j] <= 0);
        if (pinned) {
          g[j] = 0;
          for (int k = 0; k <= d; k++) {
            h[j][k] = k == j ? 1 : 0;
            h[k][j] = k == j ? 1 : 0;
          }
        }
      }
      double[] step = solve(h, g);
      // Damped: a step never moves a standardised weight by more than 4, which keeps the
      // iteration stable where probabilities saturate.
      double biggest = 0;
      for (double v : step) {
        biggest = Math.max(biggest, Math.abs(v));
      }
      if (biggest > 4) {
        for (int k = 0; k < step.length; k++) {
          step[k] *= 4 / biggest;
        }
      }
      double max = 0;
      for (int j = 0; j < d; j++) {
        double next = beta[j] - step[j];
        if (off[j] || (dir[j] != 0 && next * dir[j] < 0)) {
          next = 0; // project back onto the allowed side
        }
        max = Math.max(max, Math.abs(next - beta[j]));
        beta[j] = next;
      }
      bias -= step[d];
      if (max < 1e-7) {
        break;
      }
    }
    double[] weight = new double[d];
    for (int j = 0; j < d; j++) {
      weight[j] = beta[j] / scale[j];
    }
    return new ScoringModel(bias, weight, ref);
  }

  private static boolean violatesSign(double w, int dir) {
    return dir != 0 && w * dir < 0;
  }

  /** Solves h·s = g by Gaussian elimination with partial pivoting. */
  static double[] solve(double[][] h, double[] g) {
    int m = g.length;
    double[][] a = new double[m][m + 1];
    for (int i = 0; i < m; i++) {
      System.arraycopy(h[i], 0, a[i], 0, m);
      a[i][m] = g[i];
    }
    for (int c = 0; c < m; c++) {
      int piv = c;
      for (int r = c + 1; r < m; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] tmp = a[c];
      a[c] = a[piv];
      a[piv] = tmp;
      double div = Math.abs(a[c][c]) < 1e-12 ? 1e-12 : a[c][c];
      for (int r = c + 1; r < m; r++) {
        double f = a[r][c] / div;
        for (int k = c; k <= m; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] s = new double[m];
    for (int i = m - 1; i >= 0; i--) {
      double v = a[i][m];
      for (int k = i + 1; k < m; k++) {
        v -= a[i][k] * s[k];
      }
      s[i] = v / (Math.abs(a[i][i]) < 1e-12 ? 1e-12 : a[i][i]);
    }
    return s;
  }
}
