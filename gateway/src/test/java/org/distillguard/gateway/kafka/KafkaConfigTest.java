package org.distillguard.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

/** The {@code kafka:} section: off by default, safe defaults, mistakes named. */
class KafkaConfigTest {
  private static final String BASE =
      "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://127.0.0.1:1'}]\n";

  private static GatewayConfig parse(String kafka) throws ConfigException {
    return ConfigLoader.parse(BASE + kafka, Map.of(), Path.of("."));
  }

  @Test
  void offUnlessBootstrapServersAreSet() throws Exception {
    KafkaConfig k = parse("").kafka;
    assertThat(k.enabled()).isFalse();
    assertThat(k.keepsJournal()).isTrue();
    assertThat(k.publishes()).isFalse();
  }

  @Test
  void aFullSectionIsRead() throws Exception {
    KafkaConfig k =
        parse(
                """
                kafka:
                  bootstrap_servers: kafka-1:9092,kafka-2:9092
                  client_id: dg
                  instance: gw-eu-1
                  buffer_bytes: 1048576
                  state_dir: /var/lib/distillguard/kafka
                  properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512}
                  exchanges: {topic: ex, mode: instead}
                  decisions: {topic: dec, start: latest, isolation: read_committed}
                """)
            .kafka;
    assertThat(k.enabled()).isTrue();
    assertThat(k.publishes()).isTrue();
    assertThat(k.keepsJournal()).isFalse();
    assertThat(k.instance).isEqualTo("gw-eu-1");
    assertThat(k.bufferBytes).isEqualTo(1 << 20);
    assertThat(k.properties).containsEntry("security.protocol", "SASL_SSL");
    assertThat(k.exchanges.topic).isEqualTo("ex");
    assertThat(k.decisions.start).isEqualTo("latest");
    assertThat(k.decisions.isolation).isEqualTo(KafkaConfig.READ_COMMITTED);
  }

  @Test
  void decisionsAreFollowedBeforeTheJobCommitsByDefault() throws Exception {
    KafkaConfig k = parse("kafka: {bootstrap_servers: k:9092}").kafka;
    assertThat(k.decisions.isolation).isEqualTo(KafkaConfig.READ_UNCOMMITTED);
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> parse("kafka: {bootstrap_servers: k:9092, exchanges: {mode: both}}"))
        .hasMessage("kafka.exchanges.mode must be also, instead or off, not 'both'");
    assertThatThrownBy(() -> parse("kafka: {bootstrap_servers: k:9092, decisions: {start: now}}"))
        .hasMessageContaining("kafka.decisions.start must be earliest or latest");
    assertThatThrownBy(
            () -> parse("kafka: {bootstrap_servers: k:9092, decisions: {isolation: committed}}"))
        .hasMessage(
            "kafka.decisions.isolation must be read_uncommitted or read_committed, not"
                + " 'committed'");
    assertThatThrownBy(() -> parse("kafka: {bootstrap_servers: k:9092, buffer_bytes: 10}"))
        .hasMessageContaining("kafka.buffer_bytes");
    // The settings the delivery guarantees rest on cannot be overridden.
    assertThatThrownBy(() -> parse("kafka: {bootstrap_servers: k:9092, properties: {acks: '1'}}"))
        .hasMessageContaining("kafka.properties: 'acks' is set by DistillGuard");
    assertThatThrownBy(
            () ->
                parse(
                    "kafka: {bootstrap_servers: k:9092, properties: {ENABLE.IDEMPOTENCE: 'false'}}"))
        .hasMessageContaining("is set by DistillGuard");
    assertThatThrownBy(() -> parse("kafka: {bootstrap_servers: k:9092, topics: x}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics");
  }
}
