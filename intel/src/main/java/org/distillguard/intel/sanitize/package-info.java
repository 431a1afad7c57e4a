/**
 * What may leave a member: keyed fingerprints (HMAC-SHA256 under the consortium key) and keyed
 * MinHash sketches of normalized prompts.
 */
@NullMarked
package org.distillguard.intel.sanitize;

import org.jspecify.annotations.NullMarked;
