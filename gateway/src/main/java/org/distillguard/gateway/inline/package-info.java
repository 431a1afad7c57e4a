/**
 * Inline detection: completed exchanges feed the core detector on one worker thread, off the
 * request path.
 */
@NullMarked
package org.distillguard.gateway.inline;

import org.jspecify.annotations.NullMarked;
