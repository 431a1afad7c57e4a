package org.distillguard.mark.stats;

/**
 * Exact binomial tails in log space, through the regularized incomplete beta function.
 *
 * <p>{@code P(X >= k)} for {@code X ~ Binomial(n, p)} equals {@code I_p(k, n - k + 1)} (Abramowitz
 * and Stegun 26.5.24). {@code I_x(a, b)} is evaluated with the continued fraction of Numerical
 * Recipes (3rd ed., 6.4) by the modified Lentz method, its prefactor {@code x^a (1-x)^b / (a
 * B(a,b))} kept as a logarithm, so tails far below {@code Double.MIN_VALUE} (1e-1000 and beyond)
 * come out as accurate logarithms. No normal approximation anywhere. {@code log Γ} is Lanczos'
 * approximation (g = 7, n = 9; relative error about 1e-15).
 */
public final class Binomial {
  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final int MAX_ITERATIONS = 1_000_000;
  private static final double EPS = 1e-15;
  private static final double TINY = 1e-300;

  private Binomial() {}

  /** Natural log of {@code P(X >= k)}, {@code X ~ Binomial(n, p)}. */
  public static double logUpperTail(long n, long k, double p) {
    if (n < 0 || p < 0 || p > 1) {
      throw new IllegalArgumentException("n=" + n + " p=" + p);
    }
    if (k <= 0) {
      return 0.0;
    }
    if (k > n) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return 0.0;
    }
    return logRegularizedBeta(p, k, n - k + 1.0);
  }

  /** {@code P(X >= k)}; underflows to 0 where {@link #logUpperTail} does not. */
  public static double upperTail(long n, long k, double p) {
    return Math.exp(logUpperTail(n, k, p));
  }

  /** Natural log of the regularized incomplete beta {@code I_x(a, b)}, {@code a, b > 0}. */
  public static double logRegularizedBeta(double x, double a, double b) {
    if (!(a > 0 && b > 0) || x < 0 || x > 1) {
      throw new IllegalArgumentException("x=" + x + " a=" + a + " b=" + b);
    }
    if (x == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (x == 1) {
      return 0.0;
    }
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); else use symmetry.
    if (x > (a + 1) / (a + b + 2)) {
      double other = logRegularizedBeta1(1 - x, b, a);
      return log1mExp(other);
    }
    return logRegularizedBeta1(x, a, b);
  }

  private static double logRegularizedBeta1(double x, double a, double b) {
    double logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
    return logFront + Math.log(continuedFraction(x, a, b));
  }

  /** log(1 - e^v) for v <= 0, accurately for v near 0 and for v very negative. */
  static double log1mExp(double v) {
    if (v > -0.6931471805599453) {
      return Math.log(-Math.expm1(v));
    }
    return Math.log1p(-Math.exp(v));
  }

  private static double continuedFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < TINY) {
      d = TINY;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= MAX_ITERATIONS; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        return h;
      }
    }
    throw new ArithmeticException("incomplete beta did not converge: a=" + a + " b=" + b);
  }

  /** log B(a, b). */
  public static double logBeta(double a, double b) {
    return logGamma(a) + logGamma(b) - logGamma(a + b);
  }

  /** log Γ(x) for x > 0 (Lanczos, g = 7). */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("x=" + x);
    }
    if (x < 0.5) {
      // Reflection: Γ(x) Γ(1-x) = π / sin(πx).
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double s = LANCZOS[0];
    double t = z + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      s += LANCZOS[i] / (z + i);
    }
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
  }

  /** log10 of a probability given as a natural log, for reports. */
  public static double log10(double naturalLog) {
    return naturalLog / Math.log(10);
  }
}
