@NullMarked
package org.distillguard.gateway.limits.redis;

import org.jspecify.annotations.NullMarked;
