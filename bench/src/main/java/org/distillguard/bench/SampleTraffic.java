package org.distillguard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Params;

/** Deterministic synthetic exchanges with realistic prompt text, for micro-benchmarks. */
final class SampleTraffic {
  private static final String[] PROMPTS = {
    "Give three tips for staying healthy and explain why each one matters.",
    "Write a Python function that returns the n-th Fibonacci number using memoization.",
    "what is the population of the largest city in australia",
    "Translate the following sentence into Spanish: The meeting has been moved to Thursday.",
    "Explain step by step how to solve 3x + 7 = 22, and show your reasoning.",
    "I have a job interview tomorrow for a marketing role, can you help me prepare answers?",
    "Rate the following response on a scale of 1 to 10 according to the rubric below.",
    "Summarize the following support ticket in two sentences: customer reports that the app"
        + " crashes when uploading photos larger than 20 MB on Android 14.",
  };

  private SampleTraffic() {}

  static List<Exchange> exchanges(int n, int accounts, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Exchange> out = new ArrayList<>(n);
    long t = 1_767_225_600_000L;
    for (int i = 0; i < n; i++) {
      t += r.nextInt(200);
      int a = r.nextInt(accounts);
      out.add(
          Exchange.builder("r-" + i, t, "acct-" + a)
              .ip("198.51.100." + (a % 250))
              .userAgent("OpenAI/Python 1.54.0")
              .endpoint("chat.completions")
              .model("m-large")
              .params(
                  Params.NONE
                      .withMaxTokens(r.nextBoolean() ? 4096 : 512)
                      .withTemperature(0.7)
                      .withStream(false))
              .prompt(PROMPTS[r.nextInt(PROMPTS.length)] + " (" + r.nextInt(1000) + ")")
              .accountMeta(
                  new AccountMeta(
                      t - 86_400_000L * (1 + a % 300), "pf-" + a % 97, null, "tier-1", "US"))
              .build());
    }
    return out;
  }
}
