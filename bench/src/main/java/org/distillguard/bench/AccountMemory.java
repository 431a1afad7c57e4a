package org.distillguard.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.ScoringModel;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.link.LinkerConfig;
import org.distillguard.core.link.Traits;
import org.distillguard.core.text.PromptAnalyzer;
import org.distillguard.core.text.PromptFeatures;

/**
 * Heap retained per account by the detector at a million accounts: everything reachable from the
 * detector (state, map entry, account-id string), measured as the heap difference after full GCs.
 * Each account sees 20 varied requests first, and a fifth reach the suspicious band, so the
 * optional parts of the state exist in the realistic share. Campaign linking is on (its per-account
 * arrays and value table are counted) unless {@code --no-linking} follows the account count.
 *
 * <pre>
 * java -Xmx8g -cp bench/target/benchmarks.jar org.distillguard.bench.AccountMemory [ACCOUNTS [--no-linking]]
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
    boolean linking = !(args.length > 1 && args[1].equals("--no-linking"));
    Detector d =
        new Detector(
            DetectorConfig.defaults(),
            ScoringModel.shipped(),
            analyzer,
            linking ? LinkerConfig.defaults() : null);
    SplittableRandom r = new SplittableRandom(1);
    long t = 1_767_225_600_000L;
    for (int round = 0; round < 20; round++) {
      for (int a = 0; a < accounts; a++) {
        boolean heavy = a % 5 == 0;
        PromptFeatures text = texts[heavy ? round % texts.length : 2];
        // Every account has its own card and home address, as most real accounts do: the
        // linker's value table then holds a few values per account.
        Traits traits =
            Traits.of(
                Exchange.builder("r", t, "acct-" + a)
                    .ip(
                        "100."
                            + (64 + a % 64)
                            + "."
                            + ((a >>> 6) & 255)
                            + "."
                            + (1 + (a >>> 14) % 250))
                    .userAgent(heavy ? "python-requests/2.32.3" : "OpenAI/Python 1.54.0")
                    .accountMeta(
                        new AccountMeta(
                            t - 86_400_000L * (1 + a % 900),
                            "pf-" + Integer.toHexString(a * 31 + 7),
                            a % 3 == 0 ? "gmail.com" : "c" + (a % 5000) + ".example",
                            null,
                            null))
                    .prompt("p")
                    .build(),
                text.system());
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
                text,
                traits,
                ((long) a << 32) | round));
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
