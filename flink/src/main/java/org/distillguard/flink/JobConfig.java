package org.distillguard.flink;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The job's settings, from {@code --name value} arguments (see {@link #USAGE}).
 *
 * @param bootstrap Kafka bootstrap servers
 * @param exchanges topic of exchanges (Contract 1 JSON, keyed by account)
 * @param verdicts topic of verdict lines (Contract 2, keyed by account)
 * @param campaigns topic of campaign lines (keyed by campaign id)
 * @param decisions topic of enforcement decisions (keyed by account; see {@link DecisionJson})
 * @param group consumer group id (offsets live in checkpoints; the group only reports progress)
 * @param parallelism parallelism of the source and the per-account stage
 * @param checkpointMillis checkpoint interval; output becomes visible to read_committed consumers
 *     when a checkpoint completes
 * @param stateBackend {@code hashmap} (heap) or {@code rocksdb} (large state, incremental)
 * @param checkpointDir where checkpoints go ({@code file:///...}, {@code s3://...}), or null for
 *     the cluster's default
 * @param bounded read the exchange topic up to its end offsets at start and then finish (replays,
 *     tests, benchmarks); unbounded otherwise
 * @param detector {@code standard}; or, for benchmarks, {@code noop} (the same job with the
 *     detector replaced by a keyed counter: exchanges parsed, keyed, counted, lines written) or
 *     {@code bare} (a keyed counter over unparsed records: the framework alone)
 * @param transactionTimeoutMillis Kafka transaction timeout of the exactly-once sinks (must not
 *     exceed the brokers' {@code transaction.max.timeout.ms}, 15 min by default)
 * @param snapshotEvery a verdict line is refreshed every this many requests of an account
 * @param linking {@code evidence}: campaign linking keyed by evidence value (accounts claim their
 *     values at a keyed evidence operator, a pairing operator finds links, one groups stage merges
 *     them); {@code single}: one campaign stage sees every update and links
 */
public record JobConfig(
    String bootstrap,
    String exchanges,
    String verdicts,
    String campaigns,
    String decisions,
    String group,
    int parallelism,
    long checkpointMillis,
    String stateBackend,
    @Nullable String checkpointDir,
    boolean bounded,
    String detector,
    long transactionTimeoutMillis,
    int snapshotEvery,
    String linking)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String USAGE =
      String.join(
          "\n",
          "Options (all --name value):",
          "  --bootstrap HOST:PORT,...     Kafka bootstrap servers (required)",
          "  --exchanges TOPIC             exchanges in (default distillguard.exchanges)",
          "  --verdicts TOPIC              verdict lines out (default distillguard.verdicts)",
          "  --campaigns TOPIC             campaign lines out (default distillguard.campaigns)",
          "  --decisions TOPIC             decisions out (default distillguard.decisions)",
          "  --group ID                    consumer group (default distillguard-detector)",
          "  --parallelism N               source and per-account parallelism (default 1)",
          "  --checkpoint-interval MS      checkpoint interval (default 10000)",
          "  --state-backend hashmap|rocksdb  (default rocksdb)",
          "  --checkpoint-dir URI          e.g. file:///var/lib/distillguard/ckpt, s3://b/ckpt",
          "  --bounded true|false          stop at the topic's end offsets (default false)",
          "  --detector standard|noop|bare  noop = parse + keyed counter, bare = keyed counter:"
              + " benchmark floors (default standard)",
          "  --transaction-timeout MS      Kafka transaction timeout (default 600000)",
          "  --snapshot-every N            refresh an account's verdict line every N requests"
              + " (default 256)",
          "  --linking evidence|single     campaign linking keyed by evidence value, or in one"
              + " campaign stage (default evidence)");

  public JobConfig {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    if (checkpointMillis < 10) {
      throw new IllegalArgumentException("checkpoint interval must be at least 10 ms");
    }
    if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
      throw new IllegalArgumentException(
          "state backend must be hashmap or rocksdb, got " + stateBackend);
    }
    if (!detector.equals("standard") && !detector.equals("noop") && !detector.equals("bare")) {
      throw new IllegalArgumentException(
          "detector must be standard, noop or bare, got " + detector);
    }
    if (!linking.equals("evidence") && !linking.equals("single")) {
      throw new IllegalArgumentException("linking must be evidence or single, got " + linking);
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshot-every must be at least 1");
    }
  }

  /** The defaults with {@code bootstrap}. */
  public static JobConfig defaults(String bootstrap) {
    return parse(new String[] {"--bootstrap", bootstrap});
  }

  /**
   * Reads {@code --name value} pairs.
   *
   * @throws IllegalArgumentException on an unknown option, a missing value or a bad number
   */
  public static JobConfig parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + a);
      }
      m.put(a.substring(2), args[++i]);
    }
    String bootstrap = m.remove("bootstrap");
    if (bootstrap == null) {
      throw new IllegalArgumentException("--bootstrap is required");
    }
    JobConfig c =
        new JobConfig(
            bootstrap,
            take(m, "exchanges", "distillguard.exchanges"),
            take(m, "verdicts", "distillguard.verdicts"),
            take(m, "campaigns", "distillguard.campaigns"),
            take(m, "decisions", "distillguard.decisions"),
            take(m, "group", "distillguard-detector"),
            Integer.parseInt(take(m, "parallelism", "1")),
            Long.parseLong(take(m, "checkpoint-interval", "10000")),
            take(m, "state-backend", "rocksdb"),
            m.remove("checkpoint-dir"),
            Boolean.parseBoolean(take(m, "bounded", "false")),
            take(m, "detector", "standard"),
            Long.parseLong(take(m, "transaction-timeout", "600000")),
            Integer.parseInt(take(m, "snapshot-every", "256")),
            take(m, "linking", "evidence"));
    if (!m.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + m.keySet());
    }
    return c;
  }

  private static String take(Map<String, String> m, String key, String fallback) {
    String v = m.remove(key);
    return v == null ? fallback : v;
  }
}
