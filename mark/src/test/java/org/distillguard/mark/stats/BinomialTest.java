package org.distillguard.mark.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinomialTest {
  /** Exact P(X >= k) for p = 1/2 with big integers, as a natural log. */
  private static double exactLogTailHalf(int n, int k) {
    BigInteger sum = BigInteger.ZERO;
    BigInteger c = BigInteger.ONE;
    for (int i = 0; i <= n; i++) {
      if (i >= k) {
        sum = sum.add(c);
      }
      c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    BigDecimal ratio =
        new BigDecimal(sum).divide(new BigDecimal(BigInteger.TWO.pow(n)), new MathContext(40));
    // log of a BigDecimal: unscaled value and scale.
    return Math.log(ratio.unscaledValue().doubleValue() == Double.POSITIVE_INFINITY ? 1 : 1)
        + logOf(ratio);
  }

  private static double logOf(BigDecimal v) {
    int digits = v.precision() - v.scale() - 1;
    BigDecimal mant = v.movePointLeft(digits);
    return Math.log(mant.doubleValue()) + digits * Math.log(10);
  }

  @Test
  void matchesExactTailsForEveryKUpToThreeHundred() {
    for (int n : new int[] {1, 2, 7, 20, 63, 150, 300}) {
      for (int k = 1; k <= n; k++) {
        double exact = exactLogTailHalf(n, k);
        double got = Binomial.logUpperTail(n, k, 0.5);
        assertThat(got)
            .as("n=%d k=%d", n, k)
            .isCloseTo(exact, within(1e-9 * Math.abs(exact) + 1e-12));
      }
    }
  }

  @Test
  void staysAccurateFarBelowDoubleUnderflow() {
    // P(X >= 5000 | n = 5000) = 2^-5000: log = -5000 log 2.
    assertThat(Binomial.logUpperTail(5000, 5000, 0.5)).isCloseTo(-5000 * Math.log(2), within(1e-8));
    assertThat(Binomial.upperTail(5000, 5000, 0.5)).isZero();
    assertThat(Binomial.logUpperTail(100000, 60000, 0.5)).isFinite().isLessThan(-1000);
  }

  @Test
  void matchesLogSumOfTermsForRandomLargeCases() {
    Random r = new Random(7);
    for (int t = 0; t < 200; t++) {
      int n = 1 + r.nextInt(5000);
      int k = r.nextInt(n + 2);
      double p = 0.01 + 0.98 * r.nextDouble();
      double max = Double.NEGATIVE_INFINITY;
      double[] terms = new double[n + 1];
      for (int i = Math.max(k, 0); i <= n; i++) {
        terms[i] =
            Binomial.logGamma(n + 1.0)
                - Binomial.logGamma(i + 1.0)
                - Binomial.logGamma(n - i + 1.0)
                + i * Math.log(p)
                + (n - i) * Math.log1p(-p);
        max = Math.max(max, terms[i]);
      }
      double s = 0;
      for (int i = Math.max(k, 0); i <= n; i++) {
        s += Math.exp(terms[i] - max);
      }
      double expected = k <= 0 ? 0 : k > n ? Double.NEGATIVE_INFINITY : max + Math.log(s);
      double got = Binomial.logUpperTail(n, k, p);
      if (Double.isInfinite(expected)) {
        assertThat(got).isEqualTo(expected);
      } else {
        assertThat(got)
            .as("n=%d k=%d p=%f", n, k, p)
            .isCloseTo(expected, within(1e-7 * Math.max(1, Math.abs(expected))));
      }
    }
  }

  @Test
  void logGammaMatchesFactorials() {
    double f = 0;
    for (int i = 1; i < 170; i++) {
      assertThat(Binomial.logGamma(i)).isCloseTo(f, within(1e-10 * Math.max(1, f)));
      f += Math.log(i);
    }
    assertThat(Binomial.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-13));
  }
}
