package org.distillguard.core.text;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How much a prompt reads like a generated instruction (Alpaca, self-instruct, templated NLP tasks)
 * rather than something a person typed: a multinomial naive Bayes over hashed word unigrams, word
 * bigrams and a few shape features, trained on the {@code distill} and {@code organic} prompt sets.
 *
 * <p>It is one weak signal among many: a distiller can send human prompts (as Vicuna did with
 * ShareGPT), and an enterprise pipeline sends instructions. Log-odds are averaged over the prompt's
 * features, so long prompts do not get extreme scores merely for being long.
 *
 * <p>Trained by {@link StyleModelTrainer}; the shipped model is the resource {@code
 * style-model.bin}. Its held-out accuracy is checked by a test.
 */
public final class StyleModel {
  static final int BITS = 16;
  static final int SIZE = 1 << BITS;
  private static final int MAGIC = 0x44475331; // "DGS1"
  private static final String RESOURCE = "/org/distillguard/core/text/style-model.bin";

  private final float[] logOdds;
  private final float prior;

  StyleModel(float[] logOdds, float prior) {
    if (logOdds.length != SIZE) {
      throw new IllegalArgumentException("expected " + SIZE + " weights");
    }
    this.logOdds = logOdds;
    this.prior = prior;
  }

  /** A model that knows nothing: every prompt scores 0.5. */
  public static StyleModel neutral() {
    return new StyleModel(new float[SIZE], 0f);
  }

  /** The model shipped with DistillGuard, or {@link #neutral()} if the resource is absent. */
  public static StyleModel shipped() {
    try (InputStream in = StyleModel.class.getResourceAsStream(RESOURCE)) {
      return in == null ? neutral() : read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped style model", e);
    }
  }

  /** Probability-like score in [0,1] that the prompt is a generated instruction. */
  public float score(String prompt) {
    Accumulator acc = new Accumulator(prompt);
    Tokens.scan(prompt, (h, digits) -> acc.word(h));
    return acc.finish();
  }

  /**
   * Scores a prompt fed word by word, so that the analyzer can share its single pass over the text:
   * {@code new Accumulator(prompt)}, {@link Accumulator#word} for each word, then {@link
   * Accumulator#finish}.
   */
  final class Accumulator implements FeatureConsumer {
    private double sum;
    private int count;
    private final ShapeAndWords features;

    Accumulator(String prompt) {
      this.features = new ShapeAndWords(prompt, this);
    }

    void word(long h) {
      features.word(h);
    }

    @Override
    public void accept(int bucket) {
      sum += logOdds[bucket];
      count++;
    }

    float finish() {
      if (count == 0) {
        return 0.5f;
      }
      double z = prior + 3.0 * sum / Math.sqrt(count);
      return (float) (1 / (1 + Math.exp(-z)));
    }
  }

  /** Receives feature buckets. */
  interface FeatureConsumer {
    void accept(int bucket);
  }

  /** Emits the hashed features of a prompt: shape, then first word, unigrams, bigrams. */
  static void features(String prompt, FeatureConsumer out) {
    ShapeAndWords f = new ShapeAndWords(prompt, out);
    Tokens.scan(prompt, (h, digits) -> f.word(h));
  }

  /** Shape features at construction, word features as words arrive (the first 200 count). */
  private static final class ShapeAndWords {
    private static final int MAX_WORDS = 200;
    private final FeatureConsumer out;
    private long prev;
    private int words;

    ShapeAndWords(String prompt, FeatureConsumer out) {
      this.out = out;
      // The prompt as String.strip() would leave it, without copying it: strip() tests code
      // points, but no supplementary code point and no surrogate is white space, so chars do.
      int from = 0;
      int to = prompt.length();
      while (from < to && Character.isWhitespace(prompt.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(prompt.charAt(to - 1))) {
        to--;
      }
      if (from == to) {
        words = MAX_WORDS; // nothing to score
        return;
      }
      int len = to - from;
      out.accept(bucket(0x51, len < 20 ? 0 : len < 60 ? 1 : len < 200 ? 2 : len < 1000 ? 3 : 4));
      out.accept(bucket(0x52, Character.isUpperCase(prompt.charAt(from)) ? 1 : 0));
      char last = prompt.charAt(to - 1);
      out.accept(bucket(0x53, last == '?' ? 0 : last == '.' ? 1 : last == ':' ? 2 : 3));
      int newline = prompt.indexOf('\n', from);
      out.accept(bucket(0x54, newline >= 0 && newline < to ? 1 : 0));
    }

    void word(long h) {
      if (words >= MAX_WORDS) {
        return;
      }
      if (words == 0) {
        out.accept(bucket(0x55, h)); // the first word: "Generate", "Write", "what", "hi"
      }
      out.accept(bucket(0x56, h));
      if (words > 0) {
        out.accept(bucket(0x57, h * 31 + Long.rotateLeft(prev, 17)));
      }
      prev = h;
      words++;
    }
  }

  private static int bucket(long kind, long h) {
    return Hashing.spread(h ^ (kind * 0xC2B2AE3D27D4EB4FL), BITS);
  }

  static StyleModel read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a style model");
    }
    float prior = in.readFloat();
    float[] w = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      w[i] = in.readFloat();
    }
    return new StyleModel(w, prior);
  }

  /** Writes the model in the format {@link #shipped()} reads. */
  public void write(OutputStream raw) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(raw);
    DataOutputStream out = new DataOutputStream(gz);
    out.writeInt(MAGIC);
    out.writeFloat(prior);
    for (float v : logOdds) {
      out.writeFloat(v);
    }
    out.flush();
    gz.finish();
  }
}
