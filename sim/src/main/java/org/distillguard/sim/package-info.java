/**
 * The traffic simulator: synthetic API traffic with ground truth, built from real prompt sets.
 *
 * <p>Entry point: {@link org.distillguard.sim.Simulator}. A {@link org.distillguard.sim.Scenario}
 * (loaded by {@link org.distillguard.sim.ScenarioLoader}) says which populations of accounts exist
 * and how they behave; a {@link org.distillguard.sim.PromptCorpus} supplies what they ask. Every
 * account is a lazy, time-ordered stream of exchanges; the simulator merges the streams by time, so
 * memory stays proportional to the number of accounts, not of events. See {@code
 * docs/SIMULATOR.md}.
 */
@NullMarked
package org.distillguard.sim;

import org.jspecify.annotations.NullMarked;
