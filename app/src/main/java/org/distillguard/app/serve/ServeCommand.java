package org.distillguard.app.serve;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.distillguard.app.Main;
import org.distillguard.gateway.Gateway;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.standin.StandInUpstream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distillguard serve}: runs the gateway until it is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the gateway: an OpenAI- and Anthropic-compatible reverse proxy that authenticates,"
          + " rate-limits, detects distillation inline and enforces the policy.",
      "",
      "Example:",
      "  DISTILLGUARD_ADMIN_TOKEN=... OPENAI_API_KEY=... \\",
      "    distillguard serve --config distillguard.yaml",
      "",
      "Clients change only their base URL (http://HOST:8080/v1 for OpenAI SDKs,",
      "http://HOST:8080 for Anthropic's). SIGTERM shuts down gracefully.",
      ""
    },
    footer = {
      "",
      "Configuration reference: docs/GATEWAY.md.",
      "Exit codes: 0 stopped cleanly (or --check passed), 1 internal error, 2 unusable"
          + " configuration."
    })
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The gateway's YAML configuration (distillguard.yaml).")
  Path config;

  @Option(
      names = "--check",
      description = "Validate the configuration and open the store, then exit.")
  boolean check;

  @Option(
      names = "--standin",
      paramLabel = "PORT",
      description =
          "Also start the stand-in upstream (OpenAI and Anthropic wire formats, no model) on"
              + " 127.0.0.1:PORT, for trying the gateway out and for load tests.")
  int standinPort = -1;

  @Override
  public Integer call() throws Exception {
    GatewayConfig c;
    try {
      c = ConfigLoader.load(config, System.getenv());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("distillguard serve: " + config + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (check) {
      try (var store =
          org.distillguard.gateway.store.JdbcStore.open(
              ConfigLoader.jdbcUrl(c), c.store.user, c.store.password)) {
        spec.commandLine()
            .getOut()
            .println(
                "configuration ok: "
                    + c.upstreams.size()
                    + " upstream(s), store "
                    + (store.isSqlite() ? "SQLite" : "PostgreSQL")
                    + ", "
                    + store.keys().size()
                    + " key(s)");
      }
      return Main.EXIT_OK;
    }
    StandInUpstream standin =
        standinPort >= 0 ? StandInUpstream.standalone().start("127.0.0.1", standinPort) : null;
    Gateway g;
    try {
      g = Gateway.start(c, Clock.systemUTC());
    } catch (java.io.IOException e) {
      // The port is taken, the store or a state directory is unusable: the operator's to fix.
      if (standin != null) {
        standin.close();
      }
      spec.commandLine().getErr().println("distillguard serve: cannot start: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  g.close();
                  if (standin != null) {
                    standin.close();
                  }
                  stopped.countDown();
                },
                "distillguard-shutdown"));
    spec.commandLine()
        .getOut()
        .println(
            "distillguard gateway on http://"
                + c.listen.host
                + ":"
                + g.port()
                + (g.adminPort() < 0
                    ? ""
                    : " (admin http://" + c.admin.host + ":" + g.adminPort() + ")")
                + (standin == null ? "" : "; stand-in upstream on " + standin.baseUrl()));
    spec.commandLine().getOut().flush();
    stopped.await();
    return Main.EXIT_OK;
  }
}
