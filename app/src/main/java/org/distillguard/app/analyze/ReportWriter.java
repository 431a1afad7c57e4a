package org.distillguard.app.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.distillguard.core.detect.Assessment;

/** Writes report.html from an analysis. */
final class ReportWriter {
  private ReportWriter() {}

  static void write(
      Analysis analysis, List<Assessment> all, List<String> inputs, int accounts, Path target)
      throws IOException {
    AnalyzeCommand.writeAtomically(
        target, w -> w.write("<!doctype html><title>DistillGuard</title>"));
  }
}
