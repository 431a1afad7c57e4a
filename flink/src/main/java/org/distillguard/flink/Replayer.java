package org.distillguard.flink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;

/**
 * Replays exchange log files (Contract 1 JSON Lines, {@code .gz} read transparently) into a Kafka
 * topic, one record per valid line, keyed by account, in file order. The producer loses nothing
 * (idempotent, {@code acks=all}) and keeps each account's order (one partition per key, at most
 * five requests in flight with idempotence). Invalid lines are counted and skipped.
 *
 * <pre>java -cp distillguard-flink-job.jar org.distillguard.flink.Replayer \
 *     BOOTSTRAP TOPIC FILE...</pre>
 */
public final class Replayer {
  private Replayer() {}

  /** What a replay did. */
  public record Result(long sent, long skipped) {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length < 3) {
      out.println("usage: Replayer BOOTSTRAP TOPIC FILE...");
      System.exit(2);
    }
    Result r = replay(args[0], args[1], Arrays.asList(args).subList(2, args.length));
    out.println("sent " + r.sent() + " exchanges, skipped " + r.skipped() + " invalid lines");
  }

  /**
   * Sends every valid line of {@code files} to {@code topic}; returns once all are acknowledged.
   */
  public static Result replay(String bootstrap, String topic, List<String> files)
      throws IOException, InputException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    ExchangeParser parser = new ExchangeParser();
    long sent = 0;
    long skipped = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String file : files) {
        try (LineSource lines = LineSource.open(file, LineSource.DEFAULT_MAX_LINE_BYTES)) {
          while (lines.next()) {
            byte[] buf = lines.buffer();
            int n = lines.length();
            String account;
            try {
              account = parser.parse(buf, 0, n).account();
            } catch (MalformedExchangeException e) {
              skipped++;
              continue;
            }
            producer.send(
                new ProducerRecord<>(
                    topic, account.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(buf, n)),
                (meta, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  }
                });
            sent++;
          }
        }
      }
      producer.flush();
    }
    Exception e = failure.get();
    if (e != null) {
      throw new IOException("replay failed: " + e.getMessage(), e);
    }
    return new Result(sent, skipped);
  }
}
