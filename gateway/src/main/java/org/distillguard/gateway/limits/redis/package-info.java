/**
 * Requests- and tokens-per-minute buckets that several gateways share in Redis (Bucket4j over the
 * Lettuce client), with local buckets to fall back on while Redis is away.
 */
@NullMarked
package org.distillguard.gateway.limits.redis;

import org.jspecify.annotations.NullMarked;
