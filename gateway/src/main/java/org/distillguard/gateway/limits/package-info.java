/**
 * Rate limits (requests and tokens per minute, concurrency) per key, account, org and client IP
 * prefix, on Bucket4j.
 */
@NullMarked
package org.distillguard.gateway.limits;

import org.jspecify.annotations.NullMarked;
