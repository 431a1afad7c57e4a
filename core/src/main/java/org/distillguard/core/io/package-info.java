/**
 * Reading and writing the exchange log (Contract 1): JSON Lines, plain or gzip, files or stdin.
 *
 * <p>Everything here streams: memory stays constant in the size of the input, bounded only by the
 * longest accepted line ({@link LineSource#DEFAULT_MAX_LINE_BYTES}).
 */
@NullMarked
package org.distillguard.core.io;

import org.jspecify.annotations.NullMarked;
