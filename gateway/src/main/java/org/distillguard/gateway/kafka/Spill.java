package org.distillguard.gateway.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.InputException;
import org.distillguard.core.io.LineSource;
import org.distillguard.gateway.journal.Journal;
import org.jspecify.annotations.Nullable;

/**
 * Exchanges that Kafka could not take yet, on local disk in the order they came: numbered segment
 * directories, each written by the gateway's own {@link Journal} (Contract 1 JSON Lines, so {@code
 * distillguard analyze} and {@code distillguard replay} read them as they are). New exchanges go to
 * the newest segment; the replay reads the oldest. A segment is deleted once every line of it has
 * been read and acknowledged by Kafka.
 *
 * <p>Used by one thread (the publisher's); only {@link Segment#outstanding} is touched by Kafka's
 * callback thread.
 */
final class Spill {
  private static final String FILE = "exchanges.jsonl";

  /** Numbers leave room below the first one for segments put in front at shutdown. */
  private static final long FIRST = 1_000_000_000_000L;

  private final Path dir;
  private final Clock clock;
  private final Deque<Segment> closed = new ArrayDeque<>();
  private @Nullable Journal writer;
  private long writerNumber;
  private long writtenInCurrent;
  private long next;
  private @Nullable Segment reading;
  private @Nullable LineSource source;

  /** One segment: a directory holding one journal file. */
  static final class Segment {
    final long number;
    final Path dir;

    /** Lines read from it that Kafka has not acknowledged yet. */
    final AtomicLong outstanding = new AtomicLong();

    boolean fullyRead;

    Segment(long number, Path dir) {
      this.number = number;
      this.dir = dir;
    }
  }

  /** One line read for replay, with the segment it belongs to. */
  record Line(Segment segment, byte[] bytes, String name, long lineNumber) {}

  Spill(Path dir, Clock clock) throws IOException {
    this.dir = dir;
    this.clock = clock;
    Files.createDirectories(dir);
    long max = FIRST - 1;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p :
          s.filter(p -> p.getFileName().toString().startsWith("seg-"))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList()) {
        long n = Long.parseLong(p.getFileName().toString().substring(4));
        if (Journal.files(p).isEmpty()) {
          delete(p);
          continue;
        }
        closed.add(new Segment(n, p));
        max = Math.max(max, n);
      }
    }
    this.next = max + 1;
  }

  private Path segmentDir(long n) {
    return dir.resolve(String.format("seg-%020d", n));
  }

  /** Appends an exchange to the newest segment (buffered; see {@link #flush}). */
  void write(Exchange e) throws IOException {
    Journal w = writer;
    if (w == null) {
      writerNumber = next++;
      // Segments are never rotated: a segment is replayed and deleted as a whole.
      w = new Journal(segmentDir(writerNumber), true, Long.MAX_VALUE, clock);
      writer = w;
      writtenInCurrent = 0;
    }
    w.write(e);
    writtenInCurrent++;
  }

  /** Writes exchanges into a new segment in front of all others (their order is kept). */
  void writeFront(List<Exchange> es) throws IOException {
    if (es.isEmpty()) {
      return;
    }
    long n = FIRST - 1;
    for (Segment s : closed) {
      n = Math.min(n, s.number - 1);
    }
    if (writer != null) {
      n = Math.min(n, writerNumber - 1);
    }
    Journal front = new Journal(segmentDir(n), true, Long.MAX_VALUE, clock);
    for (Exchange e : es) {
      front.write(e);
    }
    front.close();
  }

  void flush() {
    Journal w = writer;
    if (w != null) {
      w.flush();
    }
  }

  /** Nothing waits on disk (segments being replayed count until acknowledged and deleted). */
  boolean isEmpty() {
    return closed.isEmpty() && reading == null && writtenInCurrent == 0;
  }

  /** Bytes on disk, for metrics. */
  long bytes() {
    long sum = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        sum += Files.size(p);
      }
    } catch (IOException e) {
      return sum;
    }
    return sum;
  }

  /**
   * The next line to replay, oldest first, or null when everything on disk has been read (the
   * newest segment is closed and joins the replay once the older ones are read).
   */
  @Nullable Line next() throws IOException {
    while (true) {
      Segment seg = reading;
      LineSource src = source;
      if (seg != null && src != null) {
        while (src.next()) {
          if (src.length() == 0 || src.overlong()) {
            continue;
          }
          byte[] b = java.util.Arrays.copyOf(src.buffer(), src.length());
          seg.outstanding.incrementAndGet();
          return new Line(seg, b, src.name(), src.lineNumber());
        }
        src.close();
        source = null;
        seg.fullyRead = true;
        return null;
      }
      if (seg != null) {
        return null; // read to the end, waiting for acknowledgements
      }
      if (closed.isEmpty()) {
        if (writtenInCurrent == 0) {
          return null;
        }
        roll();
      }
      Segment head = closed.removeFirst();
      reading = head;
      try {
        List<Path> files = Journal.files(head.dir);
        source =
            files.isEmpty()
                ? null
                : LineSource.open(files.get(0).toString(), LineSource.DEFAULT_MAX_LINE_BYTES);
      } catch (InputException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (source == null) {
        head.fullyRead = true;
      }
    }
  }

  /**
   * Deletes the segment being replayed once it has been read to the end and every line of it was
   * acknowledged; true when it did.
   */
  boolean retireIfDone() throws IOException {
    Segment seg = reading;
    if (seg == null || !seg.fullyRead || seg.outstanding.get() > 0) {
      return false;
    }
    delete(seg.dir);
    reading = null;
    return true;
  }

  /** Closes the newest segment so that it can be replayed; new writes open another. */
  private void roll() {
    Journal w = writer;
    if (w == null) {
      return;
    }
    w.close();
    closed.addLast(new Segment(writerNumber, segmentDir(writerNumber)));
    writer = null;
    writtenInCurrent = 0;
  }

  void close() {
    Journal w = writer;
    if (w != null) {
      w.close();
      writer = null;
    }
    LineSource src = source;
    if (src != null) {
      try {
        src.close();
      } catch (IOException e) {
        // read-only
      }
    }
  }

  private static void delete(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
