package org.distillguard.sim;

/**
 * How to run a scenario.
 *
 * @param seed the one source of randomness: the same seed, scenario and prompts give byte-identical
 *     output
 * @param scale multiplies every population's account count (hydra: its campaign count); a
 *     population with at least one account keeps at least one
 */
public record SimulationOptions(long seed, double scale) {
  public SimulationOptions {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be a positive number, got " + scale);
    }
  }

  /** Seed 1, scale 1. */
  public static SimulationOptions defaults() {
    return new SimulationOptions(1, 1.0);
  }
}
