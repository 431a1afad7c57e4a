package org.distillguard.gateway.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;
  JdbcStore store;

  @BeforeEach
  void open() {
    store = JdbcStore.open("jdbc:sqlite:" + dir.resolve("sub/dg.db"), "", "");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @org.junit.jupiter.api.Test
  void theFileIsInWalModeSoTheCliAndARunningGatewayCanShareIt() throws Exception {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sub/dg.db"));
        java.sql.ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      org.assertj.core.api.Assertions.assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Override
  Store store() {
    return store;
  }
}
