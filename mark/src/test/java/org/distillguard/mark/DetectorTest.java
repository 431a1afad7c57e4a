package org.distillguard.mark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorTest {
  static final MasterKey MASTER = MarkerTest.MASTER;

  @Test
  void findsTheKeyInMarkedTextAndNotInUnmarked() {
    Marker m = Marker.of(MASTER.member("owner"));
    Units marked = Units.standard();
    Units plain = Units.standard();
    for (String t : SampleText.paragraphs(400, 11)) {
      marked.add("", m.mark("", t));
      plain.add("", t);
    }
    Detector.Score s = Detector.score(marked, MASTER.member("owner"));
    assertThat(s.units()).isGreaterThan(50);
    assertThat(s.agree()).isEqualTo(s.units());
    assertThat(s.log10P()).isLessThan(-6);
    assertThat(Detector.score(plain, MASTER.member("owner")).log10P()).isGreaterThan(-4);
    assertThat(Detector.score(marked, MASTER.member("someone else")).log10P()).isGreaterThan(-4);
  }

  @Test
  void countsARepeatedSentenceOnce() {
    Marker m = Marker.of(MASTER.member("owner"));
    String sentence = m.mark("", "You can often use it, and maybe you need to modify it.");
    Units u = Units.standard();
    for (int i = 0; i < 10_000; i++) {
      u.add("", sentence);
    }
    Detector.Score s = Detector.score(u, MASTER.member("owner"));
    assertThat(u.occurrences()).isGreaterThanOrEqualTo(30_000);
    assertThat(s.units()).isLessThanOrEqualTo(4);
    assertThat(s.log10P()).isGreaterThan(-1.3);
  }

  @Test
  void dropsUnitsThatEchoThePrompt() {
    Units u = Units.standard();
    u.add("Why do people often use it?", "People often use it because they often use it.");
    assertThat(u.units()).isEmpty();
    assertThat(u.echoed()).isPositive();
  }

  @Test
  void decoysPassCalibrationOnMarkedTextAndBonferroniCorrects() {
    Marker m = Marker.of(MASTER.member("owner"));
    Units u = Units.standard();
    for (String t : SampleText.paragraphs(300, 5)) {
      u.add("", m.mark("", t));
    }
    List<MarkKey> decoys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      decoys.add(MASTER.decoy(i));
    }
    Detector.Report r =
        Detector.test(u, List.of(MASTER.member("owner"), MASTER.campaign("c1")), decoys);
    assertThat(r.calibration().passed()).isTrue();
    assertThat(r.calibration().atMost1()).isLessThanOrEqualTo(8);
    Detector.Score owner = r.keys().get(0);
    assertThat(r.correctedLog10P(owner))
        .isCloseTo(owner.log10P() + Math.log10(2), org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void curveEndsAtTheFullScore() {
    Marker m = Marker.of(MASTER.member("owner"));
    Units u = Units.standard();
    for (String t : SampleText.paragraphs(100, 3)) {
      u.add("", m.mark("", t));
    }
    List<double[]> c = Detector.curve(u, MASTER.member("owner"), 20);
    Detector.Score s = Detector.score(u, MASTER.member("owner"));
    assertThat(c.get(c.size() - 1)[0]).isEqualTo(s.units());
    assertThat(c.get(c.size() - 1)[1])
        .isCloseTo(s.log10P(), org.assertj.core.api.Assertions.within(1e-9));
  }
}
