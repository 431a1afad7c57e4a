package org.distillguard.mark.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.mark.HeadlessChromium;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MarkerTest;
import org.distillguard.mark.SampleText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders probe.html in a real headless Chromium with no network: the verdict, the tables and the
 * curve must be there. Skips itself where Chromium is not installed; leaves target/probe-sample.png
 * for people to look at.
 */
@Tag("slow")
class ProbeReportBrowserTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsChromium() {
    HeadlessChromium.assumeInstalled();
  }

  @Test
  void chromiumRendersTheVerdictTablesAndCurve() throws Exception {
    MarkKey key = MarkerTest.MASTER.campaign("c-<17>");
    Marker m = Marker.of(key);
    List<SuspectOutput> outs = new ArrayList<>();
    int i = 0;
    for (String t : SampleText.paragraphs(80, 31)) {
      outs.add(new SuspectOutput("o" + i++, "", m.mark("", t)));
    }
    List<MarkKey> decoys = new ArrayList<>();
    for (int d = 0; d < 50; d++) {
      decoys.add(MarkerTest.MASTER.decoy(d));
    }
    Probe.Result r = Probe.run("suspect.jsonl", outs, List.of(key), decoys, null);
    Path page = dir.resolve("probe.html");
    try (Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
      ProbeReport.write(r, "distillguard probe", w);
    }
    String dom = chromium(page, "--dump-dom");
    assertThat(dom)
        .contains("Watermark detected")
        .contains("campaign:c-&lt;17&gt;")
        .contains("<polyline")
        .contains("What this proves and what it does not");
    Path png = dir.resolve("probe.png");
    chromium(page, "--screenshot=" + png, "--window-size=1100,1700");
    assertThat(Files.size(png)).isGreaterThan(10_000);
    Files.copy(
        png,
        Path.of(System.getProperty("java.io.tmpdir")).resolve("probe-sample.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private String chromium(Path page, String... action) throws Exception {
    return HeadlessChromium.run(dir, page, action);
  }
}
