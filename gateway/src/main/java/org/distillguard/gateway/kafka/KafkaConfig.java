package org.distillguard.gateway.kafka;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code kafka:} section of {@code distillguard.yaml}. Off while {@code bootstrap_servers} is
 * empty. Plain bean with public fields, like the rest of {@code GatewayConfig}: Jackson fills what
 * the file sets and the initialisers stay the defaults.
 */
public final class KafkaConfig {
  /**
   * Client settings DistillGuard sets itself because its guarantees depend on them; {@code
   * properties} may not override them.
   */
  static final Set<String> OWNED =
      Set.of(
          "bootstrap.servers",
          "client.id",
          "group.id",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "acks",
          "enable.idempotence",
          "max.in.flight.requests.per.connection",
          "retries",
          "delivery.timeout.ms",
          "buffer.memory",
          "max.block.ms",
          "transactional.id",
          "isolation.level",
          "enable.auto.commit",
          "auto.offset.reset");

  /** Comma-separated {@code host:port} list; empty turns Kafka off. */
  @JsonProperty("bootstrap_servers")
  public String bootstrapServers = "";

  /** Prefix of the Kafka client ids (visible in broker logs and quotas). */
  @JsonProperty("client_id")
  public String clientId = "distillguard-gateway";

  /**
   * This gateway's name among its peers: its decision consumer group is {@code client_id-instance}
   * and it appears in client ids and audit entries. Empty: host name and listen port. Keep it
   * stable across restarts (a pod name in a StatefulSet, say).
   */
  public String instance = "";

  /**
   * Bytes of exchanges handed to the producer and not yet acknowledged by Kafka; beyond this they
   * go to the spill journal. This (plus the hand-off queue) is what a hard crash during an outage
   * can lose with {@code exchanges.mode: instead}.
   */
  @JsonProperty("buffer_bytes")
  public long bufferBytes = 32L * 1024 * 1024;

  /** Exchanges waiting for the publisher thread; when full they are dropped and counted. */
  @JsonProperty("queue_capacity")
  public int queueCapacity = 65_536;

  /**
   * No acknowledgement for this long while records wait: Kafka counts as down (readyz, metrics).
   */
  @JsonProperty("down_after_ms")
  public long downAfterMs = 5_000;

  /** Spill journal and decision snapshot, relative to the config file; one per instance. */
  @JsonProperty("state_dir")
  public String stateDir = "kafka";

  /**
   * Extra client properties for the producer and the consumer, passed as they are: {@code
   * security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code compression.type}, ... The settings
   * DistillGuard's guarantees rest on (acks, idempotence, isolation, serializers, group) are
   * refused.
   */
  public Map<String, String> properties = new LinkedHashMap<>();

  public Exchanges exchanges = new Exchanges();
  public Decisions decisions = new Decisions();

  /** Where exchanges go. */
  public static final class Exchanges {
    public String topic = "distillguard.exchanges";

    /**
     * {@code also}: to Kafka and to the local journal; {@code instead}: to Kafka only (the journal
     * is not written; the spill journal still catches what Kafka cannot take); {@code off}: not to
     * Kafka (the gateway only follows decisions).
     */
    public String mode = "also";
  }

  /** The decision topic the Flink job writes. */
  public static final class Decisions {
    public boolean enabled = true;
    public String topic = "distillguard.decisions";

    /**
     * Where to start when there is no snapshot ({@code state_dir/decisions.json}): {@code earliest}
     * rebuilds every decision from the compacted topic; {@code latest} knows only new ones.
     */
    public String start = "earliest";

    /**
     * {@code read_uncommitted} (the default): a decision is enforced as soon as the job's sink has
     * written it, before the checkpoint that commits its transaction (which is up to the job's
     * checkpoint interval later). Safe because the job is deterministic: after a failure it
     * restores the checkpoint, replays the same exchanges and writes the same decisions again, so a
     * decision read from a transaction that is later aborted was only seen early; and decisions
     * only escalate in the book, so the replayed copy changes nothing. {@code read_committed}: only
     * decisions of committed transactions, one checkpoint interval later (for a gateway that must
     * never act on output the job has not committed).
     */
    public String isolation = READ_UNCOMMITTED;
  }

  public static final String READ_UNCOMMITTED = "read_uncommitted";
  public static final String READ_COMMITTED = "read_committed";

  public boolean enabled() {
    return !bootstrapServers.isBlank();
  }

  public boolean publishes() {
    return enabled() && !exchanges.mode.equals("off");
  }

  /** Whether the local journal is written besides (or instead of) Kafka. */
  public boolean keepsJournal() {
    return !enabled() || !exchanges.mode.equals("instead");
  }

  /** The first problem with this section, for the operator, or null. */
  public @Nullable String problem() {
    if (!enabled()) {
      return null;
    }
    if (!List.of("also", "instead", "off").contains(exchanges.mode)) {
      return "kafka.exchanges.mode must be also, instead or off, not '" + exchanges.mode + "'";
    }
    if (!List.of("earliest", "latest").contains(decisions.start)) {
      return "kafka.decisions.start must be earliest or latest, not '" + decisions.start + "'";
    }
    if (!List.of(READ_UNCOMMITTED, READ_COMMITTED).contains(decisions.isolation)) {
      return "kafka.decisions.isolation must be read_uncommitted or read_committed, not '"
          + decisions.isolation
          + "'";
    }
    if (exchanges.topic.isBlank() || decisions.topic.isBlank()) {
      return "kafka topics must not be empty";
    }
    if (bufferBytes < 64 * 1024) {
      return "kafka.buffer_bytes must be at least 65536";
    }
    if (queueCapacity < 16) {
      return "kafka.queue_capacity must be at least 16";
    }
    if (downAfterMs < 100) {
      return "kafka.down_after_ms must be at least 100";
    }
    for (String k : properties.keySet()) {
      if (OWNED.contains(k.toLowerCase(Locale.ROOT))) {
        return "kafka.properties: '"
            + k
            + "' is set by DistillGuard (its delivery guarantees depend on it); use the"
            + " kafka section's own fields";
      }
    }
    return null;
  }
}
