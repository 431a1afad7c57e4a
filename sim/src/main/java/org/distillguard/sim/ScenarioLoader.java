package org.distillguard.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.distillguard.sim.Scenario.Range;

/**
 * Reads scenario files (JSON) and the scenarios shipped with the simulator.
 *
 * <p>Scenarios are data so that a study can change a population's size or behaviour without a
 * rebuild. Parsing is strict: an unknown field or parameter is an error, not silently ignored,
 * because a typo in a parameter name would otherwise quietly run the default.
 */
public final class ScenarioLoader {
  /** The scenarios shipped as resources, smallest first. */
  public static final List<String> BUILT_IN = List.of("small", "default", "large");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_FIELDS =
      Set.of("name", "description", "start", "days", "new_model_day", "populations");
  private static final Set<String> POP_FIELDS = Set.of("kind", "count", "params", "comment");

  private ScenarioLoader() {}

  /**
   * Loads a built-in scenario by name, or else a scenario file by path.
   *
   * @throws SimulatorInputException when the name is neither, or the file is invalid
   */
  public static Scenario load(String nameOrFile) throws SimulatorInputException {
    if (BUILT_IN.contains(nameOrFile)) {
      String res = "scenarios/" + nameOrFile + ".json";
      try (InputStream in = ScenarioLoader.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new SimulatorInputException("built-in scenario " + nameOrFile + " is missing");
        }
        return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), res);
      } catch (IOException e) {
        throw new SimulatorInputException("cannot read built-in scenario " + nameOrFile);
      }
    }
    Path p = Path.of(nameOrFile);
    if (!Files.isRegularFile(p)) {
      throw new SimulatorInputException(
          "unknown scenario "
              + nameOrFile
              + ": not a built-in scenario ("
              + String.join(", ", BUILT_IN)
              + ") nor a readable file");
    }
    try {
      return parse(Files.readString(p), nameOrFile);
    } catch (IOException e) {
      throw new SimulatorInputException("cannot read scenario file " + nameOrFile + ": " + e);
    }
  }

  /**
   * Parses scenario JSON.
   *
   * @param where names the source in error messages
   */
  public static Scenario parse(String json, String where) throws SimulatorInputException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SimulatorInputException(
          where + ": not valid JSON: " + e.getOriginalMessage() + at(e));
    }
    if (root == null || !root.isObject()) {
      throw new SimulatorInputException(where + ": a scenario must be a JSON object");
    }
    checkFields(root, TOP_FIELDS, where, "scenario");
    String name = root.path("name").asText(baseName(where));
    LocalDate start;
    try {
      start = LocalDate.parse(required(root, "start", where).asText());
    } catch (DateTimeParseException e) {
      throw new SimulatorInputException(where + ": start must be a date like 2026-11-02");
    }
    int days = intField(root, "days", where, 1, 3660);
    double newModelDay = days / 2.0;
    if (root.has("new_model_day")) {
      JsonNode n = root.get("new_model_day");
      if (!n.isNumber() || n.asDouble() < 0) {
        throw new SimulatorInputException(where + ": new_model_day must be a number >= 0");
      }
      newModelDay = n.asDouble();
    }
    JsonNode pops = required(root, "populations", where);
    if (!pops.isArray()) {
      throw new SimulatorInputException(
          where + ": populations must be an array of {\"kind\",\"count\",\"params\"}");
    }
    List<PopulationSpec> specs = new ArrayList<>();
    int i = 0;
    for (JsonNode pn : pops) {
      specs.add(population(pn, where + ": populations[" + i++ + "]"));
    }
    return new Scenario(name, start, days, newModelDay, specs);
  }

  private static PopulationSpec population(JsonNode pn, String where)
      throws SimulatorInputException {
    if (!pn.isObject()) {
      throw new SimulatorInputException(where + ": must be an object");
    }
    checkFields(pn, POP_FIELDS, where, "population");
    String kind = required(pn, "kind", where).asText();
    Population pop = Population.byName(kind);
    if (pop == null) {
      throw new SimulatorInputException(
          where + ": unknown kind \"" + kind + "\" (known: " + Population.names() + ")");
    }
    int count = intField(pn, "count", where, 0, 10_000_000);
    TreeMap<String, Range> params = new TreeMap<>();
    JsonNode pm = pn.path("params");
    if (!pm.isMissingNode()) {
      if (!pm.isObject()) {
        throw new SimulatorInputException(where + ": params must be an object");
      }
      for (Map.Entry<String, JsonNode> e : pm.properties()) {
        String key = e.getKey();
        if (!pop.defaults().containsKey(key)) {
          throw new SimulatorInputException(
              where
                  + ": unknown parameter \""
                  + key
                  + "\" for "
                  + kind
                  + " (known: "
                  + String.join(", ", pop.defaults().keySet())
                  + ")");
        }
        Range value = range(e.getValue(), where + ".params." + key);
        String why = Population.invalid(key, value);
        if (why != null) {
          throw new SimulatorInputException(
              where + ".params." + key + ": " + why + " (got " + show(value) + ")");
        }
        params.put(key, value);
      }
    }
    return new PopulationSpec(kind, count, params);
  }

  private static Range range(JsonNode v, String where) throws SimulatorInputException {
    if (v.isNumber()) {
      return Range.of(v.asDouble());
    }
    if (v.isArray() && v.size() == 2 && v.get(0).isNumber() && v.get(1).isNumber()) {
      double lo = v.get(0).asDouble();
      double hi = v.get(1).asDouble();
      if (lo > hi) {
        throw new SimulatorInputException(where + ": range [" + lo + ", " + hi + "] is reversed");
      }
      return Range.of(lo, hi);
    }
    throw new SimulatorInputException(where + ": must be a number or a range [min, max]");
  }

  private static void checkFields(JsonNode n, Set<String> known, String where, String what)
      throws SimulatorInputException {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new SimulatorInputException(
            where
                + ": unknown field \""
                + f
                + "\" in "
                + what
                + " (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
    }
  }

  private static JsonNode required(JsonNode n, String field, String where)
      throws SimulatorInputException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new SimulatorInputException(where + ": missing required field \"" + field + "\"");
    }
    return v;
  }

  private static int intField(JsonNode n, String field, String where, int min, int max)
      throws SimulatorInputException {
    JsonNode v = required(n, field, where);
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
      throw new SimulatorInputException(
          where + ": " + field + " must be a whole number from " + min + " to " + max);
    }
    return v.asInt();
  }

  private static String show(Range r) {
    return r.min() == r.max() ? Double.toString(r.min()) : "[" + r.min() + ", " + r.max() + "]";
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static String baseName(String where) {
    String b = where.substring(Math.max(where.lastIndexOf('/'), where.lastIndexOf('\\')) + 1);
    return b.endsWith(".json") ? b.substring(0, b.length() - 5) : b;
  }
}
