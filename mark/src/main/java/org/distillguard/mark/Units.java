package org.distillguard.mark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The de-duplicated units of a body of suspect text: each (pair, context) once, with the counts of
 * its two words, in order of first appearance.
 *
 * <p>De-duplication is what makes the test honest: a text repeated 10,000 times, or a model that
 * always says "often" after "very", contributes one unit, not 10,000 coin flips. A unit whose two
 * words were seen equally often has no majority and is not scored. Occurrences whose pair echoes
 * the prompt are dropped (a model that copies the prompt must not count).
 */
public final class Units {
  private final Dictionary dictionary;
  private final Map<String, Unit> units = new HashMap<>();
  private final List<Unit> order = new ArrayList<>();
  private long texts;
  private long words;
  private long occurrences;
  private long echoed;

  public Units(Dictionary dictionary) {
    this.dictionary = dictionary;
  }

  /** A collector with the shipped dictionary. */
  public static Units standard() {
    return new Units(Dictionary.standard());
  }

  /** Adds one suspect output and the prompt it answered ("" if unknown). */
  public Units add(String prompt, String text) {
    TextPass pass =
        new TextPass(
            dictionary,
            prompt,
            (pair, context, lower) -> {
              String key = pair.id() + "\u0000" + context;
              Unit u = units.get(key);
              if (u == null) {
                u = new Unit(pair, context);
                units.put(key, u);
                order.add(u);
              }
              if (lower.equals(pair.b())) {
                u.countB++;
              } else {
                u.countA++;
              }
              return lower;
            });
    pass.feed(text);
    pass.finish();
    texts++;
    words += pass.words();
    occurrences += pass.eligible();
    echoed += pass.echoed();
    return this;
  }

  /** Distinct units, in order of first appearance. */
  public List<Unit> units() {
    return order;
  }

  public long texts() {
    return texts;
  }

  public long words() {
    return words;
  }

  /** Eligible occurrences before de-duplication. */
  public long occurrences() {
    return occurrences;
  }

  /** Occurrences dropped because their pair echoes the prompt. */
  public long echoed() {
    return echoed;
  }

  /** One (pair, context) unit and the counts of its two words. */
  public static final class Unit {
    private final Dictionary.Pair pair;
    private final String context;
    int countA;
    int countB;

    Unit(Dictionary.Pair pair, String context) {
      this.pair = pair;
      this.context = context;
    }

    public Dictionary.Pair pair() {
      return pair;
    }

    public String context() {
      return context;
    }

    public int countA() {
      return countA;
    }

    public int countB() {
      return countB;
    }

    /** Whether the majority chose {@code b}; meaningless when {@link #tied}. */
    public boolean majorityB() {
      return countB > countA;
    }

    public boolean tied() {
      return countA == countB;
    }
  }
}
