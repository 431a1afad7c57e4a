package org.distillguard.mark;

import java.util.Random;

/** Attacks an adversary runs on harvested answers before training on them. */
public final class Attacks {
  private Attacks() {}

  /**
   * Knows the dictionary (it ships with DistillGuard) but not the key: rewrites each eligible word
   * to a fair coin's choice of its pair with probability {@code rate}.
   */
  public static String randomizePairs(String text, double rate, Random r) {
    TextPass p =
        new TextPass(
            Dictionary.standard(),
            "",
            (pair, context, lower) ->
                r.nextDouble() < rate ? (r.nextBoolean() ? pair.a() : pair.b()) : lower);
    return p.feed(text) + p.finish();
  }

  /**
   * Has stolen the key's rule table (for instance by reading it off many marked answers) and writes
   * the opposite choice in every unit.
   */
  public static String invert(String text, MarkKey key) {
    MarkKey.Chooser c = key.chooser();
    TextPass p =
        new TextPass(
            Dictionary.standard(),
            "",
            (pair, context, lower) -> c.choosesB(pair.id(), context) ? pair.a() : pair.b());
    return p.feed(text) + p.finish();
  }
}
