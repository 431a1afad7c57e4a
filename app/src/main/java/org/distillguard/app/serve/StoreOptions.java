package org.distillguard.app.serve;

import java.nio.file.Path;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.store.JdbcStore;
import picocli.CommandLine.Option;

/** The {@code --config} option of the store commands, and opening the store it names. */
public final class StoreOptions {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description =
          "The gateway's YAML configuration; its store settings say which database to use.")
  Path config;

  /** An open store and the operations over it; close it. */
  record Opened(JdbcStore store, Operations ops) implements AutoCloseable {
    @Override
    public void close() {
      store.close();
    }
  }

  Opened open() throws ConfigException {
    GatewayConfig c = ConfigLoader.loadForStore(config, System.getenv());
    JdbcStore store = JdbcStore.open(ConfigLoader.jdbcUrl(c), c.store.user, c.store.password);
    return new Opened(store, new Operations(store, new Audit(store, java.time.Clock.systemUTC())));
  }

  static String actor() {
    return "cli:" + System.getProperty("user.name", "unknown");
  }
}
