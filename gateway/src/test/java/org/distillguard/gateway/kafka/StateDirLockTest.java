package org.distillguard.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.store.JdbcStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one {@code state_dir} would replay each other's spill and overwrite each other's
 * decision snapshot: the second is refused at start, naming the directory, and the directory is
 * free again once the first has closed.
 */
class StateDirLockTest {
  @TempDir Path dir;

  private KafkaLink open(Audit audit) throws Exception {
    // Nothing listens on port 1: the clients connect in the background and never get there.
    GatewayConfig c =
        ConfigLoader.parse(
            "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://127.0.0.1:1'}]\n"
                + "kafka: {bootstrap_servers: '127.0.0.1:1', state_dir: shared}\n",
            Map.of(),
            dir);
    return KafkaLink.open(c.kafka, dir, 8080, audit, Clock.systemUTC());
  }

  @Test
  void aSecondGatewayOnTheSameStateDirIsRefusedUntilTheFirstCloses() throws Exception {
    try (JdbcStore store = JdbcStore.open("jdbc:sqlite:" + dir.resolve("s.db"), "", "")) {
      Audit audit = new Audit(store, Clock.systemUTC());
      KafkaLink first = open(audit);
      assertThatThrownBy(() -> open(audit))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("kafka.state_dir " + dir.resolve("shared"))
          .hasMessageContaining("in use by another gateway");
      first.close(Duration.ofMillis(200));
      KafkaLink again = open(audit);
      again.close(Duration.ofMillis(200));
    }
    assertThat(dir.resolve("shared/.lock")).exists();
  }
}
