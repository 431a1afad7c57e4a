/** The exchange journal: Contract 1 JSON Lines, rotated and gzipped, prompts kept or redacted. */
@NullMarked
package org.distillguard.gateway.journal;

import org.jspecify.annotations.NullMarked;
