/** {@code distillguard intel}: the intelligence-sharing commands. */
@NullMarked
package org.distillguard.app.intel;

import org.jspecify.annotations.NullMarked;
