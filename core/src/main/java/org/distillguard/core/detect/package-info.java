/**
 * The detector: per-account state, scoring and sequential verdicts.
 *
 * <p>Entry point: {@link Detector}. Feed it exchanges in arrival order with {@link
 * Detector#observe}; read an account's {@link Assessment} at any time. Verdicts are made in one
 * chronological pass with no look-ahead: the assessment after an account's k-th request depends
 * only on events up to that one.
 */
@NullMarked
package org.distillguard.core.detect;

import org.jspecify.annotations.NullMarked;
