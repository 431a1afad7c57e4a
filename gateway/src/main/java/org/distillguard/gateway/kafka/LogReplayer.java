package org.distillguard.gateway.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;

/**
 * Replays exchange log files (Contract 1 JSON Lines, {@code .gz} read transparently: journals,
 * spill segments, simulator output) into a Kafka topic, one record per valid line, keyed by
 * account, in file order. The producer loses nothing (idempotent, {@code acks=all}) and keeps each
 * account's order (one partition per key). Invalid lines are reported with file and line and
 * skipped. Used by {@code distillguard replay} and the Flink job's tests.
 */
public final class LogReplayer {
  private LogReplayer() {}

  /** What a replay did. */
  public record Result(long sent, long skipped) {}

  /** Told of progress (every few thousand lines and at the end of each file) and invalid lines. */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** {@code fileIndex} counts from 0; bytes are of the current file (compressed if gzip). */
    default void progress(
        String file, int fileIndex, long bytesRead, long fileBytes, long sent, long skipped) {}

    default void invalid(String file, long line, String problem) {}
  }

  /** Replays with default settings and no listener; returns once all are acknowledged. */
  public static Result replay(String bootstrap, String topic, List<String> files)
      throws IOException, InputException {
    return replay(bootstrap, topic, files, new Properties(), Duration.ofMinutes(2), Listener.NONE);
  }

  /**
   * Checks that the topic exists, then sends every valid line of {@code files} to it; returns once
   * all are acknowledged.
   *
   * @param extra client properties (security settings)
   * @param timeout how long Kafka may be unreachable before the replay fails
   * @throws IOException Kafka cannot be reached, the topic does not exist, or a record was refused
   *     (the message says which)
   * @throws InputException a file cannot be opened
   */
  public static Result replay(
      String bootstrap,
      String topic,
      List<String> files,
      Properties extra,
      Duration timeout,
      Listener listener)
      throws IOException, InputException {
    checkTopic(bootstrap, topic, extra, timeout);
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    p.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, Math.max(timeout.toMillis(), 30_000 + 20)));
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    ExchangeParser parser = new ExchangeParser();
    long sent = 0;
    long skipped = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong acked = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < files.size() && failure.get() == null; i++) {
        String file = files.get(i);
        try (LineSource lines = LineSource.open(file, LineSource.DEFAULT_MAX_LINE_BYTES)) {
          while (lines.next() && failure.get() == null) {
            byte[] buf = lines.buffer();
            int n = lines.length();
            if (n == 0) {
              continue;
            }
            String account;
            try {
              if (lines.overlong()) {
                throw new MalformedExchangeException(
                    "line longer than " + lines.maxLineBytes() + " bytes");
              }
              account = parser.parse(buf, 0, n).account();
            } catch (MalformedExchangeException e) {
              skipped++;
              listener.invalid(lines.name(), lines.lineNumber(), String.valueOf(e.getMessage()));
              continue;
            }
            producer.send(
                new ProducerRecord<>(
                    topic, account.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(buf, n)),
                (meta, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  } else {
                    acked.incrementAndGet();
                  }
                });
            sent++;
            if (sent % 4096 == 0) {
              listener.progress(file, i, lines.bytesRead(), lines.totalBytes(), sent, skipped);
            }
          }
          listener.progress(file, i, lines.bytesRead(), lines.totalBytes(), sent, skipped);
        }
      }
      producer.flush();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IOException(
          "Kafka at "
              + bootstrap
              + " did not take the records within "
              + timeout.toSeconds()
              + " s: "
              + e.getMessage(),
          e);
    }
    Exception e = failure.get();
    if (e != null) {
      throw new IOException(
          "Kafka refused a record after "
              + acked.get()
              + " were acknowledged: "
              + e.getMessage()
              + " (a replay of the same files sends the acknowledged ones again)",
          e);
    }
    return new Result(sent, skipped);
  }

  private static void checkTopic(String bootstrap, String topic, Properties extra, Duration timeout)
      throws IOException {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(
          "cannot reach Kafka at " + bootstrap + " within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IOException(
            "topic '" + topic + "' does not exist at " + bootstrap + " (create it first)");
      }
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("Kafka at " + bootstrap + ": " + cause.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IOException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
    }
  }
}
