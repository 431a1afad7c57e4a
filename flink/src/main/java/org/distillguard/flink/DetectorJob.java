package org.distillguard.flink;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.link.LinkerConfig;

/**
 * The DistillGuard detector as a Flink job: exchanges from Kafka in, verdicts, campaigns and
 * decisions to Kafka out, exactly once.
 *
 * <pre>
 * Kafka exchanges ─▶ source (p) ─keyBy(account)─▶ AccountFunction (p) ─▶ CampaignFunction (1) ─┬▶ verdicts
 *                                                 core AccountDetector     core CampaignStage   ├▶ decisions
 *                                                 state: keyed, per acct   state: chunked bytes └▶ campaigns
 * </pre>
 *
 * With {@code --linking evidence} (the default) linking is keyed by evidence value: the accounts
 * operator also keeps each account's {@code AccountEvidence} and sends claims (side output) to an
 * {@link EvidenceFunction} keyed by value, whose replies meet the account's updates in a {@link
 * PairFunction} keyed by account; the updates then reach the single {@link CampaignFunction} (the
 * groups stage) carrying the links their requests made.
 *
 * <p>Every operator has a fixed uid, so checkpoints and savepoints restore across job versions that
 * keep the uids. Run it with {@code flink run distillguard-flink-job.jar --bootstrap ...} (options
 * in {@link JobConfig#USAGE}).
 */
public final class DetectorJob {
  private DetectorJob() {}

