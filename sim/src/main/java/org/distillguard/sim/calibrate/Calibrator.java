package org.distillguard.sim.calibrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
   * Fits the model.
   *
   * @param l2 penalty on the standardised weights
   * @param negativeWeight extra weight of benign samples: false positives cost more than a few more
   *     requests before a flag
   */
  public ScoringModel fit(double l2, double negativeWeight) {
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
    double[] beta = new double[d];
    double bias = Math.log((n - negatives + 1.0) / (negatives + 1.0));
    // Newton's method (IRLS): 27 dimensions, converges in a few dozen steps, deterministic.
    for (int iter = 0; iter < 50; iter++) {
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
      double wsum = 0;
      for (double wi : w) {
        wsum += wi;
      }
      for (int a = 0; a <= d; a++) {
        for (int b = 0; b < a; b++) {
          h[a][b] = h[b][a];
        }
      }
      for (int j = 0; j < d; j++) {
        g[j] += l2 * wsum * beta[j];
        h[j][j] += l2 * wsum;
      }
      double[] step = solve(h, g);
      double max = 0;
      for (int j = 0; j < d; j++) {
        beta[j] -= step[j];
        max = Math.max(max, Math.abs(step[j]));
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
