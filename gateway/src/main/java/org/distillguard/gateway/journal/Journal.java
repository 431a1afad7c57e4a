package org.distillguard.gateway.journal;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.io.ExchangeWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange journal: every observed exchange as one Contract 1 line appended to {@code
 * exchanges.jsonl}, which {@code distillguard analyze} reads as it is. When the file passes the
 * rotation size it is renamed with a UTC timestamp and gzipped in the background. With {@code
 * keep_prompts: false} message contents are written empty (roles and turn counts stay).
 *
 * <p>Written by one thread (the detector's worker); not thread-safe.
 */
public final class Journal implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  static final String CURRENT = "exchanges.jsonl";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final boolean keepPrompts;
  private final long rotateBytes;
  private final Clock clock;
  private final ExecutorService gzipper =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "distillguard-journal-gzip");
            t.setDaemon(true);
            return t;
          });
  private Writer out;
  private CountingStream counter;
  private int rotations;

  public Journal(Path dir, boolean keepPrompts, long rotateBytes, Clock clock) throws IOException {
    this.dir = dir;
    this.keepPrompts = keepPrompts;
    this.rotateBytes = rotateBytes;
    this.clock = clock;
    Files.createDirectories(dir);
    this.counter = openCurrent();
    this.out = writer(counter);
    // A crash may have left a rotated file ungzipped.
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("exchanges-.*\\.jsonl"))
          .forEach(p -> gzipper.execute(() -> gzip(p)));
    }
  }

  private CountingStream openCurrent() throws IOException {
    Path p = dir.resolve(CURRENT);
    long size = Files.exists(p) ? Files.size(p) : 0;
    return new CountingStream(
        Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND), size);
  }

  private static Writer writer(OutputStream os) {
    return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 64 * 1024);
  }

  /** Appends one exchange (buffered; see {@link #flush}). */
  public void write(Exchange e) {
    try {
      ExchangeWriter.writeLine(keepPrompts ? e : redact(e), out);
      if (counter.count >= rotateBytes) {
        rotate();
      }
    } catch (IOException | UncheckedIOException ex) {
      LOG.error("journal write failed: {}", ex.toString());
    }
  }

  static Exchange redact(Exchange e) {
    List<Message> ms = new ArrayList<>(e.messages().size());
    for (Message m : e.messages()) {
      ms.add(new Message(m.role(), ""));
    }
    return new Exchange(
        e.id(),
        e.timeMillis(),
        e.account(),
        e.org(),
        e.apiKey(),
        e.ip(),
        e.userAgent(),
        e.endpoint(),
        e.model(),
        e.params(),
        ms,
        e.conversation(),
        e.usage(),
        null,
        e.status(),
        e.accountMeta());
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException ex) {
      LOG.error("journal flush failed: {}", ex.toString());
    }
  }

  private void rotate() throws IOException {
    out.close();
    Path rotated =
        dir.resolve("exchanges-" + STAMP.format(clock.instant()) + "-" + (rotations++) + ".jsonl");
    Files.move(dir.resolve(CURRENT), rotated, StandardCopyOption.ATOMIC_MOVE);
    counter = openCurrent();
    out = writer(counter);
    gzipper.execute(() -> gzip(rotated));
  }

  private static void gzip(Path plain) {
    Path gz = plain.resolveSibling(plain.getFileName() + ".gz");
    Path tmp = plain.resolveSibling(plain.getFileName() + ".gz.tmp");
    try (InputStream in = Files.newInputStream(plain);
        OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
      in.transferTo(o);
    } catch (IOException e) {
      LOG.error("journal gzip of {} failed: {}", plain, e.toString());
      return;
    }
    try {
      Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(plain);
    } catch (IOException e) {
      LOG.error("journal gzip of {} failed: {}", plain, e.toString());
    }
  }

  /** The journal's files in write order: rotated ones (oldest first), then the current one. */
  public static List<Path> files(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("exchanges-")
                    && (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz"));
              })
          .sorted(
              (a, b) -> {
                // Same stamp and counter sort by name; the numeric counter breaks ties in order.
                return key(a).compareTo(key(b));
              })
          .forEach(out::add);
    }
    Path cur = dir.resolve(CURRENT);
    if (Files.exists(cur)) {
      out.add(cur);
    }
    // A plain file and its gzip can both exist for a moment; keep the plain one.
    out.removeIf(
        p ->
            p.getFileName().toString().endsWith(".gz")
                && out.contains(p.resolveSibling(p.getFileName().toString().replace(".gz", ""))));
    return out;
  }

  private static String key(Path p) {
    String n = p.getFileName().toString().replace(".gz", "").replace(".jsonl", "");
    int dash = n.lastIndexOf('-');
    String counter = n.substring(dash + 1);
    return n.substring(0, dash) + "-" + "0".repeat(Math.max(0, 10 - counter.length())) + counter;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      LOG.error("journal close failed: {}", e.toString());
    }
    gzipper.shutdown();
    try {
      if (!gzipper.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("journal: gzip of a rotated file still running at shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts bytes written so rotation needs no stat calls. */
  private static final class CountingStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingStream(OutputStream out, long start) {
      this.out = out;
      this.count = start;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
