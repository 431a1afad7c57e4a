/**
 * Intelligence sharing between DistillGuard members: configuration and the entry points the command
 * line uses.
 */
@NullMarked
package org.distillguard.intel;

import org.jspecify.annotations.NullMarked;
