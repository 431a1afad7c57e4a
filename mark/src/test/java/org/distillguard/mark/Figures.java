package org.distillguard.mark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the figures of docs/WATERMARK.md that are measured on the shared corpus (density,
 * quality). Run from the repository root; see docs/WATERMARK.md for the command.
 */
public final class Figures {
  private Figures() {}

  /** Words of marked answers, taken in random order, until the key's p-value is below 1e-6. */
  static void wordsToDetect(List<String> texts, Marker m) {
    List<String> shuffled = new java.util.ArrayList<>(texts);
    java.util.Collections.shuffle(shuffled, new java.util.Random(42));
    List<Long> needed = new java.util.ArrayList<>();
    long occurrences = 0;
    long distinct = 0;
    int i = 0;
    while (needed.size() < 40 && i < shuffled.size()) {
      Units u = Units.standard();
      while (i < shuffled.size()) {
        u.add("", m.mark("", shuffled.get(i++)));
        if (Detector.score(u, m.key()).log10P() < -6) {
          needed.add(u.words());
          occurrences += u.occurrences();
          distinct += u.units().size();
          break;
        }
      }
    }
    // The unit definition wastes what repeats a (pair, context) already seen: measured here.
    System.out.printf(
        Locale.ROOT,
        "at detection: %.1f eligible occurrences, %.1f distinct units per run (%.0f%% distinct)%n",
        (double) occurrences / needed.size(),
        (double) distinct / needed.size(),
        100.0 * distinct / occurrences);
    java.util.Collections.sort(needed);
    System.out.printf(
        Locale.ROOT,
        "words of marked text to p < 1e-6 over %d runs: min %,d median %,d p90 %,d max %,d%n",
        needed.size(),
        needed.get(0),
        needed.get(needed.size() / 2),
        needed.get(needed.size() * 9 / 10),
        needed.get(needed.size() - 1));
  }

  /**
   * The detection curve: log10 p of the marking key against words of marked text, median (and 90th
   * percentile, the slow runs) over 40 runs of texts in random order.
   */
  static void curve(List<String> texts, Marker m) {
    int[] at = {250, 500, 750, 1000, 1500, 2000, 3000};
    List<List<Double>> byPoint = new java.util.ArrayList<>();
    for (int j = 0; j < at.length; j++) {
      byPoint.add(new java.util.ArrayList<>());
    }
    java.util.Random rnd = new java.util.Random(7);
    for (int run = 0; run < 40; run++) {
      List<String> shuffled = new java.util.ArrayList<>(texts);
      java.util.Collections.shuffle(shuffled, rnd);
      Units u = Units.standard();
      int j = 0;
      for (int i = 0; i < shuffled.size() && j < at.length; i++) {
        u.add("", m.mark("", shuffled.get(i)));
        while (j < at.length && u.words() >= at[j]) {
          byPoint.get(j++).add(Detector.score(u, m.key()).log10P());
        }
      }
    }
    StringBuilder sb = new StringBuilder("curve (words: median log10 p / 90th pct):");
    for (int j = 0; j < at.length; j++) {
      List<Double> v = byPoint.get(j);
      java.util.Collections.sort(v);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %d: %.1f / %.1f",
              at[j],
              v.get(v.size() / 2),
              v.get(Math.min(v.size() - 1, v.size() * 9 / 10))));
    }
    System.out.println(sb);
  }

  /** Share of words changed per answer of at least 50 words. */
  static void changedPerAnswer(List<String> texts, Marker m) {
    List<Double> shares = new java.util.ArrayList<>();
    for (String t : texts) {
      Marker.Stream s = m.open("");
      s.feed(t);
      s.finish();
      if (s.words() >= 50) {
        shares.add((double) s.changed() / s.words());
      }
    }
    java.util.Collections.sort(shares);
    System.out.printf(
        Locale.ROOT,
        "changed per answer (>= 50 words, %,d answers): median %.2f%% p99 %.2f%% max %.2f%%%n",
        shares.size(),
        100 * shares.get(shares.size() / 2),
        100 * shares.get(shares.size() * 99 / 100),
        100 * shares.get(shares.size() - 1));
  }

  public static void main(String[] args) {
    Marker m = Marker.of(MarkerTest.MASTER.member("figures"));
    Path folder = Corpus.folder();
    if (folder != null) {
      System.out.println("== prompts (../shared/data/prompts, English sets)");
      report(Corpus.texts(folder, 20), m);
    }
    Path handbook = Prose.handbook();
    if (handbook != null) {
      System.out.println("== answer-like prose (debian-handbook, en-US paragraphs)");
      report(Prose.paragraphs(handbook, 20), m);
    }
  }

  static void report(List<String> texts, Marker m) {
    Dictionary d = Dictionary.standard();
    long words = 0;
    long eligible = 0;
    long changed = 0;
    long dictWords = 0;
    Map<String, Integer> perPair = new HashMap<>();
    for (String t : texts) {
      Marker.Stream s = m.open("");
      s.feed(t);
      s.finish();
      words += s.words();
      eligible += s.eligible();
      changed += s.changed();
      for (String w : TextPass.words(t)) {
        if (d.pairOf(w) != null) {
          dictWords++;
        }
      }
    }
    Units u = Units.standard();
    for (String t : texts) {
      u.add("", t);
    }
    for (Units.Unit x : u.units()) {
      perPair.merge(x.pair().id(), x.countA() + x.countB(), Integer::sum);
    }
    System.out.printf(
        Locale.ROOT,
        "texts %,d  words %,d  eligible %,d (%.2f per 100 words)  changed %,d (%.2f%%)  "
            + "distinct dictionary words (per text) %,d  distinct units %,d%n",
        texts.size(),
        words,
        eligible,
        100.0 * eligible / words,
        changed,
        100.0 * changed / words,
        dictWords,
        u.units().size());
    wordsToDetect(texts, m);
    curve(texts, m);
    changedPerAnswer(texts, m);
    perPair.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(Integer.getInteger("figures.pairs", 40))
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %,8d%n", e.getKey(), e.getValue()));
  }
}
