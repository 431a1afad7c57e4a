/**
 * The core detector as an Apache Flink DataStream job over Kafka: exchanges in (Contract 1, keyed
 * by account), verdicts, campaigns and enforcement decisions out, exactly once.
 *
 * <p>{@link org.distillguard.flink.DetectorJob} is the entry point; {@code docs/SCALE-OUT.md} the
 * topology, options and failure behaviour.
 */
@NullMarked
package org.distillguard.flink;

import org.jspecify.annotations.NullMarked;
