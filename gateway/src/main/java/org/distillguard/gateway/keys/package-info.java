/**
 * API keys issued by DistillGuard (stored only as SHA-256 hashes), accounts, and the in-memory
 * directory the proxy reads.
 */
@NullMarked
package org.distillguard.gateway.keys;

import org.jspecify.annotations.NullMarked;
