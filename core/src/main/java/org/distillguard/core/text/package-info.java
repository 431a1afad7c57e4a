/**
 * Stateless analysis of one request's text: template fingerprints, capability domains, phrases that
 * elicit reasoning or use the model as a grader, and how instruction-like a prompt reads.
 *
 * <p>Runs once per request before any per-account state is touched, so it can run on any thread;
 * the text itself is not kept, only the small {@link PromptFeatures}.
 */
@NullMarked
package org.distillguard.core.text;

import org.jspecify.annotations.NullMarked;
