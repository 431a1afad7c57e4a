package org.distillguard.app.analyze;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a score-over-requests timeline for the accounts that drew attention (score at least {@code
 * from}), starting at the request where they did. Each timeline holds at most {@code 2 * CAP}
 * points: when full, every other point is dropped and only every second request is kept from then
 * on, so a long history costs constant memory and still shows its shape.
 */
final class TimelineRecorder {
  static final int CAP = 128;

  private final double from;
  private final Map<String, Line> lines = new HashMap<>();

  TimelineRecorder(double from) {
    this.from = from;
  }

  void record(String account, long request, long timeMillis, double score) {
    Line l = lines.get(account);
    if (l == null) {
      if (score < from) {
        return;
      }
      l = new Line();
      lines.put(account, l);
    }
    l.add(request, timeMillis, (float) score);
  }

  @Nullable Line get(String account) {
    return lines.get(account);
  }

  /** One account's points. */
  static final class Line {
    // Start small and double up to 2 * CAP: most lines belong to accounts that sent a handful of
    // requests, and a million of them must not cost five kilobytes each.
    long[] request = new long[8];
    long[] time = new long[8];
    float[] score = new float[8];
    int size;
    int stride = 1;
    private long seen;

    void add(long req, long t, float s) {
      if (seen++ % stride != 0) {
        return;
      }
      if (size == request.length && size < 2 * CAP) {
        request = Arrays.copyOf(request, size * 2);
        time = Arrays.copyOf(time, size * 2);
        score = Arrays.copyOf(score, size * 2);
      } else if (size == request.length) {
        for (int i = 0; i < size / 2; i++) {
          request[i] = request[2 * i];
          time[i] = time[2 * i];
          score[i] = score[2 * i];
        }
        size /= 2;
        stride *= 2;
        seen = 1;
      }
      request[size] = req;
      time[size] = t;
      score[size] = s;
      size++;
    }

    long[] requests() {
      return Arrays.copyOf(request, size);
    }

    long[] times() {
      return Arrays.copyOf(time, size);
    }

    float[] scores() {
      return Arrays.copyOf(score, size);
    }
  }
}
