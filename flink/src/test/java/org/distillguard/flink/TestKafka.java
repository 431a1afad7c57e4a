package org.distillguard.flink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka (broker and controller combined) inside the test JVM, from Kafka's
 * own test kit, with the settings one broker needs for transactions.
 */
final class TestKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  TestKafka(Path dir) throws Exception {
    Files.createDirectories(dir);
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  String bootstrap() {
    return cluster.bootstrapServers();
  }

  void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
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
    Map<TopicPartition, Long> ends = new HashMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      var desc =
          AccountFunction.req(
              admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      desc.partitions()
          .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      admin
          .listOffsets(
              specs,
              new org.apache.kafka.clients.admin.ListOffsetsOptions(
                  org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
          .all()
          .get()
          .forEach((tp, info) -> ends.put(tp, info.offset()));
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
    var b = cluster.brokers().values().iterator().next();
    b.shutdown();
    b.awaitShutdown();
  }

  /** Starts the stopped broker again, on the same port. */
  void startBroker() throws Exception {
    cluster.brokers().values().iterator().next().startup();
    cluster.waitForReadyBrokers();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
