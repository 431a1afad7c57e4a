package org.distillguard.gateway.inline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.distillguard.core.detect.Assessment;
import org.distillguard.core.detect.Detector;
import org.distillguard.core.detect.Reason;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.MalformedExchangeException;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.journal.Journal;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.StoredVerdict;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the core {@link Detector} (which is single-threaded) from the request path without slowing
 * it: event loops {@link #submit} completed exchanges into a bounded queue and one worker thread
 * journals them, updates the detector, and publishes each account's {@link Standing} when its
 * verdict rises. The proxy reads standings from a concurrent map, so a verdict reached on an
 * account's k-th request governs every request the account sends after the worker has processed the
 * k-th (see {@link #awaitProcessed}).
 *
 * <p>Standings are persisted with an audit entry whose id is the reference quoted in refusals, and
 * reloaded at start; the detector's per-account state itself is rebuilt by replaying the journal.
 */
public final class InlineDetection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InlineDetection.class);
  private static final Exchange STOP = Exchange.builder("stop", 0, "").build();

  private final Detector detector;
  private final @Nullable Journal journal;
  private final Audit audit;
  private final BlockingQueue<Item> queue;
  private final Map<String, Standing> standings = new ConcurrentHashMap<>();

  /** The verdict level already acted on per account (worker thread, and clear()). */
  private final Map<String, Verdict> acted = new ConcurrentHashMap<>();

  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile long lastLagNanos;
  private final Thread worker;
  private volatile boolean running = true;

  private record Item(Exchange exchange, long enqueuedNanos) {}

  /** Most exchanges taken from the queue at once. */
  private static final int BATCH = 256;

  /** How long the busy worker lets exchanges gather before taking the next batch. */
  private static final long BATCH_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /** Longest time processed exchanges stay in the journal's buffer while the worker is busy. */
  private static final long FLUSH_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  public InlineDetection(
      Detector detector, @Nullable Journal journal, Audit audit, int queueCapacity) {
    this.detector = detector;
    this.journal = journal;
    this.audit = audit;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.worker = new Thread(this::run, "distillguard-detector");
    this.worker.setDaemon(true);
  }

  /** Loads persisted standings (before {@link #start}). */
  public void load(List<StoredVerdict> verdicts) {
    for (StoredVerdict v : verdicts) {
      Verdict verdict = Verdict.fromId(v.verdict());
      standings.put(
          v.account(),
          new Standing(
              v.account(), verdict, v.score(), v.ref(), v.campaign(), v.campaignConfirmed()));
      acted.put(v.account(), verdict);
    }
  }

  /**
   * Replays journal files into the detector (before {@link #start}), so per-account state survives
   * a restart. Verdicts reached again are not re-audited; new ones are.
   *
   * @return exchanges replayed
   */
  public long replay(List<Path> files) {
    ExchangeParser parser = new ExchangeParser();
    long n = 0;
    for (Path f : files) {
      try (LineSource src = LineSource.open(f.toString(), LineSource.DEFAULT_MAX_LINE_BYTES)) {
        while (src.next()) {
          if (src.length() == 0 || src.overlong()) {
            continue;
          }
          try {
            Exchange e = parser.parse(src.buffer(), 0, src.length());
            observe(e);
            n++;
          } catch (MalformedExchangeException ex) {
            // a line cut short by a crash: skip it
          }
        }
      } catch (IOException | org.distillguard.core.io.InputException ex) {
        LOG.warn("journal replay: cannot read {}: {}", f, ex.getMessage());
      }
    }
    return n;
  }

  public void start() {
    worker.start();
  }

  /** Hands a completed exchange to the detector; false (and counted) when the queue is full. */
  public boolean submit(Exchange e) {
    if (!running || !queue.offer(new Item(e, System.nanoTime()))) {
      dropped.incrementAndGet();
      return false;
    }
    submitted.incrementAndGet();
    return true;
  }

  /** The account's standing, or null when nothing is held against it. */
  public @Nullable Standing standing(String account) {
    return standings.get(account);
  }

  /** Every standing, for the admin API. */
  public List<Standing> standings() {
    return List.copyOf(standings.values());
  }

  /**
   * Forgets an account's standing (an analyst cleared it); the detector will act again only if the
   * account reaches a higher verdict. Blocking (store).
   */
  public boolean clear(String account) {
    Standing s = standings.remove(account);
    audit.store().clearVerdict(account);
    return s != null;
  }

  /**
   * The worker: takes what is queued in batches. While traffic flows it pauses {@link #BATCH_PAUSE}
   * after each batch instead of sleeping on the queue, so the event loops' {@link #submit} finds no
   * sleeper to wake (a futex call and a context switch per exchange otherwise, which at 10k
   * requests/s cost more CPU than the detection itself); only when nothing arrives for the pause
   * does it block on the queue. The journal goes to the operating system at most every {@link
   * #FLUSH_EVERY} while busy and whenever the worker falls idle: a JVM crash loses at most that
   * much of the journal, besides what still waits in the queue.
   */
  private void run() {
    List<Item> batch = new ArrayList<>(BATCH);
    long flushed = System.nanoTime();
    boolean stop = false;
    while (!stop) {
      Item first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (first == null) {
        flush();
        flushed = System.nanoTime();
        continue;
      }
      batch.add(first);
      while (!batch.isEmpty()) {
        queue.drainTo(batch, BATCH - batch.size());
        for (Item it : batch) {
          if (it.exchange == STOP) {
            stop = true; // queued last: everything before it is processed
            break;
          }
          try {
            process(it.exchange);
          } catch (RuntimeException e) {
            LOG.error("detector failed on exchange {}: {}", it.exchange.id(), e.toString());
          }
          lastLagNanos = System.nanoTime() - it.enqueuedNanos;
          processed.incrementAndGet();
        }
        batch.clear();
        if (stop) {
          break;
        }
        if (System.nanoTime() - flushed >= FLUSH_EVERY_NANOS) {
          flush();
          flushed = System.nanoTime();
        }
        if (queue.isEmpty()) {
          LockSupport.parkNanos(BATCH_PAUSE_NANOS);
          if (queue.isEmpty()) {
            flush(); // idle: everything processed is in the journal file
            flushed = System.nanoTime();
          }
        }
      }
    }
    flush();
  }

  private void flush() {
    if (journal != null) {
      journal.flush();
    }
  }

  private void process(Exchange e) {
    if (journal != null) {
      journal.write(e);
    }
    observe(e);
  }

  /**
   * Updates the detector; publishes what rose. Members flagged because their campaign was just
   * confirmed come first (they may include this account, and some sent nothing now).
   */
  private void observe(Exchange e) {
    Verdict v = detector.observe(e);
    List<String> byCampaign = detector.raisedByCampaign();
    if (!byCampaign.isEmpty()) {
      for (String member : List.copyOf(byCampaign)) {
        raise(member, Verdict.DISTILLATION, e.timeMillis(), true);
      }
    }
    raise(e.account(), v, e.timeMillis(), false);
  }

  /**
   * Publishes, persists and audits a verdict that went up.
   *
   * @param byCampaign flagged on the evidence of its confirmed campaign
   */
  private void raise(String account, Verdict v, long atMillis, boolean byCampaign) {
    if (v == Verdict.BENIGN) {
      return;
    }
    Verdict before = acted.get(account);
    if (before != null && before.ordinal() >= v.ordinal()) {
      return;
    }
    acted.put(account, v);
    Assessment a = detector.assessment(account);
    if (a == null) {
      return;
    }
    String reasons = reasons(a.reasons());
    // The campaign the linker put the account in, if any, and whether it is confirmed.
    String campaign = a.campaign();
    boolean confirmed = campaign != null && (byCampaign || detector.inConfirmedCampaign(account));
    AuditEntry entry;
    try {
      entry =
          audit.record(
              "detector",
              "verdict." + v.id(),
              "account:" + account,
              (byCampaign ? "flagged by confirmed " + campaign + "; " : "")
                  + (campaign != null && !byCampaign ? "member of " + campaign + "; " : "")
                  + "score "
                  + a.score()
                  + " after "
                  + a.requests()
                  + " requests; "
                  + reasons,
              null);
      audit
          .store()
          .putVerdict(
              new StoredVerdict(
                  account,
                  v.id(),
                  a.score(),
                  a.requests(),
                  a.flagged() ? a.flaggedAtMillis() : null,
                  reasons,
                  atMillis,
                  entry.id(),
                  campaign,
                  confirmed));
    } catch (RuntimeException ex) {
      LOG.error("cannot persist the verdict of {}: {}", account, ex.toString());
      entry = new AuditEntry(Audit.newId(atMillis), atMillis, "detector", "", "", null, null);
    }
    standings.put(account, new Standing(account, v, a.score(), entry.id(), campaign, confirmed));
    LOG.info(
        "verdict account={} verdict={} score={} requests={} ref={}",
        account,
        v.id(),
        a.score(),
        a.requests(),
        entry.id());
  }

  private static String reasons(List<Reason> rs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(5, rs.size()); i++) {
      Reason r = rs.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(r.signal()).append('=').append(Math.round(r.value() * 1000) / 1000.0);
    }
    return sb.toString();
  }

  /** The detector's current assessment of an account (admin API); runs on the caller's thread. */
  public long submitted() {
    return submitted.get();
  }

  public long processed() {
    return processed.get();
  }

  public long dropped() {
    return dropped.get();
  }

  public int queued() {
    return queue.size();
  }

  /** Time the latest processed exchange waited in the queue. */
  public long lastLagNanos() {
    return lastLagNanos;
  }

  /** Waits until at least {@code count} exchanges have been processed; false on timeout. */
  public boolean awaitProcessed(long count, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (processed.get() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /** Processes what is queued, then stops the worker and closes the journal. */
  @Override
  public void close() {
    running = false;
    try {
      queue.put(new Item(STOP, System.nanoTime()));
      worker.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (journal != null) {
      journal.close();
    }
  }
}
