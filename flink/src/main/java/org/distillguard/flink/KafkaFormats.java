package org.distillguard.flink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.MalformedExchangeException;
import org.jspecify.annotations.Nullable;

/** How records cross the Kafka boundary: (key, value) pairs, keys as UTF-8 strings. */
final class KafkaFormats {
  private KafkaFormats() {}

  /**
   * Exchanges in: (account, raw JSON bytes). The record key is the account (Contract 1 topics are
   * keyed by account); a record without a key is parsed here to find its account, and a record that
   * is not a valid exchange is dropped (the per-account stage counts malformed ones it sees).
   */
  static final class ExchangeIn
      implements KafkaRecordDeserializationSchema<Tuple2<String, byte[]>> {
    private static final long serialVersionUID = 1L;
    private transient @Nullable ExchangeParser parser;

    @Override
    public void deserialize(
        ConsumerRecord<byte[], byte[]> record, Collector<Tuple2<String, byte[]>> out) {
      byte[] value = record.value();
      if (value == null) {
        return; // a tombstone
      }
      byte[] key = record.key();
      if (key != null) {
        out.collect(Tuple2.of(new String(key, StandardCharsets.UTF_8), value));
        return;
      }
      ExchangeParser p = parser;
      if (p == null) {
        p = new ExchangeParser();
        parser = p;
      }
      try {
        out.collect(Tuple2.of(p.parse(value, 0, value.length).account(), value));
      } catch (MalformedExchangeException e) {
        // No account to key it by: nothing to learn from it.
      }
    }

    @Override
    public TypeInformation<Tuple2<String, byte[]>> getProducedType() {
      return Types.TUPLE(Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }
  }

  /** (key, JSON) pairs out to one topic. */
  static final class KeyedJsonOut
      implements KafkaRecordSerializationSchema<Tuple2<String, String>> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    KeyedJsonOut(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Tuple2<String, String> element, KafkaSinkContext context, @Nullable Long timestamp) {
      return new ProducerRecord<>(
          topic,
          element.f0.getBytes(StandardCharsets.UTF_8),
          element.f1.getBytes(StandardCharsets.UTF_8));
    }
  }
}
