package org.distillguard.sim;

import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.sim.Scenario.Range;

/** Small random helpers over {@link SplittableRandom}, the simulator's only source of chance. */
final class Rng {
  private Rng() {}

  /** A well-mixed 64-bit hash (the SplitMix64 finalizer): seeds per account from a few numbers. */
  static long mix(long... xs) {
    long h = 0x9E3779B97F4A7C15L;
    for (long x : xs) {
      h ^= x;
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
      h *= 0x94D049BB133111EBL;
      h ^= h >>> 29;
      h += 0x9E3779B97F4A7C15L;
    }
    return h;
  }

  /** A deterministic uniform number in [0, 1) for a key, without consuming a generator. */
  static double unit(long... xs) {
    return (mix(xs) >>> 11) * 0x1.0p-53;
  }

  static double uniform(SplittableRandom r, Range range) {
    return range.min() == range.max()
        ? range.min()
        : range.min() + r.nextDouble() * (range.max() - range.min());
  }

  static int uniformInt(SplittableRandom r, Range range) {
    return (int) Math.round(uniform(r, range));
  }

  /** A token budget as people write them: a multiple of 512 within the range. */
  static int tokenBudget(SplittableRandom r, Range range) {
    return (int) Math.max(256, Math.round(uniform(r, range) / 512) * 512);
  }

  /** Log-uniform in [min, max]: right for durations where "twice as long" is as likely as half. */
  static double logUniform(SplittableRandom r, double min, double max) {
    return Math.exp(Math.log(min) + r.nextDouble() * (Math.log(max) - Math.log(min)));
  }

  /** Log-normal with the given median: output lengths and think times are long-tailed. */
  static double logNormal(SplittableRandom r, double median, double sigma) {
    return median * Math.exp(sigma * r.nextGaussian());
  }

  /** Exponential waiting time with the given mean (a Poisson process step). */
  static double exponential(SplittableRandom r, double mean) {
    return -mean * Math.log(1 - r.nextDouble());
  }

  static boolean chance(SplittableRandom r, double p) {
    return r.nextDouble() < p;
  }

  static <T> T pick(SplittableRandom r, List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }

  static String pick(SplittableRandom r, String... xs) {
    return xs[r.nextInt(xs.length)];
  }

  static String hex(SplittableRandom r, int digits) {
    StringBuilder sb = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      sb.append(Character.forDigit(r.nextInt(16), 16));
    }
    return sb.toString();
  }

  /** A step coprime with {@code n}: walking {@code i*step mod n} visits every index once. */
  static int coprimeStep(SplittableRandom r, int n) {
    if (n <= 2) {
      return 1;
    }
    int s = 1 + r.nextInt(n - 1);
    while (gcd(s, n) != 1) {
      s = s % (n - 1) + 1;
    }
    return s;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
