/** Turns an analyze output directory (and the logs it came from) into a signed STIX 2.1 bundle. */
@NullMarked
package org.distillguard.intel.export;

import org.jspecify.annotations.NullMarked;
