package org.distillguard.gateway.store;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything the gateway keeps across restarts. Blocking (JDBC): call it from worker threads, never
 * from an event loop. One implementation, {@link JdbcStore}, serves SQLite and PostgreSQL from the
 * same migrations.
 */
public interface Store extends AutoCloseable {
  void putAccount(Account a);

  Optional<Account> account(String id);

  List<Account> accounts();

  void putKey(ApiKey k);

  List<ApiKey> keys();

  Optional<ApiKey> key(String id);

  /** Marks a key revoked; returns false when there is no such key or it was already revoked. */
  boolean revokeKey(String id, long atMillis);

  void putListEntry(ListEntry e);

  /** Removes a subject from whichever list holds it; returns whether it was listed. */
  boolean removeListEntry(ListEntry.Kind kind, String subject);

  List<ListEntry> listEntries();

  void putVerdict(StoredVerdict v);

  List<StoredVerdict> verdicts();

  /** Removes an account's stored verdict (an analyst cleared it). */
  boolean clearVerdict(String account);

  void appendAudit(AuditEntry e);

  /**
   * Audit entries, newest first.
   *
   * @param subjectPrefix only entries whose subject starts with this (null: all)
   * @param beforeId only entries older than this id (paging), or null
   */
  List<AuditEntry> audit(@Nullable String subjectPrefix, @Nullable String beforeId, int limit);

  /** Records an answer served marked (watermark and/or canary). */
  void putMarkServing(MarkServing s);

  /** Marked servings, newest first, optionally of one account only. */
  List<MarkServing> markServings(@Nullable String account, int limit);

  /** Cheap round trip for /readyz. */
  boolean ping();

  @Override
  void close();
}
