/**
 * The OpenAI and Anthropic wire formats: endpoints, request views, usage, SSE events, error bodies,
 * degrading.
 */
@NullMarked
package org.distillguard.gateway.wire;

import org.jspecify.annotations.NullMarked;
