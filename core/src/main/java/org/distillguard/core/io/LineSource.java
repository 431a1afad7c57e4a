package org.distillguard.core.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Splits a byte stream into lines, plain or gzip (detected by its magic bytes, whatever the file is
 * called), with 1-based line numbers.
 *
 * <p>Memory is bounded by {@code maxLineBytes}: a longer line is not buffered but skipped up to its
 * newline and reported as {@link #overlong()}. Blank lines are skipped (but counted); a trailing
 * {@code \r} and a leading UTF-8 byte-order mark are dropped.
 */
public final class LineSource implements Closeable {
  /** The default longest line accepted: 64 MiB, far above any real request. */
  public static final int DEFAULT_MAX_LINE_BYTES = 64 << 20;

  private static final int CHUNK = 1 << 16;

  private final String name;
  private final InputStream in;
  private final CountingInputStream raw;
  private final long totalBytes;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[CHUNK];
  private int pos;
  private int limit;
  private boolean eof;

  private byte[] line = new byte[4096];
  private int lineLength;
  private long lineNumber;
  private boolean overlong;

  private LineSource(String name, InputStream rawIn, long totalBytes, int maxLineBytes)
      throws IOException {
    this.name = name;
    this.raw = new CountingInputStream(rawIn);
    this.totalBytes = totalBytes;
    this.maxLineBytes = maxLineBytes;
    BufferedInputStream peek = new BufferedInputStream(raw, CHUNK);
    peek.mark(2);
    int b0 = peek.read();
    int b1 = peek.read();
    peek.reset();
    this.in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(peek, CHUNK) : peek;
  }

  /**
   * Opens a file, or standard input for {@code "-"}.
   *
   * @throws InputException when the file is missing or unreadable, with a message for the user
   */
  public static LineSource open(String path, int maxLineBytes) throws InputException {
    try {
      if ("-".equals(path)) {
        return new LineSource("<stdin>", System.in, -1, maxLineBytes);
      }
      Path p = Path.of(path);
      if (Files.isDirectory(p)) {
        throw new InputException(path + ": is a directory, expected a log file");
      }
      return new LineSource(path, Files.newInputStream(p), Files.size(p), maxLineBytes);
    } catch (NoSuchFileException e) {
      throw new InputException(path + ": no such file");
    } catch (IOException e) {
      throw new InputException(path + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** Wraps an open stream (tests, the gateway's replay). */
  public static LineSource of(String name, InputStream in, int maxLineBytes) throws IOException {
    return new LineSource(name, in, -1, maxLineBytes);
  }

  /**
   * Advances to the next non-blank line.
   *
   * @return false at the end of the input
   * @throws IOException when the input breaks off (a truncated gzip, a read error)
   */
  public boolean next() throws IOException {
    while (true) {
      if (!readLine()) {
        return false;
      }
      if (overlong || !isBlank()) {
        return true;
      }
    }
  }

  private boolean readLine() throws IOException {
    lineLength = 0;
    overlong = false;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        if (eof || !fill()) {
          if (any) {
            lineNumber++;
            stripCr();
            return true;
          }
          return false;
        }
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < limit; i++) {
        if (chunk[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? limit : nl;
      append(start, end - start);
      pos = nl < 0 ? limit : nl + 1;
      if (nl >= 0) {
        lineNumber++;
        stripCr();
        if (lineNumber == 1) {
          stripBom();
        }
        return true;
      }
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk, 0, CHUNK);
    if (n <= 0) {
      eof = true;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private void append(int from, int len) {
    if (overlong || len == 0) {
      return;
    }
    if ((long) lineLength + len > maxLineBytes) {
      overlong = true;
      lineLength = 0;
      return;
    }
    if (lineLength + len > line.length) {
      int cap = (int) Math.min(maxLineBytes, Math.max((long) line.length * 2, lineLength + len));
      line = Arrays.copyOf(line, cap);
    }
    System.arraycopy(chunk, from, line, lineLength, len);
    lineLength += len;
  }

  private void stripCr() {
    if (lineLength > 0 && line[lineLength - 1] == '\r') {
      lineLength--;
    }
  }

  private void stripBom() {
    if (lineLength >= 3
        && line[0] == (byte) 0xEF
        && line[1] == (byte) 0xBB
        && line[2] == (byte) 0xBF) {
      System.arraycopy(line, 3, line, 0, lineLength - 3);
      lineLength -= 3;
    }
  }

  private boolean isBlank() {
    for (int i = 0; i < lineLength; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** The current line's bytes, valid until the next call to {@link #next()}. */
  public byte[] buffer() {
    return line;
  }

  public int length() {
    return lineLength;
  }

  /** 1-based number of the current line in this input. */
  public long lineNumber() {
    return lineNumber;
  }

  /** True when the current line was longer than the limit; its bytes were not kept. */
  public boolean overlong() {
    return overlong;
  }

  public int maxLineBytes() {
    return maxLineBytes;
  }

  /** The name used in messages: the path, or {@code <stdin>}. */
  public String name() {
    return name;
  }

  /** Bytes of the underlying file consumed so far (compressed bytes for gzip). */
  public long bytesRead() {
    return raw.count;
  }

  /** The file's size in bytes, or -1 when unknown (stdin). */
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Counts what the decompressor pulled from the file, for progress. */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
