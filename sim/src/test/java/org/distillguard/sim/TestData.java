package org.distillguard.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/** Shared fixtures: the shipped prompt sample, a tiny scenario, and a run collected in memory. */
final class TestData {
  private TestData() {}

  /** The sample shipped under examples/prompts (tests run in the module folder). */
  static final Path SAMPLE = Path.of("..", "examples", "prompts");

  /** A two-day scenario with every population, small enough for many seeded runs. */
  static final String TINY =
      """
      {"name": "tiny", "start": "2026-11-02", "days": 2, "new_model_day": 1,
       "populations": [
        {"kind": "person", "count": 20},
        {"kind": "developer", "count": 6},
        {"kind": "app", "count": 1, "params": {"peak_requests_per_hour": 20}},
        {"kind": "pipeline", "count": 1, "params": {"requests_per_night": 50}},
        {"kind": "benchmark", "count": 1, "params": {"requests": [20, 40]}},
        {"kind": "bulk", "count": 1, "params": {"requests_per_hour": 60, "active_hours": 4}},
        {"kind": "cot", "count": 1, "params": {"requests_per_hour": 30, "active_hours": 4}},
        {"kind": "sweep", "count": 1, "params": {"requests_per_hour": 30, "active_hours": 4}},
        {"kind": "human_prompts", "count": 1, "params": {"requests_per_hour": 30, "active_hours": 4}},
        {"kind": "hydra", "count": 2, "params": {"accounts": [5, 8], "requests_per_account": [3, 10]}},
        {"kind": "stealth", "count": 1, "params": {"sessions_per_day": 3}},
        {"kind": "turncoat", "count": 2, "params": {"requests_per_hour": 10}},
        {"kind": "team", "count": 2, "params": {"accounts": [3, 4]}}
       ]}
      """;

  static PromptCorpus sample() throws SimulatorInputException {
    return PromptCorpus.load(SAMPLE, PromptCorpus.Split.ALL);
  }

  static Scenario tiny() throws SimulatorInputException {
    return ScenarioLoader.parse(TINY, "tiny");
  }

  /** The shared prompt folder, or null when this checkout has none (plain clone). */
  static @Nullable Path sharedPrompts() {
    String env = System.getenv("DISTILLGUARD_SHARED");
    if (env == null) {
      return null;
    }
    Path p = Path.of(env, "data", "prompts");
    return Files.isDirectory(p) ? p : null;
  }

  record Run(List<Exchange> events, List<Label> labels, Simulator.Summary summary) {}

  static Run run(Scenario s, PromptCorpus c, long seed) {
    List<Exchange> events = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    Simulator.Summary sum =
        new Simulator(s, c, new SimulationOptions(seed, 1.0))
            .run(events::add, labels::add, Simulator.Progress.NONE);
    return new Run(events, labels, sum);
  }
}
