/**
 * The evaluation harness: scores a detector's verdicts against the simulator's ground truth.
 *
 * <p>{@link org.distillguard.sim.eval.Evaluator} streams {@code verdicts.jsonl} against the labels
 * ({@link org.distillguard.sim.eval.GroundTruth}) and returns an immutable {@link
 * org.distillguard.sim.eval.Evaluation}; {@link org.distillguard.sim.eval.Bounds} checks it against
 * acceptance limits. Every figure is defined in {@code docs/EVALUATION.md}.
 */
@NullMarked
package org.distillguard.sim.eval;

import org.jspecify.annotations.NullMarked;
