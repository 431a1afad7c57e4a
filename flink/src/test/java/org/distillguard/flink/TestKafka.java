package org.distillguard.flink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.distillguard.gateway.kafka.KafkaBroker;

/**
 * The flink tests' Kafka: the gateway's in-process KRaft broker fixture ({@link KafkaBroker}, from
 * Kafka's own test kit, set up for transactions), plus what the job's tests read back: committed
 * consumer offsets and the committed records of an output topic.
 */
final class TestKafka implements AutoCloseable {
  private final KafkaBroker broker;

  TestKafka(Path dir) throws Exception {
    broker = new KafkaBroker(dir);
  }

  String bootstrap() {
    return broker.bootstrap();
  }

  void createTopic(String name, int partitions) throws Exception {
    broker.createTopic(name, partitions);
  }

  /** Committed offsets of {@code group} on {@code topic}, summed over partitions. */
  long committed(String group, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long sum = 0;
      for (var e : offsets.entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          sum += e.getValue().offset();
        }
      }
      return sum;
    }
  }

  /** Every committed record of {@code topic} as (key, value) strings, in partition order. */
  List<Map.Entry<String, String>> readCommitted(String topic) throws Exception {
    return read(topic, org.apache.kafka.common.IsolationLevel.READ_COMMITTED);
  }

  /**
   * Every record of {@code topic}, of committed, aborted and open transactions alike (what a {@code
   * read_uncommitted} consumer sees), in partition order.
   */
  List<Map.Entry<String, String>> readUncommitted(String topic) throws Exception {
    return read(topic, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
  }

  private List<Map.Entry<String, String>> read(
      String topic, org.apache.kafka.common.IsolationLevel isolation) throws Exception {
    Map<TopicPartition, Long> ends = new HashMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      var desc =
          AccountFunction.req(
              admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      desc.partitions()
          .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      admin
          .listOffsets(specs, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation))
          .all()
          .get()
          .forEach((tp, info) -> ends.put(tp, info.offset()));
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<Map.Entry<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.assign(ends.keySet());
      c.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!reached(c, ends) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(
              Map.entry(
                  new String(r.key(), StandardCharsets.UTF_8),
                  new String(r.value(), StandardCharsets.UTF_8)));
        }
      }
    }
    return out;
  }

  private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> ends) {
    for (var e : ends.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The latest value of every key: what a compacted topic keeps. */
  static Map<String, String> latest(List<Map.Entry<String, String>> records) {
    Map<String, String> m = new LinkedHashMap<>();
    records.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** Stops the broker (the controller stays up): an outage, as clients see it. */
  void stopBroker() {
    broker.stop();
  }

  /** Starts the stopped broker again, on the same port. */
  void startBroker() throws Exception {
    broker.start();
  }

  @Override
  public void close() throws Exception {
    broker.close();
  }
}
