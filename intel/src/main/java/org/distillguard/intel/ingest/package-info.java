/**
 * Import of peers' STIX content: verification, validation, policy, and the store of active
 * indicators the gateway matches against.
 */
@NullMarked
package org.distillguard.intel.ingest;

import org.jspecify.annotations.NullMarked;