  public static void main(String[] args) throws Exception {
    JobConfig config;
    try {
      config = JobConfig.parse(args);
    } catch (IllegalArgumentException e) {
      PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
      err.println("distillguard-flink: " + e.getMessage());
      err.println(JobConfig.USAGE);
      System.exit(2);
      return;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    configure(env, config);
    build(env, config);
    env.execute("distillguard-detector");
  }

  /** Checkpointing, state backend and parallelism from {@code config}. */
  public static void configure(StreamExecutionEnvironment env, JobConfig config) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, config.stateBackend());
    if (config.stateBackend().equals("rocksdb")) {
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
      // A new account's first request looks up a key that is not there; without bloom filters
      // each such miss reads every level (it dominated a run with a million new accounts).
      conf.set(
          ConfigOptions.key("state.backend.rocksdb.use-bloom-filter")
              .booleanType()
              .noDefaultValue(),
          true);
    }
    // Compressed (Snappy) operator and heap keyed state. Not for the bytes saved: Flink reads
    // uncompressed operator state back one byte at a time from the file (one read call per byte:
    // CompressibleFSDataInputStream has no bulk read), which made restoring the campaign stage of
    // a million accounts take minutes; the decompressing stream reads the file in blocks.
    conf.set(ExecutionOptions.SNAPSHOT_COMPRESSION, true);
    String dir = config.checkpointDir();
    if (dir != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    }
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    env.configure(conf);
    env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.setParallelism(config.parallelism());
  }

  /** Adds the job's sources, operators and sinks to {@code env}. */
  public static void build(StreamExecutionEnvironment env, JobConfig config) {
    if (config.detector().equals("bare")) {
      env.fromSource(
              source(config, new KafkaFormats.RawExchangeIn()),
              WatermarkStrategy.noWatermarks(),
              "exchanges")
          .uid("exchanges-source")
          .keyBy(t -> t.f0, Types.STRING)
          .process(
              new NoopAccountFunction.Bare(config.snapshotEvery()), CampaignFunction.KEYED_JSON)
          .uid("bare-accounts")
          .name("bare accounts")
          .sinkTo(sink(config, config.verdicts(), "verdicts"))
          .uid("verdicts-sink");
      return;
    }
    // Exchanges are parsed where they are read (the source's thread), so that parsing and the
    // detector's work overlap on different threads even at parallelism 1.
    DataStream<Observation> exchanges =
        env.fromSource(
                source(config, new KafkaFormats.ExchangeIn()),
                WatermarkStrategy.noWatermarks(),
                "exchanges")
            .uid("exchanges-source");

    if (config.detector().equals("noop")) {
      exchanges
          .keyBy(Observation::account, Types.STRING)
          .process(new NoopAccountFunction(config.snapshotEvery()), CampaignFunction.KEYED_JSON)
          .uid("noop-accounts")
          .name("noop accounts")
          .sinkTo(sink(config, config.verdicts(), "verdicts"))
          .uid("verdicts-sink");
      return;
    }

    DetectorConfig detector = DetectorConfig.defaults();
    LinkerConfig linking = LinkerConfig.defaults();
    boolean byEvidence = config.linking().equals("evidence");
    SingleOutputStreamOperator<Update> accounts =
        exchanges
            .keyBy(Observation::account, Types.STRING)
            .process(
                new AccountFunction(
                    detector,
                    config.snapshotEvery(),
                    config.bounded(),
                    byEvidence ? linking : null),
                Update.TYPE)
            .uid("accounts")
            .name("accounts (core AccountDetector)");
    DataStream<Update> updates = accounts;
    if (byEvidence) {
      // Linking keyed by evidence value: claims meet their values, replies meet their accounts,
      // and updates reach the groups stage carrying the links their requests made.
      DataStream<Reply> replies =
          accounts
              .getSideOutput(EvidenceClaims.CLAIMS)
              .keyBy(Claim::key, Types.LONG)
              .process(new EvidenceFunction(), Reply.TYPE)
              .uid("evidence")
              .name("evidence values (core EvidenceValue)");
      updates =
          accounts
              .connect(replies)
              .keyBy(Update::account, Reply::account, Types.STRING)
              .process(new PairFunction(linking), Update.TYPE)
              .uid("pairs")
              .name("pairs (core AccountEvidence.links)");
    }
    SingleOutputStreamOperator<Tuple2<String, String>> verdicts =
        updates
            .keyBy(u -> 0, Types.INT)
            .process(new CampaignFunction(detector, linking), CampaignFunction.KEYED_JSON)
            .setParallelism(1)
            .setMaxParallelism(1)
            .uid(byEvidence ? "groups" : "campaigns")
            .name(
                byEvidence
                    ? "groups (core CampaignStage, links found upstream)"
                    : "campaigns (core CampaignStage)");
    // The sinks run beside the campaign stage (parallelism 1, chained): lines of one key keep
    // their order on the way to Kafka.
    verdicts
        .sinkTo(sink(config, config.verdicts(), "verdicts"))
        .setParallelism(1)
        .uid("verdicts-sink");
    verdicts
        .getSideOutput(CampaignFunction.DECISIONS)
        .sinkTo(sink(config, config.decisions(), "decisions"))
        .setParallelism(1)
        .uid("decisions-sink");
    verdicts
        .getSideOutput(CampaignFunction.CAMPAIGNS)
        .sinkTo(sink(config, config.campaigns(), "campaigns"))
        .setParallelism(1)
        .uid("campaigns-sink");
  }

  private static <T> KafkaSource<T> source(
      JobConfig config, KafkaRecordDeserializationSchema<T> format) {
    var source =
        KafkaSource.<T>builder()
            .setBootstrapServers(config.bootstrap())
            .setTopics(config.exchanges())
            .setGroupId(config.group())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(format)
            .setProperty("isolation.level", "read_committed");
    if (config.bounded()) {
      source.setBounded(OffsetsInitializer.latest());
    }
    return source.build();
  }

  private static KafkaSink<Tuple2<String, String>> sink(
      JobConfig config, String topic, String name) {
    Properties p = new Properties();
    p.setProperty("transaction.timeout.ms", Long.toString(config.transactionTimeoutMillis()));
    p.setProperty("enable.idempotence", "true");
    p.setProperty("acks", "all");
    p.setProperty("compression.type", "lz4");
    return KafkaSink.<Tuple2<String, String>>builder()
        .setBootstrapServers(config.bootstrap())
        .setKafkaProducerConfig(p)
        .setRecordSerializer(new KafkaFormats.KeyedJsonOut(topic))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(config.group() + "-" + name)
        .build();
  }
}
