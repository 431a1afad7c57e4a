package org.distillguard.mark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic answer-like English for tests that must run on a plain clone (no shared prompt
 * sets): templates whose slots put dictionary words after many different previous words.
 */
public final class SampleText {
  private static final String[] SUBJECTS = {
    "the model",
    "a user",
    "this method",
    "the server",
    "our team",
    "the parser",
    "each worker",
    "the library",
    "your script",
    "the compiler",
    "the cache",
    "a student",
    "the teacher",
    "the network",
    "the database",
    "an engineer",
    "the browser",
    "the function",
    "the system",
    "the garden",
    "the recipe",
    "a doctor",
    "the city",
    "the report",
    "the museum",
    "the market"
  };
  private static final String[] VERBS = {
    "works", "fails", "changes", "grows", "runs", "stops", "answers", "improves", "moves", "waits"
  };
  private static final String[] ADVERBS = {
    "often", "frequently", "maybe", "perhaps", "nearly", "almost", "completely", "entirely",
    "mainly", "primarily", "largely", "mostly", "especially", "particularly", "rarely", "seldom",
    "quickly", "rapidly", "basically", "essentially", "exactly", "precisely"
  };
  private static final String[] OBJECTS = {
    "the file",
    "the list",
    "a table",
    "the data",
    "the plan",
    "the code",
    "the soil",
    "the menu",
    "a sample",
    "the settings",
    "the order",
    "the map",
    "the budget",
    "the schedule"
  };
  private static final String[] TEMPLATES = {
    "{S} {A} {V} when the load is high.",
    "In practice {S} {A} {V}, {A} at night.",
    "You can use {O} to check it, and {S} will help you {A}.",
    "For example, {S} {A} needs {O} before it {V}.",
    "Moreover, {S} allows you to modify {O} {A}.",
    "{S} seems to be {A} ready, so you may choose {O} next.",
    "Nevertheless, {S} {A} requires {O}.",
    "I cannot say why {S} {A} {V}; perhaps it is this kind of problem.",
    "Furthermore, we need {O} because {S} {A} {V}.",
    "It appears that {S} {A} {V}, which helps everyone.",
    "Finally, {S} {A} uses {O} and then {V}.",
    "Although {S} {A} {V}, it is happy with {O}.",
    "Consequently, {S} {A} {V} and bought {O} afterwards."
  };

  private SampleText() {}

  /** {@code n} paragraphs of three to six sentences, the same for the same seed. */
  public static List<String> paragraphs(int n, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      int sentences = 3 + r.nextInt(4);
      for (int s = 0; s < sentences; s++) {
        String t = TEMPLATES[r.nextInt(TEMPLATES.length)];
        StringBuilder x = new StringBuilder();
        for (int j = 0; j < t.length(); j++) {
          if (t.charAt(j) == '{') {
            char slot = t.charAt(j + 1);
            j += 2;
            x.append(
                switch (slot) {
                  case 'S' -> SUBJECTS[r.nextInt(SUBJECTS.length)];
                  case 'V' -> VERBS[r.nextInt(VERBS.length)];
                  case 'A' -> ADVERBS[r.nextInt(ADVERBS.length)];
                  default -> OBJECTS[r.nextInt(OBJECTS.length)];
                });
          } else {
            x.append(t.charAt(j));
          }
        }
        String sentence = x.toString();
        b.append(s == 0 ? "" : " ")
            .append(Character.toUpperCase(sentence.charAt(0)))
            .append(sentence.substring(1));
      }
      out.add(b.toString());
    }
    return out;
  }
}
