/**
 * Keyed lexical watermark: dictionary, keys, streaming marker and the unit collector of the test.
 */
@NullMarked
package org.distillguard.mark;

import org.jspecify.annotations.NullMarked;
