package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * One line of the audit log: who did what to whom, why and when.
 *
 * @param id time-ordered id, also the reference quoted to customers ({@code DG-...})
 * @param actor {@code admin-api}, {@code cli:USER}, {@code detector}, {@code gateway}
 * @param action e.g. {@code key.create}, {@code list.deny}, {@code verdict.change}, {@code
 *     enforce.block}
 * @param subject what it was done to, e.g. {@code account:acct-1}
 * @param detail more, as compact JSON or text
 */
public record AuditEntry(
    String id,
    long atMillis,
    String actor,
    String action,
    String subject,
    @Nullable String reason,
    @Nullable String detail) {}
