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
    FeatureSink sink = new FeatureSink();
    features(prompt, sink);
    if (sink.count == 0) {
      return 0.5f;
    }
    double z = prior + 3.0 * sink.sum / Math.sqrt(sink.count);
    return (float) (1 / (1 + Math.exp(-z)));
  }

  private final class FeatureSink implements FeatureConsumer {
    double sum;
    int count;

    @Override
    public void accept(int bucket) {
      sum += logOdds[bucket];
      count++;
    }
  }

  /** Receives feature buckets. */
  interface FeatureConsumer {
    void accept(int bucket);
  }

  /** Emits the hashed features of a prompt: shape, unigrams, bigrams (first 200 words). */
  static void features(String prompt, FeatureConsumer out) {
    String s = prompt.strip();
    if (s.isEmpty()) {
      return;
    }
    int len = s.length();
    out.accept(bucket(0x51, len < 20 ? 0 : len < 60 ? 1 : len < 200 ? 2 : len < 1000 ? 3 : 4));
    out.accept(bucket(0x52, Character.isUpperCase(s.charAt(0)) ? 1 : 0));
    char last = s.charAt(len - 1);
    out.accept(bucket(0x53, last == '?' ? 0 : last == '.' ? 1 : last == ':' ? 2 : 3));
    out.accept(bucket(0x54, s.indexOf('\n') >= 0 ? 1 : 0));
    long prev = 0;
    int words = 0;
    int i = 0;
    while (i < len && words < 200) {
      while (i < len && !Character.isLetterOrDigit(s.charAt(i))) {
        i++;
      }
      if (i >= len) {
        break;
      }
      long h = 0xcbf29ce484222325L;
      while (i < len && Character.isLetterOrDigit(s.charAt(i))) {
        char c = Character.toLowerCase(s.charAt(i));
        h = (h ^ (Character.isDigit(c) ? '0' : c)) * 0x100000001B3L;
        i++;
      }
      if (words == 0) {
        out.accept(bucket(0x55, h)); // the first word: "Generate", "Write", "what", "hi"
      }
      out.accept(bucket(0x56, h));
      if (words > 0) {
        out.accept(bucket(0x57, h * 31 + prev));
      }
      prev = h;
      words++;
    }
  }

  private static int bucket(long kind, long h) {
    return (int) (Hashing.mix(h * 0x9E3779B97F4A7C15L + kind) >>> (64 - BITS));
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
