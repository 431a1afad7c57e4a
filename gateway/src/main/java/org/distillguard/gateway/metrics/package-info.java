/** Prometheus metrics. */
@NullMarked
package org.distillguard.gateway.metrics;

import org.jspecify.annotations.NullMarked;
