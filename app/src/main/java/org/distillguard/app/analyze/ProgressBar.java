package org.distillguard.app.analyze;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr, redrawn in place a few times a second from a background
 * thread: bytes read against the input size when it is known, events and rate otherwise.
 */
final class ProgressBar implements AutoCloseable {
  private final PrintWriter err;
  private final LongSupplier done;
  private final LongSupplier total;
  private final LongSupplier events;
  private final long start = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  ProgressBar(PrintWriter err, LongSupplier done, LongSupplier total, LongSupplier events) {
    this.err = err;
    this.done = done;
    this.total = total;
    this.events = events;
    this.thread = new Thread(this::loop, "distillguard-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        draw();
      }
    }
  }

  private synchronized void draw() {
    double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    long ev = events.getAsLong();
    long t = total.getAsLong();
    String rate = String.format(Locale.ROOT, "%,d events  %,.0f/s  %.0fs", ev, ev / secs, secs);
    if (t > 0) {
      double f = Math.min(1, done.getAsLong() / (double) t);
      int w = 30;
      int full = (int) Math.round(f * w);
      err.print(
          String.format(
              Locale.ROOT,
              "\r[%s%s] %3.0f%%  %s",
              "#".repeat(full),
              " ".repeat(w - full),
              f * 100,
              rate));
    } else {
      err.print("\r" + rate);
    }
    err.flush();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    synchronized (this) {
      err.print("\r" + " ".repeat(79) + "\r");
      err.flush();
    }
  }
}
