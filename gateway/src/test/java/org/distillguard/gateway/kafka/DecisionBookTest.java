package org.distillguard.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.policy.Action;
import org.distillguard.gateway.policy.Policy;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.policy.Standings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decisions only escalate, survive a restart through the snapshot, and combine with local ones. */
class DecisionBookTest {
  private static JobDecision d(
      String account, Verdict v, String reason, @Nullable String campaign) {
    return new JobDecision(
        account + ":" + v.id(), account, "x", v, reason, campaign, 0.9, 40, 1_793_714_531_250L);
  }

  @Test
  void decisionsOnlyEscalateSoReplaysAndOlderRecordsChangeNothing() {
    DecisionBook b = new DecisionBook();
    assertThat(b.apply(d("a", Verdict.SUSPICIOUS, "own_score", null), "DG-1", 10, 20)).isTrue();
    assertThat(b.apply(d("a", Verdict.SUSPICIOUS, "own_score", null), "DG-2", 11, 21)).isFalse();
    assertThat(b.apply(d("a", Verdict.DISTILLATION, "campaign", "c-1"), "DG-3", 12, 22)).isTrue();
    assertThat(b.apply(d("a", Verdict.SUSPICIOUS, "own_score", null), "DG-4", 13, 23)).isFalse();
    Standing s = b.standing("a");
    assertThat(s).isEqualTo(new Standing("a", Verdict.DISTILLATION, 0.9, "DG-3", "c-1", true));
    assertThat(b.standing("nobody")).isNull();
  }

  @Test
  void theSnapshotKeepsDecisionsReferencesAndPositions(@TempDir Path dir) throws Exception {
    DecisionBook b = new DecisionBook();
    b.apply(d("acct-ü", Verdict.DISTILLATION, "own_score", null), "DG-7", 10, 20);
    b.apply(d("b", Verdict.SUSPICIOUS, "own_score", "c-2"), "DG-8", 10, 20);
    b.position(0, 42);
    b.position(3, 7);
    Path f = dir.resolve("state/decisions.json");
    b.save(f, "t");
    assertThat(b.dirty()).isFalse();

    DecisionBook again = DecisionBook.load(f, "t");
    assertThat(again.standing("acct-ü")).isEqualTo(b.standing("acct-ü"));
    assertThat(again.standing("b")).isEqualTo(b.standing("b"));
    assertThat(again.position(0)).isEqualTo(42);
    assertThat(again.position(3)).isEqualTo(7);
    // Positions of another topic are not used; its decisions still are.
    DecisionBook other = DecisionBook.load(f, "another");
    assertThat(other.size()).isEqualTo(2);
    assertThat(other.position(0)).isNull();
    assertThat(DecisionBook.load(dir.resolve("missing.json"), "t").size()).isZero();
  }

  @Test
  void aDamagedSnapshotIsNamedNotIgnored(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("decisions.json");
    Files.writeString(f, "{\"decisions\":[{\"account\":\"a\"}]}");
    assertThatThrownBy(() -> DecisionBook.load(f, "t"))
        .hasMessageContaining(f.toString())
        .hasMessageContaining("decision 1: field 'verdict' is missing or not a string");
    Files.writeString(f, "{truncated");
    assertThatThrownBy(() -> DecisionBook.load(f, "t")).hasMessageContaining("not valid JSON");
  }

  @Test
  void theMoreSevereOfTheLocalAndTheJobsStandingWins() {
    Policy policy = new Policy(Action.THROTTLE, Action.BLOCK, Action.DEGRADE, Action.BLOCK);
    DecisionBook b = new DecisionBook();
    b.apply(d("job-blocks", Verdict.DISTILLATION, "own_score", null), "DG-J1", 1, 2);
    b.apply(d("job-throttles", Verdict.SUSPICIOUS, "own_score", null), "DG-J2", 1, 2);
    Standing localBlock =
        new Standing("job-throttles", Verdict.DISTILLATION, 1, "DG-L1", null, false);
    Standing localCampaign = new Standing("job-blocks", Verdict.SUSPICIOUS, 1, "DG-L2", "c", false);
    Standings local =
        a ->
            switch (a) {
              case "job-throttles" -> localBlock;
              case "job-blocks" -> localCampaign;
              default -> null;
            };
    CombinedStandings c = new CombinedStandings(local, b, policy);
    assertThat(Objects.requireNonNull(c.standing("job-blocks")).ref()).isEqualTo("DG-J1");
    assertThat(Objects.requireNonNull(c.standing("job-throttles")).ref()).isEqualTo("DG-L1");
    assertThat(c.standing("nobody")).isNull();
  }
}
