package org.distillguard.gateway.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.distillguard.gateway.audit.Audit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the decision topic on its own thread and applies every decision to a {@link
 * DecisionBook}, so the next request of a decided account meets it.
 *
 * <p>Every gateway must see every decision, so the consumer is assigned all partitions itself (no
 * group rebalancing; its group, one per instance, only carries committed positions for monitoring
 * tools). It resumes where the book's snapshot left off, or at the configured start ({@code
 * earliest}: the compacted topic rebuilds every account's latest decision). By default it reads
 * decisions of transactions the job has not committed yet ({@code kafka.decisions.isolation}, see
 * {@link KafkaConfig.Decisions#isolation}): a decision is enforced when the job writes it, not one
 * checkpoint later; one from a transaction that is aborted is written again by the restored job,
 * and the book ignores the copy.
 *
 * <p>While the broker cannot be reached the book keeps enforcing what it has; {@link #connected}
 * says so (an end-offsets probe, every second or more often, doubles as the lag measurement).
 */
public final class DecisionFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionFeed.class);

  /**
   * Records a decision this gateway started enforcing, under the reference its refusals already
   * quote (called after the decision is in force: a slow store never delays enforcement).
   */
  public interface Auditor {
    void audit(JobDecision d, String ref, long atMillis);
  }

  private record Applied(JobDecision decision, String ref, long atMillis) {}

  private final List<Applied> unaudited = new ArrayList<>();

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final DecisionBook book;
  private final @Nullable Path snapshot;
  private final boolean fromLatest;
  private final Auditor auditor;
  private final long downAfterNanos;
  private final long probeNanos;
  private final Thread thread;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile long lastContactNanos;
  private volatile boolean everConnected;
  private volatile long lag = -1;
  private volatile long lastPropagationMillis = -1;
  private volatile boolean running = true;
  private @Nullable PropagationListener listener;

  /** Told how long each applied decision took from the job's record to enforcement here. */
  public interface PropagationListener {
    void applied(JobDecision d, long recordMillis, long appliedMillis);
  }

  public DecisionFeed(
      Consumer<byte[], byte[]> consumer,
      String topic,
      DecisionBook book,
      @Nullable Path snapshot,
      boolean fromLatest,
      Auditor auditor,
      long downAfterMillis) {
    this.consumer = consumer;
    this.topic = topic;
    this.book = book;
    this.snapshot = snapshot;
    this.fromLatest = fromLatest;
    this.auditor = auditor;
    this.downAfterNanos = TimeUnit.MILLISECONDS.toNanos(downAfterMillis);
    // Several probes fit in the down-after window, so a healthy link never looks stale.
    this.probeNanos = Math.min(1_000_000_000L, downAfterNanos / 3);
    this.lastContactNanos = System.nanoTime();
    this.thread = new Thread(this::run, "distillguard-kafka-decisions");
    this.thread.setDaemon(true);
  }

  /** Set before {@link #start}. */
  public void onApplied(PropagationListener l) {
    this.listener = l;
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      Set<TopicPartition> assigned = Set.of();
      long lastProbe = 0;
      long lastSave = System.nanoTime();
      int probes = 0;
      while (running) {
        try {
          long now = System.nanoTime();
          if (assigned.isEmpty() || now - lastProbe > probeNanos) {
            lastProbe = now;
            // New partitions are looked for every 60 probes (about a minute).
            assigned = probe(assigned, probes++ % 60 == 0);
          }
          if (assigned.isEmpty()) {
            sleep(200);
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            handle(r);
            book.position(r.partition(), r.offset() + 1);
          }
          auditApplied();
          for (TopicPartition tp : assigned) {
            // Positions also move past aborted transactions and control records.
            book.position(tp.partition(), consumer.position(tp, Duration.ofMillis(200)));
          }
          if (book.dirty() && System.nanoTime() - lastSave > 1_000_000_000L) {
            save();
            lastSave = System.nanoTime();
          }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          // The broker is away: keep enforcing what the book has, try again.
          sleep(100);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("kafka decisions: the consumer stopped: {}", e.toString());
    } finally {
      if (book.dirty()) {
        save();
      }
      try {
        consumer.close(Duration.ofSeconds(1));
      } catch (RuntimeException e) {
        LOG.debug("kafka decisions: close: {}", e.toString());
      }
    }
  }

  /**
   * Finds the topic's partitions (assigning new ones) and measures the lag; a success is contact
   * with the broker.
   */
  private Set<TopicPartition> probe(Set<TopicPartition> assigned, boolean discover) {
    try {
      Set<TopicPartition> now = assigned;
      if (assigned.isEmpty() || discover) {
        List<PartitionInfo> ps = consumer.partitionsFor(topic, Duration.ofSeconds(1));
        now = new HashSet<>();
        if (ps != null) {
          for (PartitionInfo p : ps) {
            now.add(new TopicPartition(topic, p.partition()));
          }
        }
        if (!now.equals(assigned) && !now.isEmpty()) {
          assign(now);
        }
      }
      if (!now.isEmpty()) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(now, Duration.ofSeconds(1));
        long sum = 0;
        for (var e : ends.entrySet()) {
          sum += Math.max(0, e.getValue() - consumer.position(e.getKey(), Duration.ofSeconds(1)));
        }
        lag = sum;
      }
      contact();
      return now;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      return assigned;
    }
  }

  private void assign(Set<TopicPartition> parts) {
    consumer.assign(parts);
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : parts) {
      Long at = book.position(tp.partition());
      if (at != null) {
        consumer.seek(tp, at);
      } else {
        fresh.add(tp);
      }
    }
    if (!fresh.isEmpty()) {
      if (fromLatest) {
        consumer.seekToEnd(fresh);
      } else {
        consumer.seekToBeginning(fresh);
      }
    }
    LOG.info(
        "kafka decisions: following {} ({} partition(s), {} from the snapshot)",
        topic,
        parts.size(),
        parts.size() - fresh.size());
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    contact();
    byte[] v = r.value();
    if (v == null) {
      return; // a tombstone: decisions are cleared by analysts, not by the topic
    }
    JobDecision d;
    try {
      d = JobDecision.parse(v);
    } catch (IllegalArgumentException e) {
      malformed.incrementAndGet();
      LOG.warn(
          "kafka decisions: skipping record {}-{}@{}: {}",
          topic,
          r.partition(),
          r.offset(),
          e.getMessage());
      return;
    }
    if (!book.raises(d)) {
      return;
    }
    String ref = Audit.newId(System.currentTimeMillis());
    // Wall-clock time, like the record's timestamp (set by the job's producer), whatever clock the
    // gateway runs on: the difference is the propagation delay.
    long now = System.currentTimeMillis();
    long ts = r.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? -1 : r.timestamp();
    if (book.apply(d, ref, ts, now)) {
      applied.incrementAndGet();
      unaudited.add(new Applied(d, ref, now));
      if (ts >= 0) {
        lastPropagationMillis = now - ts;
      }
      PropagationListener l = listener;
      if (l != null) {
        l.applied(d, ts, now);
      }
      LOG.info(
          "decision account={} verdict={} reason={} campaign={} ref={} from={}",
          d.account(),
          d.verdict().id(),
          d.reason(),
          d.campaign(),
          ref,
          d.id());
    }
  }

  private void auditApplied() {
    for (Applied a : unaudited) {
      try {
        auditor.audit(a.decision(), a.ref(), a.atMillis());
      } catch (RuntimeException e) {
        LOG.error("cannot audit decision {}: {}", a.decision().id(), e.toString());
      }
    }
    unaudited.clear();
  }

  private void contact() {
    lastContactNanos = System.nanoTime();
    everConnected = true;
  }

  private void save() {
    Path p = snapshot;
    if (p == null) {
      return;
    }
    try {
      book.save(p, topic);
    } catch (IOException e) {
      LOG.error("kafka decisions: cannot save the snapshot {}: {}", p, e.toString());
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    book.positions()
        .forEach(
            (part, off) -> commit.put(new TopicPartition(topic, part), new OffsetAndMetadata(off)));
    if (!commit.isEmpty()) {
      try {
        consumer.commitAsync(commit, null);
      } catch (RuntimeException e) {
        // Committed positions only serve monitoring tools; the snapshot is the truth.
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The broker answered within {@code down_after_ms}. */
  public boolean connected() {
    return everConnected && System.nanoTime() - lastContactNanos < downAfterNanos;
  }

  /** Seconds since the broker last answered. */
  public double secondsSinceContact() {
    return (System.nanoTime() - lastContactNanos) / 1e9;
  }

  public long applied() {
    return applied.get();
  }

  public long malformed() {
    return malformed.get();
  }

  /**
   * Decisions not yet read (up to the last stable offset under {@code read_committed}), at the last
   * probe; -1 before the first.
   */
  public long lag() {
    return lag;
  }

  /** From the job's record to enforcement here, for the latest applied decision; -1 before. */
  public long lastPropagationMillis() {
    return lastPropagationMillis;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
