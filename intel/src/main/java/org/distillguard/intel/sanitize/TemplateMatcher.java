package org.distillguard.intel.sanitize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * Compares single prompts with campaigns' keyed template sketches, for the gateway's request path.
 *
 * <p>A template sketch holds, for each of its 64 keyed hash functions, the minimum over the
 * template's shingles; the shingle reaching it is a uniformly drawn member of the template. So the
 * fraction of positions where that minimum is also produced by one of the prompt's shingles
 * estimates how much of the template the prompt contains ({@code |T ∩ P| / |T|}); multiplied by the
 * template's size it estimates the shared shingles, and divided by the prompt's shingles, how much
 * of the prompt is template text. A request matches a template when enough of its prompt is
 * template (so a long benign prompt that happens to share a stock phrase does not), and the overlap
 * is several shingles (so a three-word prompt does not).
 *
 * <p>Cost: one keyed hash per prompt shingle (the prompt is cut at {@link #MAX_WORDS} words), then
 * 64 multiply-and-mix steps per shingle and a probe only where the value is below the largest
 * template minimum at that position (rare). Immutable and thread-safe.
 */
public final class TemplateMatcher {
  /**
   * Words of a prompt looked at (of its first {@code 25 ×} this many characters): bounds the work.
   */
  public static final int MAX_WORDS = 160;

  /** At least this share of the prompt's shingles must be template shingles. */
  public static final double MIN_PROMPT_SHARE = 0.5;

  /** At least this many shared shingles (estimated). */
  public static final double MIN_OVERLAP = 6;

  /** At least this many of the 64 positions must agree. */
  public static final int MIN_POSITIONS = 8;

  /**
   * Prompts of fewer shingles are never compared: a short question shares its few shingles with any
   * large template by chance ("what is the …").
   */
  public static final int MIN_SHINGLES = 8;

  /** A template a prompt matched: its index in the list given and the estimates. */
  public record Hit(int index, int positions, double overlap, double promptShare) {}

  private final PromptSketcher sketcher;
  private final String keyId;
  private final int count;
  private final int[] sizes;
  private final int[] maxMin = new int[TemplateSketch.SIZE];
  private final Map<Long, int[]> byValue = new HashMap<>();
  private final ThreadLocal<Mac> mac;

  /**
   * @param minima each template's 64 minima (see {@link TemplateSketch#parseHex}); sketches under
   *     another key than the sketcher's never match and are left out by the caller
   * @param shingles each template's number of shingles
   */
  public TemplateMatcher(PromptSketcher sketcher, List<int[]> minima, List<Integer> shingles) {
    if (minima.size() != shingles.size()) {
      throw new IllegalArgumentException("one size per sketch");
    }
    this.sketcher = sketcher;
    this.keyId = sketcher.keyId();
    this.count = minima.size();
    this.sizes = new int[count];
    Map<Long, List<Integer>> index = new HashMap<>();
    for (int t = 0; t < count; t++) {
      int[] m = minima.get(t);
      if (m.length != TemplateSketch.SIZE) {
        throw new IllegalArgumentException("a sketch has " + TemplateSketch.SIZE + " minima");
      }
      sizes[t] = Math.max(1, shingles.get(t));
      for (int i = 0; i < TemplateSketch.SIZE; i++) {
        if (m[i] == -1) {
          continue; // "no shingle"
        }
        if (Integer.compareUnsigned(m[i], maxMin[i]) > 0) {
          maxMin[i] = m[i];
        }
        index.computeIfAbsent(key(i, m[i]), k -> new ArrayList<>()).add(t);
      }
    }
    index.forEach(
        (k, v) -> byValue.put(k, v.stream().mapToInt(Integer::intValue).distinct().toArray()));
    this.mac = ThreadLocal.withInitial(sketcher::mac);
  }

  public String keyId() {
    return keyId;
  }

  /** Number of templates. */
  public int size() {
    return count;
  }

  /** The template the prompt matches best, or null if it matches none. */
  public @Nullable Hit match(String prompt) {
    if (count == 0 || prompt.isEmpty()) {
      return null;
    }
    // Words are rarely longer than 25 characters: cut before normalizing, so a huge prompt costs
    // no more than its start.
    String head = prompt.length() > MAX_WORDS * 25 ? prompt.substring(0, MAX_WORDS * 25) : prompt;
    List<String> words = PromptSketcher.tokens(head);
    if (words.size() > MAX_WORDS) {
      words = words.subList(0, MAX_WORDS);
    }
    if (words.size() < MIN_SHINGLES + 2) {
      return null;
    }
    List<String> shingles = PromptSketcher.shingles(words);
    if (shingles.size() < MIN_SHINGLES) {
      return null;
    }
    int[] hits = new int[count];
    Mac m = mac.get();
    long[] mul = sketcher.multipliers();
    long[] add = sketcher.addends();
    for (String s : shingles) {
      long base = PromptSketcher.baseHash(m, s);
      for (int i = 0; i < TemplateSketch.SIZE; i++) {
        int h = (int) (PromptSketcher.mix(base * mul[i] + add[i]) >>> 32);
        if (Integer.compareUnsigned(h, maxMin[i]) <= 0) {
          int[] ts = byValue.get(key(i, h));
          if (ts != null) {
            for (int t : ts) {
              hits[t]++;
            }
          }
        }
      }
    }
    Hit best = null;
    for (int t = 0; t < count; t++) {
      if (hits[t] < MIN_POSITIONS) {
        continue;
      }
      double overlap = hits[t] / (double) TemplateSketch.SIZE * sizes[t];
      double share = Math.min(1.0, overlap / shingles.size());
      if (overlap >= MIN_OVERLAP
          && share >= MIN_PROMPT_SHARE
          && (best == null || share > best.promptShare())) {
        best = new Hit(t, hits[t], overlap, share);
      }
    }
    return best;
  }

  private static long key(int position, int value) {
    return ((long) position << 32) | (value & 0xFFFFFFFFL);
  }

  @Override
  public String toString() {
    return "TemplateMatcher[" + count + " templates, sizes " + Arrays.toString(sizes) + "]";
  }
}
