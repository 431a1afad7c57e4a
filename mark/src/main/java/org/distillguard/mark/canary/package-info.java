/**
 * Canaries: keyed invented identifiers served to suspects, their serving ledger and the hit test.
 */
@NullMarked
package org.distillguard.mark.canary;

import org.jspecify.annotations.NullMarked;
