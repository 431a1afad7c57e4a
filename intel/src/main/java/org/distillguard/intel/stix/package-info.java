/**
 * STIX 2.1 objects as JSON trees: identifiers, timestamps, canonical form, TLP markings and the
 * DistillGuard extension definitions.
 */
@NullMarked
package org.distillguard.intel.stix;

import org.jspecify.annotations.NullMarked;
