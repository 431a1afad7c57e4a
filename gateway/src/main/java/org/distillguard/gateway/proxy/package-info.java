/**
 * The reverse proxy: request handling on the Vert.x event loop, upstream calls, streaming with
 * backpressure.
 */
@NullMarked
package org.distillguard.gateway.proxy;

import org.jspecify.annotations.NullMarked;
