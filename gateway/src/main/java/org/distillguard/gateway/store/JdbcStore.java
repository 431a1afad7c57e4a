package org.distillguard.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

/**
 * {@link Store} over JDBC: SQLite (one file, no setup; WAL so the CLI and a running gateway can
 * share it) or PostgreSQL, migrated by Flyway from {@code db/migration} at open.
 */
public final class JdbcStore implements Store {
  private final HikariDataSource ds;
  private final boolean sqlite;

  private JdbcStore(HikariDataSource ds, boolean sqlite) {
    this.ds = ds;
    this.sqlite = sqlite;
  }

  /** Opens (and migrates) the database at {@code jdbcUrl}. */
  public static JdbcStore open(String jdbcUrl, String user, String password) {
    boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
    if (sqlite && !jdbcUrl.startsWith("jdbc:sqlite::memory:")) {
      java.nio.file.Path parent =
          java.nio.file.Path.of(jdbcUrl.substring("jdbc:sqlite:".length()))
              .toAbsolutePath()
              .getParent();
      try {
        if (parent != null) {
          java.nio.file.Files.createDirectories(parent);
        }
      } catch (java.io.IOException e) {
        throw new StoreException("cannot create the directory of " + jdbcUrl + ": " + e, e);
      }
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setPoolName("distillguard-store");
    if (!user.isEmpty()) {
      hc.setUsername(user);
    }
    if (!password.isEmpty()) {
      hc.setPassword(password);
    }
    if (sqlite) {
      // One writer at a time is SQLite's model; one pooled connection serialises us, and the
      // busy timeout waits out the CLI writing the same file.
      hc.setMaximumPoolSize(1);
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("synchronous", "NORMAL");
    } else {
      hc.setMaximumPoolSize(4);
    }
    hc.setConnectionTimeout(10_000);
    hc.setInitializationFailTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot open the store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .table("distillguard_schema_history")
          .baselineOnMigrate(false)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException(
          "cannot migrate the store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    return new JdbcStore(ds, sqlite);
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  public boolean isSqlite() {
    return sqlite;
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private int update(String sql, Binder b) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      b.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("store update failed: " + e.getMessage(), e);
    }
  }

  private <T> List<T> query(String sql, Binder b, RowMapper<T> m) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      b.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(m.map(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("store query failed: " + e.getMessage(), e);
    }
  }

  private static void setNullable(PreparedStatement ps, int i, @Nullable Object v, int type)
      throws SQLException {
    if (v == null) {
      ps.setNull(i, type);
    } else {
      ps.setObject(i, v, type);
    }
  }

  private static @Nullable Long nullableLong(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  private static @Nullable Integer nullableInt(ResultSet rs, String col) throws SQLException {
    int v = rs.getInt(col);
    return rs.wasNull() ? null : v;
  }

  // ------------------------------------------------------------------ accounts

  @Override
  public void putAccount(Account a) {
    update(
        "INSERT INTO accounts (id, org, created_at, rpm, tpm, concurrency, note, payment_fp,"
            + " email_domain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " org = excluded.org, rpm = excluded.rpm, tpm = excluded.tpm,"
            + " concurrency = excluded.concurrency, note = excluded.note,"
            + " payment_fp = excluded.payment_fp, email_domain = excluded.email_domain",
        ps -> {
          ps.setString(1, a.id());
          setNullable(ps, 2, a.org(), Types.VARCHAR);
          ps.setLong(3, a.createdMillis());
          setNullable(ps, 4, a.rpm(), Types.INTEGER);
          setNullable(ps, 5, a.tpm(), Types.BIGINT);
          setNullable(ps, 6, a.concurrency(), Types.INTEGER);
          setNullable(ps, 7, a.note(), Types.VARCHAR);
          setNullable(ps, 8, a.paymentFp(), Types.VARCHAR);
          setNullable(ps, 9, a.emailDomain(), Types.VARCHAR);
        });
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(
        rs.getString("id"),
        rs.getString("org"),
        rs.getLong("created_at"),
        nullableInt(rs, "rpm"),
        nullableLong(rs, "tpm"),
        nullableInt(rs, "concurrency"),
        rs.getString("note"),
        rs.getString("payment_fp"),
        rs.getString("email_domain"));
  }

  @Override
  public Optional<Account> account(String id) {
    return query(
            "SELECT * FROM accounts WHERE id = ?", ps -> ps.setString(1, id), JdbcStore::account)
        .stream()
        .findFirst();
  }

  @Override
  public List<Account> accounts() {
    return query("SELECT * FROM accounts ORDER BY id", ps -> {}, JdbcStore::account);
  }

  // ---------------------------------------------------------------------- keys

  @Override
  public void putKey(ApiKey k) {
    update(
        "INSERT INTO api_keys (id, secret_sha256, account, name, created_at, revoked_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, k.id());
          ps.setString(2, k.secretSha256());
          ps.setString(3, k.account());
          setNullable(ps, 4, k.name(), Types.VARCHAR);
          ps.setLong(5, k.createdMillis());
          setNullable(ps, 6, k.revokedMillis(), Types.BIGINT);
        });
  }

  private static ApiKey key(ResultSet rs) throws SQLException {
    return new ApiKey(
        rs.getString("id"),
        rs.getString("secret_sha256"),
        rs.getString("account"),
        rs.getString("name"),
        rs.getLong("created_at"),
        nullableLong(rs, "revoked_at"));
  }

  @Override
  public List<ApiKey> keys() {
    return query("SELECT * FROM api_keys ORDER BY created_at, id", ps -> {}, JdbcStore::key);
  }

  @Override
  public Optional<ApiKey> key(String id) {
    return query("SELECT * FROM api_keys WHERE id = ?", ps -> ps.setString(1, id), JdbcStore::key)
        .stream()
        .findFirst();
  }

  @Override
  public boolean revokeKey(String id, long atMillis) {
    return update(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            ps -> {
              ps.setLong(1, atMillis);
              ps.setString(2, id);
            })
        > 0;
  }

  // --------------------------------------------------------------------- lists

  @Override
  public void putListEntry(ListEntry e) {
    update(
        "INSERT INTO list_entries (kind, subject, list, reason, actor, created_at, ref)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, subject) DO UPDATE SET"
            + " list = excluded.list, reason = excluded.reason, actor = excluded.actor,"
            + " created_at = excluded.created_at, ref = excluded.ref",
        ps -> {
          ps.setString(1, e.kind().id());
          ps.setString(2, e.subject());
          ps.setString(3, e.list().id());
          setNullable(ps, 4, e.reason(), Types.VARCHAR);
          ps.setString(5, e.actor());
          ps.setLong(6, e.createdMillis());
          ps.setString(7, e.ref());
        });
  }

  @Override
  public boolean removeListEntry(ListEntry.Kind kind, String subject) {
    return update(
            "DELETE FROM list_entries WHERE kind = ? AND subject = ?",
            ps -> {
              ps.setString(1, kind.id());
              ps.setString(2, subject);
            })
        > 0;
  }

  @Override
  public List<ListEntry> listEntries() {
    return query(
        "SELECT * FROM list_entries ORDER BY created_at, kind, subject",
        ps -> {},
        rs ->
            new ListEntry(
                ListEntry.ListType.of(rs.getString("list")),
                ListEntry.Kind.of(rs.getString("kind")),
                rs.getString("subject"),
                rs.getString("reason"),
                rs.getString("actor"),
                rs.getLong("created_at"),
                rs.getString("ref")));
  }

  // ------------------------------------------------------------------ verdicts

  @Override
  public void putVerdict(StoredVerdict v) {
    update(
        "INSERT INTO verdicts (account, verdict, score, requests, flagged_at, reasons, updated_at,"
            + " ref, campaign, campaign_confirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (account) DO UPDATE SET verdict = excluded.verdict,"
            + " score = excluded.score, requests = excluded.requests,"
            + " flagged_at = excluded.flagged_at, reasons = excluded.reasons,"
            + " updated_at = excluded.updated_at, ref = excluded.ref,"
            + " campaign = excluded.campaign, campaign_confirmed = excluded.campaign_confirmed",
        ps -> {
          ps.setString(1, v.account());
          ps.setString(2, v.verdict());
          ps.setDouble(3, v.score());
          ps.setLong(4, v.requests());
          setNullable(ps, 5, v.flaggedAtMillis(), Types.BIGINT);
          ps.setString(6, v.reasons());
          ps.setLong(7, v.updatedMillis());
          ps.setString(8, v.ref());
          setNullable(ps, 9, v.campaign(), Types.VARCHAR);
          ps.setBoolean(10, v.campaignConfirmed());
        });
  }

  @Override
  public List<StoredVerdict> verdicts() {
    return query(
        "SELECT * FROM verdicts ORDER BY account",
        ps -> {},
        rs ->
            new StoredVerdict(
                rs.getString("account"),
                rs.getString("verdict"),
                rs.getDouble("score"),
                rs.getLong("requests"),
                nullableLong(rs, "flagged_at"),
                rs.getString("reasons"),
                rs.getLong("updated_at"),
                rs.getString("ref"),
                rs.getString("campaign"),
                rs.getBoolean("campaign_confirmed")));
  }

  @Override
  public boolean clearVerdict(String account) {
    return update("DELETE FROM verdicts WHERE account = ?", ps -> ps.setString(1, account)) > 0;
  }

  // --------------------------------------------------------------------- audit

  @Override
  public void appendAudit(AuditEntry e) {
    update(
        "INSERT INTO audit (id, at, actor, action, subject, reason, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, e.id());
          ps.setLong(2, e.atMillis());
          ps.setString(3, e.actor());
          ps.setString(4, e.action());
          ps.setString(5, e.subject());
          setNullable(ps, 6, e.reason(), Types.VARCHAR);
          setNullable(ps, 7, e.detail(), Types.VARCHAR);
        });
  }

  @Override
  public List<AuditEntry> audit(
      @Nullable String subjectPrefix, @Nullable String beforeId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit WHERE 1 = 1");
    if (subjectPrefix != null) {
      sql.append(" AND subject LIKE ? ESCAPE '!'");
    }
    if (beforeId != null) {
      sql.append(" AND id < ?");
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    return query(
        sql.toString(),
        ps -> {
          int i = 1;
          if (subjectPrefix != null) {
            ps.setString(
                i++, subjectPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
          }
          if (beforeId != null) {
            ps.setString(i++, beforeId);
          }
          ps.setInt(i, Math.max(1, Math.min(limit, 10_000)));
        },
        rs ->
            new AuditEntry(
                rs.getString("id"),
                rs.getLong("at"),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("subject"),
                rs.getString("reason"),
                rs.getString("detail")));
  }

  @Override
  public void putMarkServing(MarkServing m) {
    update(
        "INSERT INTO mark_servings (id, at, account, campaign, key_label, key_fingerprint,"
            + " endpoint, prompt_hash, canary_hash, words, units, changed, upstream_watermark)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, m.id());
          ps.setLong(2, m.atMillis());
          ps.setString(3, m.account());
          setNullable(ps, 4, m.campaign(), Types.VARCHAR);
          ps.setString(5, m.keyLabel());
          ps.setString(6, m.keyFingerprint());
          ps.setString(7, m.endpoint());
          ps.setString(8, m.promptHash());
          setNullable(ps, 9, m.canaryHash(), Types.VARCHAR);
          ps.setLong(10, m.words());
          ps.setLong(11, m.units());
          ps.setLong(12, m.changed());
          ps.setString(13, m.upstreamWatermark());
        });
  }

  @Override
  public List<MarkServing> markServings(@Nullable String account, int limit) {
    return query(
        "SELECT * FROM mark_servings"
            + (account == null ? "" : " WHERE account = ?")
            + " ORDER BY at DESC, id DESC LIMIT ?",
        ps -> {
          int i = 1;
          if (account != null) {
            ps.setString(i++, account);
          }
          ps.setInt(i, Math.max(1, Math.min(limit, 100_000)));
        },
        rs ->
            new MarkServing(
                rs.getString("id"),
                rs.getLong("at"),
                rs.getString("account"),
                rs.getString("campaign"),
                rs.getString("key_label"),
                rs.getString("key_fingerprint"),
                rs.getString("endpoint"),
                rs.getString("prompt_hash"),
                rs.getString("canary_hash"),
                rs.getLong("words"),
                rs.getLong("units"),
                rs.getLong("changed"),
                rs.getString("upstream_watermark")));
  }

  @Override
  public boolean ping() {
    try (Connection c = ds.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    ds.close();
  }
}
