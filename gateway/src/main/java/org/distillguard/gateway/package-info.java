/** The DistillGuard gateway: an OpenAI- and Anthropic-compatible reverse proxy that enforces. */
@NullMarked
package org.distillguard.gateway;

import org.jspecify.annotations.NullMarked;
