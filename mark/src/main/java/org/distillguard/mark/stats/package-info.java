/** Exact binomial tails in log space (regularized incomplete beta). */
@NullMarked
package org.distillguard.mark.stats;

import org.jspecify.annotations.NullMarked;
