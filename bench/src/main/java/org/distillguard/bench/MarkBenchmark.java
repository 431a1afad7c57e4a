package org.distillguard.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MasterKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost the watermark adds to a streamed answer, per chunk: an answer of about 600 words with
 * dictionary words, contractions, inline code and a code block, cut into chunks of about four
 * characters (a streamed token delta), marked through {@link Marker.Stream} (opening the stream,
 * keyed HMACs and all). The figure is the average time per chunk; {@code wholeAnswer} gives the
 * same work unchunked for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MarkBenchmark {
  static final String PARAGRAPH =
      "Sure, here is how it works. You can often use a loop for this, and it is usually the"
          + " simplest option. For example, if you need to modify a list while you iterate, it's"
          + " better to build a new one: `result = [f(x) for x in items]`. This doesn't change the"
          + " original, and it is exactly what most people expect. However, when the list is"
          + " large, perhaps you should choose a generator instead, because it will not keep"
          + " every element in memory at once. I cannot say which is faster without measuring;"
          + " it depends largely on what the function does. Especially for small inputs the"
          + " difference is nearly invisible, so don't worry about it too early.\n\n";
  static final String CODE = "```python\nfor x in items:\n    print(x)\n```\n\n";
  static final int CHUNK = 4;

  private final MarkKey key =
      MasterKey.of("benchmark master key 0123456789".getBytes(StandardCharsets.UTF_8)).member("m");
  private final Marker marker = Marker.of(key);
  private String[] chunks = new String[0];
  private String answer = "";

  static String answer() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      b.append(PARAGRAPH);
      if (i == 2) {
        b.append(CODE);
      }
    }
    return b.toString();
  }

  static List<String> chunksOf(String s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += CHUNK) {
      out.add(s.substring(i, Math.min(s.length(), i + CHUNK)));
    }
    return out;
  }

  @Setup
  public void setup() {
    answer = answer();
    chunks = chunksOf(answer).toArray(new String[0]);
    stream = marker.open("How do I transform a list in Python?");
    next = 0;
  }

  private Marker.Stream stream = marker.open("");
  private int next;

  /** One chunk through a long-lived stream (the answer's chunks over and over). */
  @Benchmark
  public String oneChunk() {
    String c = chunks[next];
    next = next + 1 == chunks.length ? 0 : next + 1;
    return stream.feed(c);
  }

  /** One whole answer streamed chunk by chunk, stream opened and finished: divide by chunks. */
  @Benchmark
  public int streamedAnswer() {
    Marker.Stream s = marker.open("How do I transform a list in Python?");
    int n = 0;
    for (String c : chunks) {
      n += s.feed(c).length();
    }
    return n + s.finish().length();
  }

  /** The same answer marked in one call. */
  @Benchmark
  public String wholeAnswer() {
    return marker.mark("How do I transform a list in Python?", answer);
  }
}
