package org.distillguard.core.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * Reads exchange logs with parsing spread over worker threads, and hands the results to the calling
 * thread <em>in file order</em>, so that everything downstream stays deterministic.
 *
 * <p>One thread splits the inputs into batches of lines; workers parse each batch and apply a
 * per-exchange {@code transform} (e.g. text analysis, which needs no account state); the caller
 * consumes batches in order. A bounded queue of batches keeps memory constant whatever the input
 * size. Problems (bad lines, broken inputs) reach the caller in order too, between the exchanges
 * around them.
 *
 * @param <T> what each exchange is transformed into
 */
public final class ParallelLogReader<T> {
  private static final int BATCH_LINES = 1024;
  private static final int BATCH_BYTES = 1 << 20;

  /** Receives the results on the calling thread. */
  public interface Consumer<T> {
    void accept(T item);

    /**
     * Called for each unusable line or input.
     *
     * @return false to stop reading (strict mode)
     */
    boolean problem(LogProblem problem);
  }

  private final List<String> inputs;
  private final Function<Exchange, T> transform;
  private final int workers;
  private final int maxLineBytes;
  private final ExchangeParser parser = new ExchangeParser();
  private final AtomicLong bytesRead = new AtomicLong();
  private volatile long totalBytes = -1;

  public ParallelLogReader(
      List<String> inputs, Function<Exchange, T> transform, int workers, int maxLineBytes) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1");
    }
    this.inputs = List.copyOf(inputs);
    this.transform = transform;
    this.workers = workers;
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes consumed from the inputs so far (compressed bytes for gzip); for progress. */
  public long bytesRead() {
    return bytesRead.get();
  }

  /** Total size of the input files, or -1 when unknown (stdin). */
  public long totalBytes() {
    return totalBytes;
  }

  /**
   * Reads every input and feeds {@code consumer}; returns when all is read or the consumer asked to
   * stop.
   *
   * @throws InputException when an input cannot be opened at all; nothing has been consumed from
   *     it, but earlier inputs have
   */
  public void run(Consumer<T> consumer) throws InputException {
    List<LineSource> sources = new ArrayList<>();
    long total = 0;
    try {
      for (String in : inputs) {
        LineSource s = LineSource.open(in, maxLineBytes);
        sources.add(s);
        total = s.totalBytes() < 0 || total < 0 ? -1 : total + s.totalBytes();
      }
    } catch (InputException e) {
      closeAll(sources);
      throw e;
    }
    totalBytes = total;
    ExecutorService pool =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, "distillguard-parse");
              t.setDaemon(true);
              return t;
            });
    BlockingQueue<CompletableFuture<Batch<T>>> queue = new ArrayBlockingQueue<>(4 * workers);
    Thread splitter = new Thread(() -> split(sources, pool, queue), "distillguard-read");
    splitter.setDaemon(true);
    splitter.start();
    try {
      while (true) {
        Batch<T> batch = queue.take().get();
        if (batch.end) {
          break;
        }
        if (!deliver(batch, consumer)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("parser failed", e.getCause());
    } finally {
      splitter.interrupt();
      pool.shutdownNow();
      closeAll(sources);
    }
  }

  private static <T> boolean deliver(Batch<T> b, Consumer<T> consumer) {
    int p = 0;
    for (int i = 0; i < b.count; i++) {
      @SuppressWarnings("unchecked")
      T item = (T) b.items[i];
      if (item != null) {
        consumer.accept(item);
      } else if (!consumer.problem(b.problems.get(p++))) {
        return false;
      }
    }
    // Problems about the input as a whole come after its last line.
    while (p < b.problems.size()) {
      if (!consumer.problem(b.problems.get(p++))) {
        return false;
      }
    }
    return true;
  }

  private void split(
      List<LineSource> sources,
      ExecutorService pool,
      BlockingQueue<CompletableFuture<Batch<T>>> queue) {
    try {
      long before = 0;
      for (LineSource src : sources) {
        RawBatch raw = new RawBatch(src.name());
        try {
          while (src.next()) {
            if (src.overlong()) {
              raw.addProblem(src.lineNumber(), "line longer than " + src.maxLineBytes() + " bytes");
            } else {
              raw.add(src.buffer(), src.length(), src.lineNumber());
            }
            if (raw.full()) {
              submit(raw, pool, queue);
              raw = new RawBatch(src.name());
              bytesRead.set(before + src.bytesRead());
            }
          }
        } catch (IOException e) {
          raw.fileProblem(
              "input breaks off after line " + src.lineNumber() + " (" + e.getMessage() + ")");
        }
        submit(raw, pool, queue);
        before += Math.max(0, src.bytesRead());
        bytesRead.set(before);
      }
      Batch<T> end = new Batch<>(0);
      end.end = true;
      queue.put(CompletableFuture.completedFuture(end));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void submit(
      RawBatch raw, ExecutorService pool, BlockingQueue<CompletableFuture<Batch<T>>> queue)
      throws InterruptedException {
    queue.put(CompletableFuture.supplyAsync(() -> parse(raw), pool));
  }

  private Batch<T> parse(RawBatch raw) {
    Batch<T> out = new Batch<>(raw.count);
    out.count = raw.count;
    int problem = 0;
    for (int i = 0; i < raw.count; i++) {
      if (raw.lengths[i] < 0) {
        out.problems.add(raw.problems.get(problem++));
        continue;
      }
      try {
        Exchange e = parser.parse(raw.data, raw.offsets[i], raw.lengths[i]);
        out.items[i] = transform.apply(e);
      } catch (MalformedExchangeException e) {
        out.problems.add(new LogProblem(raw.source, raw.lines[i], String.valueOf(e.getMessage())));
      }
    }
    out.problems.addAll(raw.problems.subList(problem, raw.problems.size()));
    return out;
  }

  private static void closeAll(List<LineSource> sources) {
    for (LineSource s : sources) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a reader we are done with: nothing to lose
      }
    }
  }

  /** Lines copied out of the reader's buffer, waiting to be parsed. */
  private static final class RawBatch {
    final String source;
    byte[] data = new byte[64 * 1024];
    int size;
    final int[] offsets = new int[BATCH_LINES];
    final int[] lengths = new int[BATCH_LINES];
    final long[] lines = new long[BATCH_LINES];
    int count;
    final List<LogProblem> problems = new ArrayList<>(0);

    RawBatch(String source) {
      this.source = source;
    }

    void add(byte[] buf, int len, long line) {
      if (size + len > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + len));
      }
      System.arraycopy(buf, 0, data, size, len);
      offsets[count] = size;
      lengths[count] = len;
      lines[count] = line;
      size += len;
      count++;
    }

    void addProblem(long line, String reason) {
      offsets[count] = 0;
      lengths[count] = -1;
      lines[count] = line;
      count++;
      problems.add(new LogProblem(source, line, reason));
    }

    void fileProblem(String reason) {
      problems.add(new LogProblem(source, 0, reason));
    }

    boolean full() {
      return count == BATCH_LINES || size >= BATCH_BYTES;
    }
  }

  /** Parsed results: {@code items[i]} is null where line i was a problem. */
  private static final class Batch<T> {
    final @Nullable Object[] items;
    int count;
    final List<LogProblem> problems = new ArrayList<>(0);
    boolean end;

    Batch(int n) {
      items = new Object[n];
    }
  }
}
