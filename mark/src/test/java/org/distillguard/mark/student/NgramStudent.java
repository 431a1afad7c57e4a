package org.distillguard.mark.student;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A student model that can be trained and sampled without a GPU: an interpolated trigram language
 * model over whitespace-separated tokens (punctuation stays on its word, as the watermark sees it).
 *
 * <p>{@code P(w | u v) = l3 P3(w | u v) + l2 P2(w | v) + l1 P1(w)}, maximum-likelihood estimates,
 * with the weight of an unseen context moved to the lower orders. Sampling picks an order with its
 * weight, then a word from that order's counts: exact sampling from the mixture. Like a neural
 * student it learns which word follows which context, so a keyed choice ("frequently" after "very")
 * in its training data becomes its own habit. Counting is done by sorting packed trigram keys, so a
 * million-token corpus trains in well under a second.
 */
public final class NgramStudent {
  static final int BOS = 0;
  static final int EOS = 1;
  private static final double L3 = 0.7;
  private static final double L2 = 0.25;
  private static final int BITS = 21;
  private static final long MASK = (1L << BITS) - 1;

  /** Token ids shared by all students of one experiment. */
  public static final class Vocab {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> words = new ArrayList<>(List.of("<s>", "</s>"));

    public Vocab() {
      ids.put("<s>", BOS);
      ids.put("</s>", EOS);
    }

    public int[] encode(String text) {
      String s = text.strip();
      if (s.isEmpty()) {
        return new int[0];
      }
      String[] toks = s.split("\\s+");
      int[] out = new int[toks.length];
      for (int i = 0; i < toks.length; i++) {
        Integer id = ids.get(toks[i]);
        if (id == null) {
          id = words.size();
          if (id > MASK) {
            throw new IllegalStateException("vocabulary too large");
          }
          ids.put(toks[i], id);
          words.add(toks[i]);
        }
        out[i] = id;
      }
      return out;
    }

    String word(int id) {
      return words.get(id);
    }
  }

  private final Vocab vocab;
  private long[] keys = new long[1 << 16];
  private int size;
  private final Map<Long, int[]> triIndex = new HashMap<>();
  private final Map<Long, int[]> biIndex = new HashMap<>();
  private int[] triWords = new int[0];
  private int[] triCum = new int[0];
  private int[] biWords = new int[0];
  private int[] biCum = new int[0];
  private int[] uniWords = new int[0];
  private int[] uniCum = new int[0];

  public NgramStudent(Vocab vocab) {
    this.vocab = vocab;
  }

  /** Trains on one encoded text. */
  public void train(int[] toks) {
    int u = BOS;
    int v = BOS;
    for (int i = 0; i <= toks.length; i++) {
      int w = i < toks.length ? toks[i] : EOS;
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
      }
      keys[size++] = ((long) u << (2 * BITS)) | ((long) v << BITS) | w;
      u = v;
      v = w;
    }
  }

  /** Builds the sampling tables; call once after training. */
  public NgramStudent freeze() {
    long[] k = Arrays.copyOf(keys, size);
    keys = new long[0];
    Arrays.sort(k);
    // trigram table: runs of equal (u, v) in sorted order
    int[] tw = new int[k.length];
    int[] tc = new int[k.length];
    int n = 0;
    for (int i = 0; i < k.length; ) {
      long ctx = k[i] >>> BITS;
      int start = n;
      int cum = 0;
      while (i < k.length && (k[i] >>> BITS) == ctx) {
        long key = k[i];
        int c = 0;
        while (i < k.length && k[i] == key) {
          c++;
          i++;
        }
        cum += c;
        tw[n] = (int) (key & MASK);
        tc[n++] = cum;
      }
      triIndex.put(ctx, new int[] {start, n});
    }
    triWords = Arrays.copyOf(tw, n);
    triCum = Arrays.copyOf(tc, n);
    // bigram and unigram tables: re-sort (v, w) and (w)
    long[] b = new long[k.length];
    long[] un = new long[k.length];
    for (int i = 0; i < k.length; i++) {
      b[i] = k[i] & ((1L << (2 * BITS)) - 1);
      un[i] = k[i] & MASK;
    }
    Arrays.sort(b);
    Arrays.sort(un);
    int[][] bt = table(b, biIndex);
    biWords = bt[0];
    biCum = bt[1];
    int[][] ut = table(un, new HashMap<>());
    uniWords = ut[0];
    uniCum = ut[1];
    return this;
  }

  private static int[][] table(long[] sorted, Map<Long, int[]> index) {
    int[] w = new int[sorted.length];
    int[] c = new int[sorted.length];
    int n = 0;
    for (int i = 0; i < sorted.length; ) {
      long ctx = sorted[i] >>> BITS;
      int start = n;
      int cum = 0;
      while (i < sorted.length && (sorted[i] >>> BITS) == ctx) {
        long key = sorted[i];
        int cnt = 0;
        while (i < sorted.length && sorted[i] == key) {
          cnt++;
          i++;
        }
        cum += cnt;
        w[n] = (int) (key & MASK);
        c[n++] = cum;
      }
      index.put(ctx, new int[] {start, n});
    }
    return new int[][] {Arrays.copyOf(w, n), Arrays.copyOf(c, n)};
  }

  /** Samples one text of at most {@code maxTokens} tokens. */
  public String sample(Random r, int maxTokens) {
    StringBuilder b = new StringBuilder();
    int u = BOS;
    int v = BOS;
    for (int n = 0; n < maxTokens; n++) {
      int[] t3 = triIndex.get(((long) u << BITS) | v);
      int[] t2 = biIndex.get((long) v);
      double x = r.nextDouble();
      int w;
      if (t3 != null && x < L3) {
        w = draw(triWords, triCum, t3[0], t3[1], r);
      } else if (t2 != null && x < L3 + L2) {
        w = draw(biWords, biCum, t2[0], t2[1], r);
      } else {
        w = draw(uniWords, uniCum, 0, uniWords.length, r);
      }
      if (w == EOS) {
        break;
      }
      if (w == BOS) {
        continue;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(vocab.word(w));
      u = v;
      v = w;
    }
    return b.toString();
  }

  private static int draw(int[] words, int[] cum, int from, int to, Random r) {
    int x = r.nextInt(cum[to - 1]);
    int lo = from;
    int hi = to - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return words[lo];
  }
}
