/**
 * Fits the detector's scoring model to labelled traffic: {@code distillguard calibrate}.
 *
 * <p>The detector is replayed over a labelled log; at log-spaced points of each account's history
 * (its 4th, 6th, 8th, 12th ... request) the account's signal values are taken as one sample,
 * labelled distilling or not (a turncoat only from its switch). A logistic regression with an L2
 * penalty is fitted on them, every population class carrying the same total weight so that a
 * handful of enterprise pipelines count as much as thousands of people.
 */
@NullMarked
package org.distillguard.sim.calibrate;

import org.jspecify.annotations.NullMarked;
