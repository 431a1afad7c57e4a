/**
 * What happens to a request: allow, throttle, degrade or block, from verdicts, campaigns and manual
 * lists.
 */
@NullMarked
package org.distillguard.gateway.policy;

import org.jspecify.annotations.NullMarked;
