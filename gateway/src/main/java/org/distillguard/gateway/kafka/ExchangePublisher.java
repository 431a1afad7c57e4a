package org.distillguard.gateway.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.ExchangeWriter;
import org.distillguard.core.io.MalformedExchangeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every exchange to the exchange topic (Contract 1 JSON, keyed by account) without ever
 * stalling the request path.
 *
 * <p>Event loops {@link #publish} into a bounded hand-off queue; one publisher thread owns the
 * producer and the {@link Spill}. It sends directly while the spill is empty and the bytes not yet
 * acknowledged by Kafka stay under {@code buffer_bytes}; beyond that, or when a send fails at once,
 * every exchange goes to the spill, so the spill always holds a suffix of the stream. While the
 * spill has data the thread replays it, oldest first, under the same bound; when the last segment
 * has been acknowledged it sends directly again.
 *
 * <p>The producer is idempotent with {@code acks=all} and never gives up on a record by itself
 * ({@code delivery.timeout.ms} is unbounded), so a record handed to it reaches Kafka once and in
 * order while the process lives, however long the outage. What that gives, precisely:
 *
 * <ul>
 *   <li><b>Order</b>: per account (one partition per key), records reach the topic in the order the
 *       gateway finished the exchanges, across any number of outages and restarts.
 *   <li><b>Nothing lost</b> while the process lives or stops gracefully: at {@link #close} what
 *       Kafka has not acknowledged within the grace period is written to a spill segment in front
 *       of the others and sent at the next start. Lost on a hard crash (SIGKILL, power) during an
 *       outage: what was in the producer's buffer (at most {@code buffer_bytes}) and in the
 *       hand-off queue; the local journal ({@code mode: also}) still has them. When the hand-off
 *       queue is full (the disk cannot keep up) exchanges are dropped and counted.
 *   <li><b>Duplicates</b>: none from retries (idempotence, within one producer session). After a
 *       restart, records of the spill segment that was being replayed, and records in flight at a
 *       graceful shutdown that Kafka had written but not yet acknowledged, are sent again: at least
 *       once across restarts. Exchange ids are unique, so a consumer can drop them by id.
 * </ul>
 */
public final class ExchangePublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangePublisher.class);
  private static final Exchange STOP = Exchange.builder("stop", 0, "").build();

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Spill spill;
  private final long bound;
  private final long downAfterNanos;
  private final BlockingQueue<Exchange> queue;
  private final Thread thread;
  private final ExchangeParser parser = new ExchangeParser();

  /** Records the producer gave back unsent at close (their order restored by sequence). */
  private final ConcurrentLinkedQueue<Sent> aborted = new ConcurrentLinkedQueue<>();

  /** Records Kafka refused for good (too large, not authorised): kept on disk, counted. */
  private final ConcurrentLinkedQueue<Exchange> refused = new ConcurrentLinkedQueue<>();

  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong pendingRecords = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong spilled = new AtomicLong();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile boolean sendFailing;
  private volatile boolean closing;
  private volatile boolean running = true;
  private volatile long spillBytes;
  private Spill.@Nullable Line retry;
  private @Nullable Exception syncFailure;
  private final Spill refusedJournal;

  /** One record handed to the producer. */
  private record Sent(long seq, Exchange exchange, Spill.@Nullable Segment from) {}

  /**
   * @param producer an idempotent producer with {@code acks=all}, unbounded {@code
   *     delivery.timeout.ms} and a {@code buffer.memory} above {@code bufferBytes} (see {@link
   *     KafkaClients#producer})
   */
  public ExchangePublisher(
      Producer<byte[], byte[]> producer,
      String topic,
      Spill spill,
      Spill refusedJournal,
      long bufferBytes,
      int queueCapacity,
      long downAfterMillis) {
    this.producer = producer;
    this.topic = topic;
    this.spill = spill;
    this.refusedJournal = refusedJournal;
    this.bound = bufferBytes;
    this.downAfterNanos = TimeUnit.MILLISECONDS.toNanos(downAfterMillis);
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.spillBytes = spill.bytes();
    this.thread = new Thread(this::run, "distillguard-kafka-publisher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Hands an exchange over (any thread, never blocks); false and counted when the queue is full.
   */
  public boolean publish(Exchange e) {
    if (!running || !queue.offer(e)) {
      dropped.incrementAndGet();
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------ the publisher thread

  private void run() {
    long lastSpillScan = 0;
    while (true) {
      Exchange e;
      try {
        e = queue.poll(spill.isEmpty() ? 200 : 20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        break;
      }
      boolean stop = false;
      int n = 0;
      while (e != null) {
        if (e == STOP) {
          stop = true;
          break;
        }
        accept(e);
        if (++n >= 4096) {
          break;
        }
        e = queue.poll();
      }
      try {
        if (!spill.isEmpty() && !stop) {
          spill.flush();
          replay();
        }
        drainRefused();
      } catch (IOException | RuntimeException ex) {
        LOG.error("kafka spill: {}", ex.toString());
      }
      if (queue.isEmpty()) {
        spill.flush();
      }
      long now = System.nanoTime();
      if (now - lastSpillScan > 1_000_000_000L) {
        spillBytes = spill.bytes();
        lastSpillScan = now;
      }
      if (stop) {
        break;
      }
    }
  }

  private void accept(Exchange e) {
    if (spill.isEmpty() && pendingBytes.get() < bound) {
      try {
        send(e, null, null);
        return;
      } catch (KafkaException ex) {
        failedAtOnce(ex);
      }
    }
    if (spill.isEmpty() && !sendFailing) {
      LOG.warn(
          "kafka: {} bytes not yet acknowledged by {}; spilling exchanges to disk",
          pendingBytes.get(),
          topic);
    }
    try {
      spill.write(e);
      spilled.incrementAndGet();
    } catch (IOException ex) {
      LOG.error("kafka spill: cannot write exchange {}: {}", e.id(), ex.toString());
      dropped.incrementAndGet();
    }
  }

  /** Sends spilled lines, oldest first, while the buffer has room. */
  private void replay() throws IOException {
    while (pendingBytes.get() < bound) {
      Spill.Line line = retry;
      retry = null;
      if (line == null) {
        line = spill.next();
      }
      if (line == null) {
        if (spill.retireIfDone()) {
          spillBytes = spill.bytes();
          if (spill.isEmpty()) {
            LOG.info(
                "kafka: spill replayed ({} exchanges so far); sending directly again",
                replayed.get());
          }
          continue;
        }
        return;
      }
      Exchange e;
      try {
        e = parser.parse(line.bytes(), 0, line.bytes().length);
      } catch (MalformedExchangeException ex) {
        // A line cut short by a crash while it was being written: nothing to send.
        LOG.warn(
            "kafka spill: skipping {} line {}: {}",
            line.name(),
            line.lineNumber(),
            ex.getMessage());
        line.segment().outstanding.decrementAndGet();
        continue;
      }
      try {
        send(e, line.bytes(), line.segment());
      } catch (KafkaException ex) {
        failedAtOnce(ex);
        retry = line;
        return;
      }
    }
  }

  private void send(Exchange e, byte @Nullable [] value, Spill.@Nullable Segment from) {
    byte[] v = value != null ? value : ExchangeWriter.toJson(e).getBytes(StandardCharsets.UTF_8);
    byte[] k = e.account().getBytes(StandardCharsets.UTF_8);
    long size = (long) v.length + k.length;
    Sent sent = new Sent(sequence.incrementAndGet(), e, from);
    if (pendingRecords.getAndIncrement() == 0 && !sendFailing) {
      // Waiting starts now (retries after a failure do not restart the clock).
      lastProgressNanos = System.nanoTime();
    }
    pendingBytes.addAndGet(size);
    Callback done =
        (meta, ex) -> {
          pendingBytes.addAndGet(-size);
          pendingRecords.decrementAndGet();
          if (from != null) {
            from.outstanding.decrementAndGet();
          }
          if (ex == null) {
            lastProgressNanos = System.nanoTime();
            sendFailing = false;
            if (from == null) {
              published.incrementAndGet();
            } else {
              replayed.incrementAndGet();
            }
          } else if (Thread.currentThread() == thread && !closing) {
            // Failed inside send() itself (no metadata yet, record too large): decided below.
            syncFailure = ex;
          } else if (closing) {
            aborted.add(sent);
          } else {
            refuse(e, ex);
          }
        };
    syncFailure = null;
    try {
      producer.send(new ProducerRecord<>(topic, k, v), done);
    } catch (KafkaException ex) {
      // Thrown without calling back: undo the accounting.
      pendingBytes.addAndGet(-size);
      pendingRecords.decrementAndGet();
      throw ex;
    }
    Exception failed = syncFailure;
    if (failed != null) {
      syncFailure = null;
      if (failed instanceof RetriableException r) {
        if (from != null) {
          from.outstanding.incrementAndGet(); // the line stays outstanding: it will be retried
        }
        throw r;
      }
      refuse(e, failed);
    }
  }

  /** Kafka will never take this record (too large, not authorised): keep it on disk, count it. */
  private void refuse(Exchange e, Exception ex) {
    LOG.error(
        "kafka refused exchange {} of account {} for good: {}", e.id(), e.account(), ex.toString());
    rejected.incrementAndGet();
    refused.add(e);
  }

  private void failedAtOnce(KafkaException ex) {
    if (!sendFailing) {
      LOG.warn("kafka: cannot send to {} now ({}); spilling to disk", topic, ex.getMessage());
    }
    sendFailing = true;
  }

  private void drainRefused() throws IOException {
    Exchange e;
    boolean any = false;
    while ((e = refused.poll()) != null) {
      refusedJournal.write(e);
      any = true;
    }
    if (any) {
      refusedJournal.flush();
    }
  }

  // ------------------------------------------------------------------ status

  /**
   * Kafka counts as down when records have waited for an acknowledgement, or sends failed at once,
   * for longer than {@code down_after_ms} without any progress.
   */
  public boolean kafkaUp() {
    boolean waiting = pendingRecords.get() > 0 || sendFailing;
    return !waiting || System.nanoTime() - lastProgressNanos < downAfterNanos;
  }

  /** Acknowledged by Kafka, sent directly. */
  public long published() {
    return published.get();
  }

  /** Written to the spill journal. */
  public long spilled() {
    return spilled.get();
  }

  /** Acknowledged by Kafka, sent from the spill journal. */
  public long replayed() {
    return replayed.get();
  }

  /** Dropped because the hand-off queue was full (or the spill could not be written). */
  public long dropped() {
    return dropped.get();
  }

  /** Refused by Kafka for good; kept in {@code state_dir/refused}. */
  public long rejected() {
    return rejected.get();
  }

  /** Bytes handed to the producer and not yet acknowledged. */
  public long bufferBytes() {
    return pendingBytes.get();
  }

  /** Bytes in the spill journal on disk (refreshed every second). */
  public long spillBytes() {
    return spillBytes;
  }

  public int queued() {
    return queue.size();
  }

  /** Nothing queued, nothing waiting for Kafka, nothing spilled: everything is in the topic. */
  public boolean idle() {
    return queue.isEmpty() && pendingRecords.get() == 0 && spillBytes == 0;
  }

  /**
   * Stops taking exchanges, sends what is queued, waits up to {@code grace} for Kafka's
   * acknowledgements, and writes what is still unacknowledged in front of the spill for the next
   * start.
   */
  public void close(Duration grace) {
    if (!running) {
      return;
    }
    running = false;
    try {
      queue.put(STOP);
      thread.join(Math.max(1000, grace.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (pendingRecords.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closing = true;
    producer.close(Duration.ZERO);
    List<Sent> back = new ArrayList<>(aborted);
    // Records read from the spill are still in their segment; only direct ones need saving.
    back.removeIf(s -> s.from() != null);
    back.sort(Comparator.comparingLong(Sent::seq));
    try {
      drainRefused();
      spill.writeFront(back.stream().map(Sent::exchange).toList());
      if (!back.isEmpty()) {
        LOG.info(
            "kafka: {} unacknowledged exchange(s) kept in the spill for the next start",
            back.size());
      }
    } catch (IOException e) {
      LOG.error("kafka: cannot keep {} unacknowledged exchange(s): {}", back.size(), e.toString());
    }
    spill.close();
    refusedJournal.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
