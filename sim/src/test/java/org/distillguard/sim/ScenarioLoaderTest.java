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
        .contains("person", "hydra", "turncoat", "team");
  }

  @Test
  void acceptsTeamsWithTheirParameters() throws Exception {
    Scenario s =
        ScenarioLoader.parse(
            "{\"start\":\"2026-01-05\",\"days\":2,\"populations\":[{\"kind\":\"team\","
                + "\"count\":4,\"params\":{\"accounts\":[5,8],\"office_ips\":1,"
                + "\"generic_system_prompt_probability\":1,\"sessions_per_day\":[1,2]}}]}",
            "t.json");
    Scenario.PopulationSpec team = s.populations().get(0);
    assertThat(team.kind()).isEqualTo("team");
    assertThat(team.count()).isEqualTo(4);
    assertThat(team.param("accounts")).isEqualTo(new Scenario.Range(5, 8));
    assertThat(team.param("office_ips")).isEqualTo(new Scenario.Range(1, 1));
    assertThat(team.param("sessions_per_day")).isEqualTo(new Scenario.Range(1, 2));
    // Absent parameters: the team's own defaults, and the developer behaviour it shares.
    assertThat(team.param("company_age_days")).isEqualTo(new Scenario.Range(90, 1500));
    assertThat(team.param("work_hours"))
        .isEqualTo(Population.DEVELOPER.defaults().get("work_hours"));
  }

  @Test
  void everyDefaultIsAValidValue() {
    for (Population p : Population.values()) {
      p.defaults()
          .forEach((k, v) -> assertThat(Population.invalid(k, v)).as(p.label() + "." + k).isNull());
    }
  }

  @Test
  void teamParameterValuesAreChecked() {
    assertError(
        team("\"accounts\":0"), "populations[0].params.accounts: must be at least 1 (got 0.0)");
    assertError(
        team("\"accounts\":[0,4]"),
        "populations[0].params.accounts: must be at least 1 (got [0.0, 4.0])");
    assertError(team("\"office_ips\":0"), "params.office_ips: must be at least 1");
    assertError(
        team("\"generic_system_prompt_probability\":1.5"),
        "params.generic_system_prompt_probability: must lie in [0, 1] (got 1.5)");
    assertError(
        team("\"remote_session_probability\":-0.1"),
        "params.remote_session_probability: must lie in [0, 1]");
    assertError(team("\"company_age_days\":-3"), "params.company_age_days: must be at least 0");
    assertError(team("\"work_start_hour\":[8,30]"), "params.work_start_hour: must lie in [0, 24]");
    assertError(team("\"accounts\":[12,3]"), "params.accounts: range [12.0, 3.0] is reversed");
    assertError(
        team("\"size\":4"),
        "unknown parameter \"size\" for team (known: accounts, company_age_days,");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"team\",\"count\":1.5}]}",
        "count must be a whole number from 0");
  }

  @Test
  void otherPopulationsValuesAreCheckedToo() {
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"person\",\"count\":1,\"params\":{\"cgnat_probability\":2}}]}",
        "params.cgnat_probability: must lie in [0, 1]");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"app\",\"count\":1,\"params\":{\"users_utc_offset_hours\":[-20,3]}}]}",
        "params.users_utc_offset_hours: must lie in [-12, 14]");
    assertError(
        "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"bulk\",\"count\":1,\"params\":{\"requests_per_hour\":-5}}]}",
        "params.requests_per_hour: must be at least 0");
  }

  private static String team(String params) {
    return "{\"start\":\"2026-01-01\",\"days\":1,\"populations\":[{\"kind\":\"team\","
        + "\"count\":1,\"params\":{"
        + params
        + "}}]}";
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
