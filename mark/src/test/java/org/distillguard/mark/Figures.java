package org.distillguard.mark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Prints the figures of docs/WATERMARK.md that are measured on the shared corpus (density,
 * quality). Run from the repository root; see docs/WATERMARK.md for the command.
 */
public final class Figures {
  private Figures() {}

  public static void main(String[] args) {
    Path folder = Objects.requireNonNull(Corpus.folder(), "no ../shared/data/prompts");
    List<String> texts = Corpus.texts(folder, 20);
    Dictionary d = Dictionary.standard();
    Marker m = Marker.of(MarkerTest.MASTER.member("figures"));
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
    perPair.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(60)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %,8d%n", e.getKey(), e.getValue()));
  }
}
