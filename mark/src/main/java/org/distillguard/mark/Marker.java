package org.distillguard.mark;

/**
 * Applies the keyed lexical watermark to answer text, whole or as a stream.
 *
 * <p>In every eligible (pair, context) unit the word is replaced by the key's choice, {@code
 * HMAC(key, pair, previous word)}. The context is the previous word in canonical form (see {@link
 * Dictionary#canonical}), so a text marked twice is unchanged the second time and a stream gives
 * the same text however it is chunked. Typical answers change well under 2% of their words.
 *
 * <p>Idea: He et al., "Protecting intellectual property of language generation APIs with lexical
 * watermark" (AAAI 2022), and CATER (He et al., NeurIPS 2022); fixed here: curated pairs instead of
 * raw WordNet synonyms, context-keyed choices instead of one global rule table, protected spans,
 * and streaming. Thread-safe: a {@code Marker} is immutable; each {@link Stream} is for one thread.
 */
public final class Marker {
  private final Dictionary dictionary;
  private final MarkKey key;

  private Marker(Dictionary dictionary, MarkKey key) {
    this.dictionary = dictionary;
    this.key = key;
  }

  /** A marker with the shipped dictionary. */
  public static Marker of(MarkKey key) {
    return new Marker(Dictionary.standard(), key);
  }

  /** A marker with a given dictionary. */
  public static Marker of(Dictionary dictionary, MarkKey key) {
    return new Marker(dictionary, key);
  }

  public MarkKey key() {
    return key;
  }

  /** Marks a whole answer to {@code prompt} (the user's text the answer replies to; may be ""). */
  public String mark(String prompt, String answer) {
    Stream s = open(prompt);
    return s.feed(answer) + s.finish();
  }

  /**
   * Opens a stream for one answer. Feed each chunk as it arrives from upstream and send on what
   * {@link Stream#feed} returns; call {@link Stream#finish} at the end of the answer.
   */
  public Stream open(String prompt) {
    return new Stream(dictionary, key, prompt);
  }

  /** One answer being marked. Not thread-safe. */
  public static final class Stream {
    private final TextPass pass;
    private int changed;

    Stream(Dictionary dictionary, MarkKey key, String prompt) {
      MarkKey.Chooser chooser = key.chooser();
      this.pass =
          new TextPass(
              dictionary,
              prompt,
              (pair, context, lower) -> {
                String target = chooser.choosesB(pair.id(), context) ? pair.b() : pair.a();
                if (!target.equals(lower)) {
                  changed++;
                }
                return target;
              });
    }

    /** Feeds a chunk; returns the marked text that can be sent now (possibly empty). */
    public String feed(CharSequence chunk) {
      return pass.feed(chunk);
    }

    /** Ends the answer; returns the rest of the marked text. */
    public String finish() {
      return pass.finish();
    }

    /** Characters held back now: the word being received and at most one complete word. */
    public int heldBack() {
      return pass.heldBack();
    }

    /** Plain words seen so far. */
    public long words() {
      return pass.words();
    }

    /** Eligible units seen so far. */
    public long eligible() {
      return pass.eligible();
    }

    /** Words replaced so far. */
    public int changed() {
      return changed;
    }
  }
}
