package org.distillguard.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;

/**
 * Heap retained per account by the detector at a million accounts: everything reachable from the
 * detector (state, map entry, account-id string), measured as the heap difference after full GCs.
 * Each account sees 20 varied requests first, and a fifth reach the suspicious band, so the
 * optional parts of the state exist in the realistic share.
 *
 * <pre>
 * java -Xmx8g -cp bench/target/benchmarks.jar org.distillguard.bench.AccountMemory [ACCOUNTS]
 * </pre>
 */
public final class AccountMemory {
  private AccountMemory() {}

  public static void main(String[] args) {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    PromptAnalyzer analyzer = PromptAnalyzer.standard();
    PromptFeatures[] texts = {
      analyzer.analyze("Explain step by step why the sky is blue.", null),
      analyzer.analyze("Write a Python function that merges two sorted lists.", null),
      analyzer.analyze("what is the capital of peru", null),
      analyzer.analyze("Rate the following answer on a scale of 1 to 10.", "You are a judge."),
    };
    long before = usedAfterGc();
    Detector d = Detector.standard();
    SplittableRandom r = new SplittableRandom(1);
    long t = 1_767_225_600_000L;
    for (int round = 0; round < 20; round++) {
      for (int a = 0; a < accounts; a++) {
        boolean heavy = a % 5 == 0;
        d.observe(
            new Observation(
                "acct-" + a,
                t + round * (heavy ? 1_000L : 3_600_000L) + r.nextInt(1000),
                round % 7 == 0 ? "m-large-2" : "m-large",
                !heavy,
                heavy ? 1 : 2,
                heavy ? 8192 : 512,
                0.7f,
                1,
                false,
                heavy,
                600,
                t - 86_400_000L,
                texts[heavy ? round % texts.length : 2]));
      }
    }
    long after = usedAfterGc();
    double perAccount = (after - before) / (double) d.accountCount();
    System.out.printf(
        Locale.ROOT,
        "accounts %,d  retained %.1f MiB  per account %.0f bytes%n",
        d.accountCount(),
        (after - before) / 1048576.0,
        perAccount);
  }

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
