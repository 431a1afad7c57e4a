/**
 * STIX patterning: grammar check (ANTLR, generated from the OASIS grammar) and extraction of the
 * comparisons DistillGuard enforces.
 */
@NullMarked
package org.distillguard.intel.pattern;

import org.jspecify.annotations.NullMarked;
