/** The gateway commands: {@code serve}, {@code keys} and {@code policy}. */
@NullMarked
package org.distillguard.app.serve;

import org.jspecify.annotations.NullMarked;
