/**
 * The text analysis exactly as it was before it was optimised (commit 8f4350f), kept verbatim (but
 * for the package, and a public {@code StyleModel} constructor) so that {@code
 * PromptAnalyzerIdentityTest} can prove the optimised analyzer gives bit-for-bit the same {@link
 * org.distillguard.core.text.PromptFeatures}. Never change these files: they are the reference, not
 * code to maintain.
 */
@NullMarked
package org.distillguard.core.text.frozen;

import org.jspecify.annotations.NullMarked;
