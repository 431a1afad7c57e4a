package org.distillguard.app.analyze;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LogProblem;
import org.distillguard.core.io.ParallelLogReader;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/**
 * One run of the batch detector over log files: parsing and text analysis in parallel, the detector
 * on the calling thread in file order (so results do not depend on the thread count).
 */
final class Analysis implements ParallelLogReader.Consumer<Observation> {
  /** Score from which an account's timeline is kept for the report. */
  static final double TIMELINE_FROM = 0.3;

  private final Detector detector;
  private final boolean strict;
  private final int problemsShown;
  private final PrintWriter err;
  private final TimelineRecorder timelines = new TimelineRecorder(TIMELINE_FROM);

  long events;
  long invalid;
  long firstEvent = Exchange.NO_TIME;
  long lastEvent = Exchange.NO_TIME;
  long outOfOrder;
  final List<LogProblem> problems = new ArrayList<>();
  @Nullable LogProblem stoppedAt;

  Analysis(Detector detector, boolean strict, int problemsShown, PrintWriter err) {
    this.detector = detector;
    this.strict = strict;
    this.problemsShown = problemsShown;
    this.err = err;
  }

  /** Reads all inputs; returns normally also when strict mode stopped at a bad line. */
  void run(List<String> inputs, int threads, int maxLineBytes, @Nullable ProgressHook hook)
      throws InputException {
    PromptAnalyzer analyzer = detector.analyzer();
    ParallelLogReader<Observation> reader =
        new ParallelLogReader<>(inputs, e -> Observation.of(e, analyzer), threads, maxLineBytes);
    if (hook == null) {
      reader.run(this);
      return;
    }
    try (ProgressBar bar =
        new ProgressBar(err, reader::bytesRead, reader::totalBytes, () -> events)) {
      hook.started(bar);
      reader.run(this);
    }
  }

  @Override
  public void accept(Observation o) {
    events++;
    long t = o.timeMillis();
    if (firstEvent == Exchange.NO_TIME || t < firstEvent) {
      firstEvent = t;
    }
    if (lastEvent != Exchange.NO_TIME && t < lastEvent) {
      outOfOrder++;
    }
    if (lastEvent == Exchange.NO_TIME || t > lastEvent) {
      lastEvent = t;
    }
    detector.observe(o);
    timelines.record(o.account(), detector.lastRequests(), t, detector.lastScore());
  }

  @Override
  public boolean problem(LogProblem p) {
    invalid++;
    if (problems.size() < problemsShown) {
      problems.add(p);
      err.println((strict ? "distillguard: invalid line " : "distillguard: skipped ") + p);
      err.flush();
    }
    if (strict) {
      stoppedAt = p;
      return false;
    }
    return true;
  }

  Detector detector() {
    return detector;
  }

  TimelineRecorder timelines() {
    return timelines;
  }

  Map<Verdict, Long> verdictCounts() {
    Map<Verdict, Long> m = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      m.put(v, 0L);
    }
    detector.assessments().forEach(a -> m.merge(a.verdict(), 1L, Long::sum));
    return m;
  }

  /** Lets the command know the progress bar is up (tests use it to observe the run). */
  interface ProgressHook {
    void started(ProgressBar bar);
  }
}
