package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.distillguard.gateway.store.ListEntry;
import org.distillguard.gateway.store.PostgresStoreTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway on PostgreSQL instead of SQLite: keys, lists and audit across a restart. */
@Tag("slow")
class PostgresGatewayTest {
  @TempDir Path dir;

  @Test
  void theGatewayRunsOnPostgresqlAndKeepsItsStateAcrossRestarts() throws Exception {
    String schema = PostgresStoreTest.freshSchema();
    try (GatewayFixture fx =
        new GatewayFixture(
            dir,
            c -> {
              c.store.url = PostgresStoreTest.url(schema);
              c.store.user = PostgresStoreTest.USER;
              c.store.password = PostgresStoreTest.PASSWORD;
            })) {
      String ok = fx.key("acct-pg");
      String denied = fx.key("acct-pg-denied");
      fx.gateway
          .operations()
          .list("test", ListEntry.ListType.DENY, ListEntry.Kind.ACCOUNT, "acct-pg-denied", "x");
      fx.restart();
      assertThat(fx.post("/v1/chat/completions", ok, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(200);
      assertThat(fx.post("/v1/chat/completions", denied, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(403);
      assertThat(fx.gateway.operations().audit("account:acct-pg", null, 10)).isNotEmpty();
    } finally {
      PostgresStoreTest.dropSchema(schema);
    }
  }
}
