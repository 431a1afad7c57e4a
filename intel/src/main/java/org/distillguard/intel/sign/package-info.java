/**
 * Ed25519 signatures on individual STIX objects, pinned peer keys, and the verdicts of
 * verification.
 */
@NullMarked
package org.distillguard.intel.sign;

import org.jspecify.annotations.NullMarked;
