package org.distillguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScenarioLoaderTest {
  @ParameterizedTest
  @ValueSource(strings = {"small", "default", "large"})
  void loadsEveryBuiltInScenario(String name) throws Exception {
    Scenario s = ScenarioLoader.load(name);
    assertThat(s.name()).isEqualTo(name);
    assertThat(s.populations())
        .extracting(Scenario.PopulationSpec::kind)
        .contains("person", "hydra", "turncoat");
  }

  @Test
  void loadsAScenarioFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mine.json");
    Files.writeString(
        f,
        "{\"start\":\"2026-01-05\",\"days\":2,\"populations\":[{\"kind\":\"bulk\",\"count\":3,"
            + "\"params\":{\"requests_per_hour\":[10,20]}}]}");
    Scenario s = ScenarioLoader.load(f.toString());
    assertThat(s.name()).isEqualTo("mine");
    assertThat(s.newModelDay()).isEqualTo(1.0);
    assertThat(s.populations().get(0).param("requests_per_hour"))
        .isEqualTo(new Scenario.Range(10, 20));
    assertThat(s.populations().get(0).param("active_hours"))
        .isEqualTo(Population.BULK.defaults().get("active_hours"));
  }

  @Test
  void anUnknownScenarioNamesTheBuiltIns() {
    assertThatThrownBy(() -> ScenarioLoader.load("nope"))
        .isInstanceOf(SimulatorInputException.class)
        .hasMessage(
            "unknown scenario nope: not a built-in scenario (small, default, large) nor a readable file");
  }

  @Test
  void fileErrorsSayWhereAndWhat() {
    assertError("{", "s.json: not valid JSON");
    assertError("[]", "s.json: a scenario must be a JSON object");
    assertError("{\"days\":1,\"populations\":[]}", "s.json: missing required field \"start\"");
    assertError(
        "{\"start\":\"soon\",\"days\":1,\"populations\":[]}",
        "start must be a date like 2026-11-02");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":0,\"populations\":[]}",
        "days must be a whole number from 1 to 3660");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[], \"dayz\":3}",
        "unknown field \"dayz\" in scenario");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"robot\",\"count\":1}]}",
        "s.json: populations[0]: unknown kind \"robot\" (known: person, developer");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"bulk\",\"count\":1,\"params\":{\"rate\":3}}]}",
        "populations[0]: unknown parameter \"rate\" for bulk (known: account_age_days, active_hours");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"bulk\",\"count\":1,\"params\":{\"active_hours\":[9,2]}}]}",
        "populations[0].params.active_hours: range [9.0, 2.0] is reversed");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"bulk\",\"count\":1,\"params\":{\"active_hours\":\"x\"}}]}",
        "must be a number or a range [min, max]");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"bulk\",\"count\":-1}]}",
        "count must be a whole number from 0");
  }

  private static void assertError(String json, String fragment) {
    assertThatThrownBy(() -> ScenarioLoader.parse(json, "s.json"))
        .isInstanceOf(SimulatorInputException.class)
        .hasMessageContaining(fragment);
  }
}
