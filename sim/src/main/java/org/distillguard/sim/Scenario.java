package org.distillguard.sim;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What to simulate: a period and the populations of accounts active in it. Load one with {@link
 * ScenarioLoader}; the format is documented in {@code docs/SIMULATOR.md}.
 *
 * @param name a short name for summaries
 * @param start the first simulated day (00:00 UTC)
 * @param days how many days to simulate
 * @param newModelDay days after {@code start} at which the model {@code m-large-2} is released
 * @param populations the account populations, in file order (this order seeds the accounts)
 */
public record Scenario(
    String name, LocalDate start, int days, double newModelDay, List<PopulationSpec> populations) {

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(start, "start");
    populations = List.copyOf(populations);
  }

  /** Start of the period, epoch milliseconds. */
  public long startMillis() {
    return start.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** End of the period (exclusive), epoch milliseconds. */
  public long endMillis() {
    return startMillis() + days * 86_400_000L;
  }

  /**
   * One population of the scenario.
   *
   * @param kind the population name ({@code person}, {@code bulk}, ...)
   * @param count how many accounts (for {@code hydra}: how many campaigns; {@code team}: how many
   *     companies)
   * @param params the parameters given in the file; absent ones take the population's defaults
   */
  public record PopulationSpec(String kind, int count, SortedMap<String, Range> params) {
    public PopulationSpec {
      params = new TreeMap<>(params);
    }

    /** The parameter's range: from the file if given, else the population's default. */
    Range param(String key) {
      Range r = params.get(key);
      if (r != null) {
        return r;
      }
      Population p = Population.byName(kind);
      Range d = p == null ? null : p.defaults().get(key);
      if (d == null) {
        throw new IllegalArgumentException("no parameter " + key + " for " + kind);
      }
      return d;
    }
  }

  /**
   * A parameter value: a single number ({@code min == max}) or a range {@code [min, max]} from
   * which each account draws its own value uniformly.
   */
  public record Range(double min, double max) {
    public Range {
      if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
        throw new IllegalArgumentException("bad range [" + min + ", " + max + "]");
      }
    }

    static Range of(double v) {
      return new Range(v, v);
    }

    static Range of(double min, double max) {
      return new Range(min, max);
    }

    double mid() {
      return (min + max) / 2;
    }
  }
}
