/**
 * A stand-in upstream that speaks the OpenAI and Anthropic wire formats, streaming included, for
 * tests and load drivers.
 */
@NullMarked
package org.distillguard.gateway.standin;

import org.jspecify.annotations.NullMarked;
