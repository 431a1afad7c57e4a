/**
 * The gateway's Kafka side: it publishes every exchange (Contract 1 JSON, keyed by account) to the
 * exchange topic without ever stalling a request (a bounded producer buffer, then a local spill
 * journal that is replayed when Kafka is back), and it follows the decision topic that the Flink
 * detector job writes, so a block decided anywhere applies at every gateway. {@link
 * org.distillguard.gateway.kafka.KafkaLink} wires both into a gateway; {@link
 * org.distillguard.gateway.kafka.LogReplayer} replays log files into the exchange topic.
 */
@org.jspecify.annotations.NullMarked
package org.distillguard.gateway.kafka;
