package org.distillguard.flink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.core.text.PromptAnalyzer;
import org.jspecify.annotations.Nullable;

/** How records cross the Kafka boundary: (key, value) pairs, keys as UTF-8 strings. */
final class KafkaFormats {
  private KafkaFormats() {}

  /**
   * Exchanges in, parsed where they are read: each record becomes the {@link Observation} of its
   * exchange (core parser, one pass over the JSON), with the prompt still to analyse (its text
   * features hold only the system prompt's hash; {@link AccountFunction} analyses the prompt). The
   * job keys by the observation's account, so a record's Kafka key does not matter. A record that
   * is not a valid exchange is dropped and counted ({@code malformedExchanges}).
   */
  static final class ExchangeIn implements KafkaRecordDeserializationSchema<Observation> {
    private static final long serialVersionUID = 1L;
    private transient @Nullable ExchangeParser parser;
    private transient @Nullable Counter malformed;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
      parser = new ExchangeParser();
      malformed = context.getMetricGroup().counter("malformedExchanges");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Observation> out) {
      byte[] value = record.value();
      if (value == null) {
        return; // a tombstone
      }
      Exchange e;
      try {
        e = AccountFunction.req(parser).parse(value, 0, value.length);
      } catch (MalformedExchangeException ex) {
        AccountFunction.req(malformed).inc();
        return;
      }
      out.collect(
          Observation.of(
              e, ObservationSerializer.unanalysed(PromptAnalyzer.systemHash(e.systemPrompt()))));
    }

    @Override
    public TypeInformation<Observation> getProducedType() {
      return ObservationSerializer.TYPE;
    }
  }

  /**
   * Exchanges in as (record key, raw JSON bytes), unparsed: only for the {@code bare} benchmark
   * floor, which measures the framework without any work on the records.
   */
  static final class RawExchangeIn
      implements KafkaRecordDeserializationSchema<Tuple2<String, byte[]>> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
        ConsumerRecord<byte[], byte[]> record, Collector<Tuple2<String, byte[]>> out) {
      byte[] value = record.value();
      byte[] key = record.key();
      if (value != null && key != null) {
        out.collect(Tuple2.of(new String(key, StandardCharsets.UTF_8), value));
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
