package org.distillguard.gateway.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same contract on a real PostgreSQL, in a fresh schema per test. {@code .ci/run} installs and
 * starts PostgreSQL from Debian's packages; elsewhere set {@code DISTILLGUARD_TEST_PG_URL} (and
 * {@code _USER}, {@code _PASSWORD}), or the test skips itself saying so.
 */
public class PostgresStoreTest extends StoreContract {
  public static final String URL =
      env("DISTILLGUARD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/distillguard_test");
  public static final String USER = env("DISTILLGUARD_TEST_PG_USER", "distillguard");
  public static final String PASSWORD = env("DISTILLGUARD_TEST_PG_PASSWORD", "distillguard");

  String schema;
  JdbcStore store;

  static String env(String k, String dflt) {
    String v = System.getenv(k);
    return v == null || v.isEmpty() ? dflt : v;
  }

  /** A fresh schema on the test server, or the test is skipped with the reason. */
  public static String freshSchema() {
    String schema =
        "dg_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      Assumptions.abort(
          "PostgreSQL not available at "
              + URL
              + " ("
              + e.getMessage()
              + "); .ci/run installs it, or set DISTILLGUARD_TEST_PG_URL");
    }
    return schema;
  }

  public static void dropSchema(String schema) {
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      // best effort
    }
  }

  public static String url(String schema) {
    return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @BeforeEach
  void open() {
    schema = freshSchema();
    store = JdbcStore.open(url(schema), USER, PASSWORD);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
    if (schema != null) {
      dropSchema(schema);
    }
  }

  @Override
  Store store() {
    return store;
  }
}
