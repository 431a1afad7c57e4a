package org.distillguard.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distillguard.mark.HeadlessChromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the report in a real headless Chromium: the page must lay out and show its summary with
 * networking of no use to it. Skips itself where Chromium is not installed.
 */
@Tag("slow")
class HtmlReportBrowserTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsChromium() {
    HeadlessChromium.assumeInstalled();
  }

  @Test
  void chromiumRendersTheSummaryAndCharts() throws Exception {
    Path page = dir.resolve("report.html");
    try (Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
      HtmlReport.write(SampleReports.full(), w);
    }
    Path png = dir.resolve("report.png");
    String dom = chromium(page, "--dump-dom");
    assertThat(dom)
        .contains("<h2>Summary</h2>")
        .contains("1,234,567")
        .contains("<svg")
        .contains("&lt;script&gt;")
        .doesNotContain("<script>alert");
    chromium(page, "--screenshot=" + png, "--window-size=1280,3000");
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
    // Keep a copy for people to look at: target/report-sample.{html,png}
    Path target = Path.of(System.getProperty("java.io.tmpdir"));
    Files.copy(
        page,
        target.resolve("report-sample.html"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        png,
        target.resolve("report-sample.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private String chromium(Path page, String... action) throws Exception {
    return HeadlessChromium.run(dir, page, action);
  }
}
