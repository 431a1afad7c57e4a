/**
 * Campaign linking: many accounts, one operator.
 *
 * <p>Entry point: {@link CampaignLinker}. It connects accounts through shared evidence (payment
 * fingerprint, email domain, IP prefix, client fingerprint, system prompt, prompt template,
 * creation-time bursts), weighs each shared value by how rare it is among established accounts, and
 * keeps the linked groups in a union-find forest, incrementally and in memory proportional to the
 * number of accounts. The detector ({@code core.detect}) feeds it and acts on its campaigns; this
 * package knows nothing of per-account scoring beyond the numbers it is handed.
 */
@NullMarked
package org.distillguard.core.link;

import org.jspecify.annotations.NullMarked;
