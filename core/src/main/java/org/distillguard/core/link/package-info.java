/**
 * Campaign linking: many accounts, one operator.
 *
 * <p>Entry point: {@link CampaignLinker}. It connects accounts through shared evidence (payment
 * fingerprint, email domain, IP prefix, client fingerprint, system prompt, prompt template,
 * creation-time bursts), weighs each shared value by how rare it is among established accounts, and
 * keeps the linked groups in a union-find forest, incrementally and in memory proportional to the
 * number of accounts. The detector ({@code core.detect}) feeds it and acts on its campaigns; this
 * package knows nothing of per-account scoring beyond the numbers it is handed.
 *
 * <p>For runtimes that key linking by evidence value (the Flink job's {@code --linking evidence})
 * the linker's parts are usable one by one: {@link AccountEvidence} (one account's values and the
 * template it learns, and the pair rule: shared kinds, points, links), {@link EvidenceValue} (one
 * value's holders and rarity), and the linker itself fed links found elsewhere ({@link
 * CampaignLinker#observeFound}, {@link CampaignLinker#link}) for groups, scores and campaigns.
 */
@NullMarked
package org.distillguard.core.link;

import org.jspecify.annotations.NullMarked;
