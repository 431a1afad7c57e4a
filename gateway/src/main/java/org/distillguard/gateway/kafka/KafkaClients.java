package org.distillguard.gateway.kafka;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The producer and consumer settings DistillGuard's guarantees rest on, in one place. */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * A producer that loses nothing and keeps each partition's order: idempotent, {@code acks=all},
   * retrying for ever ({@code delivery.timeout.ms} unbounded, so a long outage never drops a record
   * it holds), with {@code buffer.memory} above {@code bufferBytes} so that the caller's own bound
   * is reached first and {@code send} never waits for memory. {@code max.block.ms} bounds the wait
   * for metadata, on the caller's thread (never an event loop here).
   */
  public static KafkaProducer<byte[], byte[]> producer(
      String bootstrap, String clientId, long bufferBytes, long maxBlockMs, Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferBytes + Math.max(bufferBytes / 2, 4 << 20));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Reconnect quickly once a broker is back (the default backs off up to 1 s already).
    p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A consumer of a topic written in Kafka transactions, at the given {@code isolation.level}
   * ({@link KafkaConfig#READ_UNCOMMITTED} or {@link KafkaConfig#READ_COMMITTED}), committing only
   * when told, starting at {@code reset} where it has no position.
   */
  public static KafkaConsumer<byte[], byte[]> consumer(
      String bootstrap,
      String clientId,
      String group,
      String reset,
      String isolation,
      Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
    p.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    // A low-volume topic read for latency: never let the broker hold a fetch for long.
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
