package org.distillguard.gateway.mark;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distillguard.gateway.store.MarkServing;
import org.distillguard.gateway.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes marked servings to the store off the event loop: event loops {@link #record} into a
 * bounded queue and one daemon thread writes (the store is blocking JDBC). A full queue drops and
 * counts, never blocks an answer; {@link #close} writes what is queued.
 */
final class ServingRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingRecorder.class);
  private static final MarkServing STOP =
      new MarkServing("", 0, "", null, "", "", "", "", null, 0, 0, 0, "");

  private final Store store;
  private final BlockingQueue<MarkServing> queue;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread worker;

  ServingRecorder(Store store, int capacity) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(this::run, "distillguard-mark-servings");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Queues one serving; false (and counted) when the queue is full. */
  boolean record(MarkServing s) {
    if (!queue.offer(s)) {
      dropped.incrementAndGet();
      return false;
    }
    return true;
  }

  long written() {
    return written.get();
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    while (true) {
      MarkServing s;
      try {
        s = queue.poll(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (s == null) {
        continue;
      }
      if (s == STOP) {
        return;
      }
      try {
        store.putMarkServing(s);
        written.incrementAndGet();
      } catch (RuntimeException e) {
        LOG.error("cannot record marked serving {}: {}", s.id(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    try {
      queue.put(STOP);
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
