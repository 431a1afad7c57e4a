package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium, for the tests that render a page DistillGuard writes (probe.html
 * here, report.html in app, through this module's test-jar). No network is of use to it: the pages
 * are self-contained, and a page that tried to fetch anything would render without it.
 */
public final class HeadlessChromium {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private HeadlessChromium() {}

  /** Skips the calling test class where Chromium is not installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "skipped: " + CHROMIUM + " is not installed (apt-get install chromium)");
  }

  /**
   * Opens {@code page} with {@code action} (e.g. {@code --dump-dom}, {@code --screenshot=...}) in a
   * fresh profile under {@code work}; returns what Chromium printed, and fails with its log if it
   * exits with an error or does not finish in two minutes.
   */
  public static String run(Path work, Path page, String... action)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(work, "profile")));
    cmd.addAll(List.of(action));
    cmd.add(page.toUri().toString());
    Path log = work.resolve("chromium.log");
    Path stdout = Files.createTempFile(work, "dom", ".html");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(log));
    }
    assertThat(p.exitValue()).as("chromium exit code; log:%n%s", Files.readString(log)).isZero();
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }
}
