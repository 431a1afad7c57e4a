package org.distillguard.app.intel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.distillguard.app.Main;
import org.distillguard.core.io.InputException;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.export.Analysis;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.Importer;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixTime;
import org.distillguard.intel.taxii.Poller;
import org.distillguard.intel.taxii.TaxiiServer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code distillguard intel}: share indicators with peer providers (STIX 2.1 over TAXII 2.1). */
@Command(
    name = "intel",
    mixinStandardHelpOptions = true,
    description = {
      "Share what the detector found with peer providers, and apply what they share: signed"
          + " STIX 2.1 bundles, exchanged over TAXII 2.1. No prompt and no end-user identifier"
          + " leaves in the clear: identifiers as keyed fingerprints, prompts as keyed sketches.",
      "",
      "Setup and configuration: docs/INTEL.md."
    },
    subcommands = {
      IntelCommand.Keygen.class,
      IntelCommand.Export.class,
      IntelCommand.Import.class,
      IntelCommand.Serve.class,
      IntelCommand.Poll.class,
      IntelCommand.Publish.class,
      IntelCommand.Indicators.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 internal error, 2 unusable arguments or input."})
public final class IntelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every subcommand that acts as a member shares. */
  static final class ConfigOption {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "The member's intel configuration (JSON, see docs/INTEL.md).")
    Path config = Path.of("intel.json");

    @Option(
        names = "--now",
        paramLabel = "TIME",
        description = "Pretend it is TIME (RFC 3339), for reproducible output and replays.")
    @Nullable String now;

    Clock clock() {
      return now == null
          ? Clock.systemUTC()
          : Clock.fixed(Instant.ofEpochMilli(StixTime.parseMillis(now)), ZoneOffset.UTC);
    }

    IntelNode open() throws IntelConfig.ConfigException {
      IntelConfig c = IntelConfig.read(config);
      try {
        return IntelNode.open(c, clock());
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IntelConfig.ConfigException(config + ": no such file: " + e.getFile());
      } catch (IOException e) {
        throw new IntelConfig.ConfigException(config + ": " + e.getMessage());
      }
    }
  }

  static int fail(CommandLine.Model.CommandSpec spec, String message) {
    spec.commandLine().getErr().println("distillguard intel " + spec.name() + ": " + message);
    return Main.EXIT_USAGE;
  }

  static void printReport(PrintWriter out, String what, Importer.Report r) {
    out.printf(
        "%s: %d accepted, %d duplicates, %d built-in, %d rejected%n",
        what, r.accepted(), r.duplicates(), r.builtIns(), r.rejected().size());
    int shown = 0;
    for (Importer.Rejection x : r.rejected()) {
      if (shown++ == 20) {
        out.printf("  … and %d more rejected%n", r.rejected().size() - 20);
        break;
      }
      out.println("  rejected " + x);
    }
  }

  /** {@code intel keygen}: a member's Ed25519 key, or the consortium key. */
  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a new Ed25519 signing key (default) or a new consortium key (--consortium).",
        "Prints the public key that peers pin in their configuration.",
        "",
        "Example:",
        "  distillguard intel keygen --out provider-a.key",
        "  distillguard intel keygen --consortium --out consortium.key"
      })
  static final class Keygen implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Key file to write (must not exist).")
    Path out = Path.of("member.key");

    @Option(
        names = "--consortium",
        description = "Write a consortium (HMAC) key instead; share it with members only.")
    boolean consortium;

    @Override
    public Integer call() throws IOException {
      if (Files.exists(out)) {
        return fail(spec, out + ": exists; refusing to overwrite a key");
      }
      SecureRandom rnd = new SecureRandom();
      if (consortium) {
        Files.writeString(out, ConsortiumKey.generate(rnd));
        restrict(out);
        spec.commandLine().getOut().println("wrote consortium key " + out);
      } else {
        String pub = IntelNode.writeSigningKey(out, rnd);
        restrict(out);
        spec.commandLine().getOut().println("wrote " + out + "; public key to pin at peers:");
        spec.commandLine().getOut().println(pub);
      }
      return Main.EXIT_OK;
    }

    private static void restrict(Path p) {
      try {
        Files.setPosixFilePermissions(
            p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (IOException | UnsupportedOperationException e) {
        // not a POSIX file system: leave as created
      }
    }
  }

  /** {@code intel export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a signed STIX 2.1 bundle of the campaigns and flagged accounts of an analyze"
            + " output directory. Give the exchange logs it was made from (--log) to add keyed"
            + " fingerprints, network blocks and prompt-template sketches from them.",
        "",
        "Example:",
        "  distillguard intel export -c provider-a.json --log traffic.jsonl.gz \\",
        "      --previous last-bundle.json --out bundle.json distillguard-out"
      })
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Parameters(
        index = "0",
        paramLabel = "DIR",
        description = "analyze output directory (verdicts.jsonl, campaigns.jsonl).")
    Path dir = Path.of("distillguard-out");

    @Option(
        names = "--log",
        paramLabel = "FILE",
        description = "Exchange log the analysis read (repeatable; .gz accepted).")
    List<String> logs = new ArrayList<>();

    @Option(
        names = "--previous",
        paramLabel = "FILE",
        description =
            "The bundle published last time: what it held and this one does not is revoked.")
    @Nullable Path previous;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Where to write the bundle (default: standard output).")
    @Nullable Path out;

    @Option(
        names = "--min-account-score",
        paramLabel = "X",
        description =
            "Accounts flagged 'distillation' outside any campaign are published (at confidence"
                + " 60 x score) when their score is at least X (default: ${DEFAULT-VALUE}).")
    double minAccountScore = 0.0;

    @Option(
        names = "--no-accounts",
        description = "Publish campaigns only, not lone flagged accounts.")
    boolean noAccounts;

    @Option(
        names = "--publish",
        description =
            "Also post the bundle to this member's own TAXII server (intel serve must be running).")
    boolean publish;

    @Override
    public Integer call() throws IOException {
      try (IntelNode node = cfg.open()) {
        ObjectNode bundle =
            node.export(
                dir,
                logs,
                previous,
                node.exportOptions().withAccounts(!noAccounts, minAccountScore));
        byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(bundle);
        if (out == null) {
          spec.commandLine()
              .getOut()
              .println(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } else {
          Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
          Files.write(tmp, bytes);
          Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
          spec.commandLine()
              .getErr()
              .printf("wrote %s: %d objects%n", out, bundle.get("objects").size());
        }
        if (publish) {
          JsonNode status = node.publish(bundle);
          spec.commandLine()
              .getErr()
              .printf(
                  "published: %d stored, %d failed%n",
                  status.path("success_count").asInt(), status.path("failure_count").asInt());
        }
        return Main.EXIT_OK;
      } catch (IntelConfig.ConfigException | Analysis.AnalysisException | InputException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }

  /** {@code intel import}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Verifies and imports STIX bundles from peers into this member's store. Each object is"
            + " checked alone (signature against the pinned keys, expiry, replay, schema and"
            + " pattern); a rejected object is reported with its id and reason, the rest imported.",
        "",
        "Example:",
        "  distillguard intel import -c provider-b.json bundle-from-a.json"
      })
  static final class Import implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Parameters(arity = "1..*", paramLabel = "BUNDLE", description = "STIX 2.1 bundle files.")
    List<Path> bundles = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      try (IntelNode node = cfg.open()) {
        for (Path b : bundles) {
          JsonNode bundle;
          try {
            bundle = Json.MAPPER.readTree(b.toFile());
          } catch (IOException e) {
            return fail(spec, b + ": not a JSON file (" + e.getMessage() + ")");
          }
          printReport(
              spec.commandLine().getOut(), b.toString(), node.importBundle(bundle, b.toString()));
        }
        IndicatorMatcher m = node.matcher();
        long enforced =
            m.indicators().stream()
                .filter(a -> a.action().compareTo(org.distillguard.intel.ingest.Action.WATCH) > 0)
                .count();
        spec.commandLine()
            .getOut()
            .printf("indicators held: %d, enforced: %d%n", m.indicators().size(), enforced);
        return Main.EXIT_OK;
      } catch (IntelConfig.ConfigException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }

  /** {@code intel serve}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Runs this member's TAXII 2.1 server (its published collection and a sightings inbox)"
            + " and, with --poll-interval, polls every peer that has a TAXII endpoint.",
        "",
        "Example:",
        "  distillguard intel serve -c provider-a.json --poll-interval 1s"
      })
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Option(
        names = "--poll-interval",
        paramLabel = "DURATION",
        description =
            "Poll peers this often (e.g. 1s, 500ms); 0 to not poll (default: ${DEFAULT-VALUE}).")
    String pollInterval = "1s";

    @Override
    public Integer call() throws Exception {
      Duration every = parseDuration(pollInterval);
      try (IntelNode node = cfg.open()) {
        TaxiiServer s = node.serve();
        spec.commandLine()
            .getOut()
            .println("TAXII 2.1 server for " + node.config().member() + " at " + s.url());
        spec.commandLine().getOut().flush();
        if (every.isZero()) {
          new CountDownLatch(1).await();
        }
        Poller p = node.poller();
        while (!Thread.currentThread().isInterrupted()) {
          report(spec.commandLine().getOut(), p.pollAll(node.config().peers()));
          Thread.sleep(every.toMillis());
        }
        return Main.EXIT_OK;
      } catch (IntelConfig.ConfigException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }

  static void report(PrintWriter out, List<Poller.Result> results) {
    for (Poller.Result r : results) {
      if (r.error() != null) {
        out.println(r.peer() + ": " + r.error());
      } else if (r.report().accepted() > 0 || !r.report().rejected().isEmpty()) {
        printReport(out, r.peer(), r.report());
      }
    }
    out.flush();
  }

  static Duration parseDuration(String s) {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    }
    if (t.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    throw new CommandLine.TypeConversionException("not a duration: " + s + " (use 500ms, 2s, 5m)");
  }

  /** {@code intel poll}. */
  @Command(
      name = "poll",
      mixinStandardHelpOptions = true,
      description = {
        "Polls every peer's TAXII collection once (or every --interval) and imports what is new."
            + " The cursor per peer is kept in the state directory, so a restart resumes where it"
            + " stopped and no object version is imported twice.",
        "",
        "Example:",
        "  distillguard intel poll -c provider-b.json"
      })
  static final class Poll implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Option(
        names = "--interval",
        paramLabel = "DURATION",
        description = "Keep polling this often (e.g. 1s) instead of once.")
    @Nullable String interval;

    @Override
    public Integer call() throws Exception {
      try (IntelNode node = cfg.open()) {
        Poller p = node.poller();
        PrintWriter out = spec.commandLine().getOut();
        if (interval == null) {
          List<Poller.Result> rs = p.pollAll(node.config().peers());
          for (Poller.Result r : rs) {
            if (r.error() != null) {
              out.println(r.peer() + ": " + r.error());
            } else {
              printReport(out, r.peer(), r.report());
            }
          }
          return rs.stream().allMatch(r -> r.error() == null) ? Main.EXIT_OK : Main.EXIT_INTERNAL;
        }
        Duration every = parseDuration(interval);
        while (!Thread.currentThread().isInterrupted()) {
          report(out, p.pollAll(node.config().peers()));
          Thread.sleep(Math.max(10, every.toMillis()));
        }
        return Main.EXIT_OK;
      } catch (IntelConfig.ConfigException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }

  /** {@code intel publish}. */
  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = {
        "Posts a bundle written by 'intel export' to this member's own TAXII collection.",
        "",
        "Example:",
        "  distillguard intel publish -c provider-a.json bundle.json"
      })
  static final class Publish implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle to publish.")
    Path bundle = Path.of("bundle.json");

    @Override
    public Integer call() throws IOException {
      try (IntelNode node = cfg.open()) {
        JsonNode status = node.publish(Json.MAPPER.readTree(bundle.toFile()));
        spec.commandLine()
            .getOut()
            .printf(
                "published %s: %d stored, %d failed%n",
                bundle, status.path("success_count").asInt(), status.path("failure_count").asInt());
        for (JsonNode f : status.path("failures")) {
          spec.commandLine()
              .getOut()
              .println("  failed " + f.path("id").asText() + ": " + f.path("message").asText());
        }
        return status.path("failure_count").asInt() == 0 ? Main.EXIT_OK : Main.EXIT_USAGE;
      } catch (IntelConfig.ConfigException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }

  /** {@code intel indicators}. */
  @Command(
      name = "indicators",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the imported indicators with what local policy makes of them now, one JSON"
            + " object per line (id, peer, kind, action, confidence, valid_until).",
        "",
        "Example:",
        "  distillguard intel indicators -c provider-b.json"
      })
  static final class Indicators implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ConfigOption cfg = new ConfigOption();

    @Override
    public Integer call() throws IOException {
      try (IntelNode node = cfg.open()) {
        for (ActiveIndicator a : node.matcher().indicators()) {
          ObjectNode o = Json.MAPPER.createObjectNode();
          o.put("id", a.id());
          o.put("peer", a.peer());
          o.put("kind", a.kind());
          o.put("action", a.action().wire());
          o.put("confidence", a.confidence());
          if (a.validUntil() != Long.MAX_VALUE) {
            o.put("valid_until", StixTime.format(a.validUntil()));
          }
          if (a.tlp() != null) {
            o.put("tlp", a.tlp().label());
          }
          spec.commandLine().getOut().println(o);
        }
        return Main.EXIT_OK;
      } catch (IntelConfig.ConfigException e) {
        return fail(spec, String.valueOf(e.getMessage()));
      }
    }
  }
}
