package org.distillguard.intel.sanitize;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed MinHash sketches of the <em>template</em> behind a set of prompts.
 *
 * <p>Distillation campaigns send thousands of prompts built from a few templates ("Explain step by
 * step why {X}", "You are an expert in {Y}. Answer: {Z}"). The fixed part of a template recurs in
 * many prompts; the filled-in part does not. The sketcher therefore:
 *
 * <ol>
 *   <li>normalizes each prompt: Unicode NFKC, lower case, every run of digits replaced by {@code
 *       0}, everything that is not a letter or digit is a separator;
 *   <li>cuts it into word 3-shingles (a shorter prompt is one shingle);
 *   <li>keeps only the shingles that occur in at least {@code minShare} of the prompts <em>and</em>
 *       in at least {@code minPrompts} prompts: the template, not the content;
 *   <li>hashes each kept shingle with a keyed 64-bit hash (HMAC-SHA256 under the consortium's
 *       sketch key, first 8 bytes) and derives {@value TemplateSketch#SIZE} hash functions from it
 *       with keyed odd multipliers (the standard "one strong hash, many cheap permutations" trick);
 *   <li>keeps the minimum of each function's upper 32 bits.
 * </ol>
 *
 * <p>What leaves: 64 numbers that say nothing about the text to anyone without the key, and nothing
 * about the rare (user-specific) parts of the prompts even to a key holder, who can only confirm
 * guesses of shingles that many of the prompts shared.
 */
public final class PromptSketcher {
  private final byte[] key;
  private final String keyId;
  private final long[] mul = new long[TemplateSketch.SIZE];
  private final long[] add = new long[TemplateSketch.SIZE];

  public PromptSketcher(ConsortiumKey consortiumKey) {
    this.key = consortiumKey.sketchKey();
    this.keyId = consortiumKey.keyId();
    ByteBuffer seeds =
        ByteBuffer.wrap(
            concat(
                ConsortiumKey.hmac(key, "mul0".getBytes(StandardCharsets.UTF_8)),
                ConsortiumKey.hmac(key, "mul1".getBytes(StandardCharsets.UTF_8)),
                ConsortiumKey.hmac(key, "mul2".getBytes(StandardCharsets.UTF_8)),
                ConsortiumKey.hmac(key, "mul3".getBytes(StandardCharsets.UTF_8))));
    for (int i = 0; i < TemplateSketch.SIZE; i++) {
      // 128 bytes of seed material give 16 pairs; the rest are mixed from them.
      long a = seeds.getLong((i % 16) * 8);
      long b = seeds.getLong(((i + 5) % 16) * 8);
      mul[i] = mix(a + i * 0x9E3779B97F4A7C15L) | 1L;
      add[i] = mix(b ^ (i * 0xC2B2AE3D27D4EB4FL));
    }
  }

  /** Normalized word tokens of a prompt. */
  public static List<String> tokens(String prompt) {
    String s = Normalizer.normalize(prompt, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inDigits = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isDigit(cp)) {
        if (!inDigits) {
          cur.append('0');
          inDigits = true;
        }
      } else if (Character.isLetter(cp)) {
        cur.appendCodePoint(cp);
        inDigits = false;
      } else {
        inDigits = false;
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /** The distinct word 3-shingles of a prompt (one shingle for a prompt of fewer words). */
  public static List<String> shingles(String prompt) {
    return shingles(tokens(prompt));
  }

  /** The distinct word 3-shingles of normalized tokens ({@link #tokens}). */
  static List<String> shingles(List<String> t) {
    if (t.isEmpty()) {
      return List.of();
    }
    if (t.size() < 3) {
      return List.of(String.join(" ", t));
    }
    List<String> out = new ArrayList<>(t.size() - 2);
    for (int i = 0; i + 2 < t.size(); i++) {
      out.add(t.get(i) + ' ' + t.get(i + 1) + ' ' + t.get(i + 2));
    }
    return out.stream().distinct().toList();
  }

  /**
   * A sketch of the template shared by {@code prompts}.
   *
   * @param minShare fraction of prompts a shingle must occur in to count as template (e.g. 0.05)
   * @param minPrompts absolute number of prompts it must occur in (e.g. 3)
   */
  public TemplateSketch templateSketch(List<String> prompts, double minShare, int minPrompts) {
    Map<String, Integer> df = new HashMap<>();
    for (String p : prompts) {
      for (String sh : shingles(p)) {
        df.merge(sh, 1, Integer::sum);
      }
    }
    int threshold = Math.max(minPrompts, (int) Math.ceil(minShare * prompts.size()));
    int[] minima = new int[TemplateSketch.SIZE];
    Arrays.fill(minima, -1); // 0xffffffff: "no shingle" and the unsigned maximum
    int kept = 0;
    Mac m = mac();
    for (Map.Entry<String, Integer> e : df.entrySet()) {
      if (e.getValue() < threshold) {
        continue;
      }
      kept++;
      update(minima, baseHash(m, e.getKey()));
    }
    return new TemplateSketch(keyId, minima, kept, prompts.size());
  }

  /** A sketch of one prompt's shingles (used to compare a single request with a template). */
  public TemplateSketch promptSketch(String prompt) {
    int[] minima = new int[TemplateSketch.SIZE];
    Arrays.fill(minima, -1);
    Mac m = mac();
    List<String> sh = shingles(prompt);
    for (String s : sh) {
      update(minima, baseHash(m, s));
    }
    return new TemplateSketch(keyId, minima, sh.size(), 1);
  }

  private void update(int[] minima, long base) {
    for (int i = 0; i < minima.length; i++) {
      int h = (int) (mix(base * mul[i] + add[i]) >>> 32);
      if (Integer.compareUnsigned(h, minima[i]) < 0) {
        minima[i] = h;
      }
    }
  }

  static long baseHash(Mac m, String shingle) {
    return ByteBuffer.wrap(m.doFinal(shingle.getBytes(StandardCharsets.UTF_8))).getLong();
  }

  Mac mac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Stafford's variant 13 of the SplitMix64 finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  public String keyId() {
    return keyId;
  }

  /** The keyed odd multipliers of the 64 hash functions (shared, never modified). */
  long[] multipliers() {
    return mul;
  }

  /** The keyed addends of the 64 hash functions (shared, never modified). */
  long[] addends() {
    return add;
  }
}
