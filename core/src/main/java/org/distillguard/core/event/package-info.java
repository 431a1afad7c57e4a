/**
 * The exchange: one API request and what DistillGuard knows about it (Contract 1 of the design).
 *
 * <p>Records only, immutable, with no behaviour beyond validation. Every runtime (batch, gateway,
 * Flink) speaks in these types.
 */
@NullMarked
package org.distillguard.core.event;

import org.jspecify.annotations.NullMarked;
