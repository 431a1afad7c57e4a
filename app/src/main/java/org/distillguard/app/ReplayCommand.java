package org.distillguard.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.distillguard.core.io.InputException;
import org.distillguard.gateway.kafka.LogReplayer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code distillguard replay}: exchange logs into the Kafka exchange topic. */
@Command(
    name = "replay",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    description = {
      "Replays exchange logs (Contract 1 JSON Lines, plain or gzip: gateway journals, spill"
          + " segments, simulator output) into a Kafka topic, keyed by account, in file order, for"
          + " the Flink detector job (docs/SCALE-OUT.md).",
      "",
      "The producer is idempotent with acks=all: every record is acknowledged by all in-sync"
          + " replicas before the command succeeds. Invalid lines are reported with file and line"
          + " and skipped. Progress goes to stderr, the summary to stdout."
    },
    footer = {
      "",
      "Examples:",
      "  distillguard replay --bootstrap-servers kafka-1:9092 --topic distillguard.exchanges \\",
      "      logs/2026-11-*.jsonl.gz",
      "  distillguard replay --bootstrap-servers kafka:9093 --topic distillguard.exchanges \\",
      "      -p security.protocol=SASL_SSL -p sasl.mechanism=SCRAM-SHA-512 \\",
      "      -p 'sasl.jaas.config=...' journal/exchanges-*.jsonl.gz",
      "",
      "Exit codes: 0 every valid line acknowledged, 1 Kafka failed mid-way (already acknowledged"
          + " lines are sent again by a rerun), 2 unusable arguments, unreadable file, Kafka"
          + " unreachable or topic missing."
    })
public final class ReplayCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "LOG", description = "Exchange log files.")
  List<String> files = new ArrayList<>();

  @Option(
      names = {"-b", "--bootstrap-servers"},
      required = true,
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrap = "";

  @Option(
      names = {"-t", "--topic"},
      paramLabel = "TOPIC",
      description = "The exchange topic (default: ${DEFAULT-VALUE}); it must exist.")
  String topic = "distillguard.exchanges";

  @Option(
      names = {"-p", "--property"},
      paramLabel = "KEY=VALUE",
      description = "A Kafka client property (security settings, ...); repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "How long Kafka may be unreachable before giving up (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 60;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (timeoutSeconds < 1) {
      return fail(err, "--timeout must be at least 1 second, not " + timeoutSeconds);
    }
    for (String f : files) {
      if (f.equals("-")) {
        return fail(err, "replay reads files, not standard input ('-')");
      }
      if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
        return fail(err, "cannot read " + f);
      }
    }
    Properties extra = new Properties();
    extra.putAll(properties);
    long start = System.nanoTime();
    Progress progress = new Progress(err, files.size(), quiet);
    LogReplayer.Result r;
    try {
      r =
          LogReplayer.replay(
              bootstrap, topic, files, extra, Duration.ofSeconds(timeoutSeconds), progress);
    } catch (InputException e) {
      progress.end();
      return fail(err, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      progress.end();
      boolean before = progress.sent == 0;
      err.println("distillguard replay: " + e.getMessage());
      err.flush();
      return before ? Main.EXIT_USAGE : Main.EXIT_INTERNAL;
    } catch (org.apache.kafka.common.KafkaException | IllegalArgumentException e) {
      progress.end();
      return fail(err, "Kafka client: " + e.getMessage());
    }
    progress.end();
    double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    out.printf(
        Locale.ROOT,
        "replayed %,d exchanges from %d file(s) into %s in %.1f s (%,.0f/s); %,d invalid line(s)"
            + " skipped%n",
        r.sent(),
        files.size(),
        topic,
        secs,
        r.sent() / secs,
        r.skipped());
    out.flush();
    return Main.EXIT_OK;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("distillguard replay: " + message);
    err.flush();
    return Main.EXIT_USAGE;
  }

  /** One progress line per second on stderr; the first invalid lines named. */
  private static final class Progress implements LogReplayer.Listener {
    private static final int SHOWN_INVALID = 10;
    private final PrintWriter err;
    private final int files;
    private final boolean quiet;
    private long last;
    private boolean drawn;
    long sent;
    long invalid;

    Progress(PrintWriter err, int files, boolean quiet) {
      this.err = err;
      this.files = files;
      this.quiet = quiet;
    }

    @Override
    public void progress(
        String file, int fileIndex, long bytesRead, long fileBytes, long sent, long skipped) {
      this.sent = sent;
      long now = System.nanoTime();
      if (quiet || now - last < 1_000_000_000L) {
        return;
      }
      last = now;
      String pct =
          fileBytes > 0
              ? String.format(Locale.ROOT, " %3.0f%%", Math.min(100, 100.0 * bytesRead / fileBytes))
              : "";
      err.printf(
          Locale.ROOT,
          "\rfile %d/%d %s%s  %,d sent  %,d skipped   ",
          fileIndex + 1,
          files,
          file,
          pct,
          sent,
          skipped);
      err.flush();
      drawn = true;
    }

    @Override
    public void invalid(String file, long line, String problem) {
      invalid++;
      if (invalid <= SHOWN_INVALID) {
        end();
        err.println("distillguard replay: skipping " + file + ":" + line + ": " + problem);
      } else if (invalid == SHOWN_INVALID + 1) {
        end();
        err.println("distillguard replay: further invalid lines are counted, not shown");
      }
      err.flush();
    }

    void end() {
      if (drawn) {
        err.println();
        err.flush();
        drawn = false;
      }
    }
  }
}
