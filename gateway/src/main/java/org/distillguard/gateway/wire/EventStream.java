package org.distillguard.gateway.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Cuts a server-sent-event stream into whole events, whatever the chunking, and lets a {@link
 * Rewriter} replace or drop each one. An event is held only until its blank line arrives, so none
 * is ever split or reordered; bytes of events left as they are pass through without a copy when a
 * chunk holds only whole events. One instance per stream; not thread-safe.
 */
public final class EventStream {
  private static final byte[] EMPTY = new byte[0];

  /** One complete event: its {@code event:} name, its joined {@code data:} lines, its text. */
  public record Event(@Nullable String name, String data, String text) {}

  /** Decides about one event. */
  @FunctionalInterface
  public interface Rewriter {
    /** Null to forward the event's bytes unchanged, else its replacement (empty to drop it). */
    byte @Nullable [] rewrite(Event event);
  }

  private byte[] pending = EMPTY;
  private int pendingLen;

  /** Takes the next {@code len} bytes of the stream; returns the bytes to forward now. */
  public byte[] feed(byte[] chunk, int len, Rewriter rewriter) {
    byte[] buf;
    int n;
    if (pendingLen == 0) {
      buf = chunk;
      n = len;
    } else {
      buf = new byte[pendingLen + len];
      System.arraycopy(pending, 0, buf, 0, pendingLen);
      System.arraycopy(chunk, 0, buf, pendingLen, len);
      n = buf.length;
    }
    ByteArrayOutputStream out = null; // only when something is dropped or rewritten
    int start = 0;
    int copiedUpTo = 0;
    for (int end = eventEnd(buf, 0, n); end >= 0; end = eventEnd(buf, start, n)) {
      Event e = parse(buf, start, end);
      byte[] replacement = e == null ? null : rewriter.rewrite(e);
      if (replacement != null) {
        if (out == null) {
          out = new ByteArrayOutputStream(n + 64);
        }
        out.write(buf, copiedUpTo, start - copiedUpTo);
        out.write(replacement, 0, replacement.length);
        copiedUpTo = end;
      }
      start = end;
    }
    // Keep the unfinished tail.
    pendingLen = n - start;
    pending = pendingLen == 0 ? EMPTY : java.util.Arrays.copyOfRange(buf, start, n);
    if (out == null) {
      return start == n && buf == chunk && len == chunk.length
          ? chunk
          : java.util.Arrays.copyOf(buf, start);
    }
    out.write(buf, copiedUpTo, start - copiedUpTo);
    return out.toByteArray();
  }

  /** The end of the stream: whatever unfinished event remains, to be forwarded as it is. */
  public byte[] end() {
    byte[] r = pendingLen == 0 ? EMPTY : java.util.Arrays.copyOf(pending, pendingLen);
    pending = EMPTY;
    pendingLen = 0;
    return r;
  }

  /** An event's wire text: an optional {@code event:} line and one {@code data:} line. */
  public static String text(@Nullable String name, JsonNode data) {
    return (name == null ? "" : "event: " + name + "\n") + "data: " + Json.string(data) + "\n\n";
  }

  /** {@link #text} as bytes. */
  public static byte[] encode(@Nullable String name, JsonNode data) {
    return text(name, data).getBytes(StandardCharsets.UTF_8);
  }

  /** Index just past the blank line that ends the event starting at {@code from}, or -1. */
  private static int eventEnd(byte[] b, int from, int n) {
    for (int i = from; i < n - 1; i++) {
      if (b[i] == '\n') {
        if (b[i + 1] == '\n') {
          return i + 2;
        }
        if (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /** The event in {@code b[start, end)}, or null if it has no data (a comment, a keep-alive). */
  private static @Nullable Event parse(byte[] b, int start, int end) {
    String text = new String(b, start, end - start, StandardCharsets.UTF_8);
    String name = null;
    StringBuilder data = null;
    // Lines end in \n or \r\n; split by hand (String.split would compile a regex per event).
    for (int from = 0; from < text.length(); ) {
      int nl = text.indexOf('\n', from);
      int to = nl < 0 ? text.length() : nl;
      String line = text.substring(from, to > from && text.charAt(to - 1) == '\r' ? to - 1 : to);
      from = to + 1;
      if (line.startsWith("data:")) {
        String d = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
      } else if (line.startsWith("event:")) {
        name = line.substring(6).trim();
      }
    }
    return data == null ? null : new Event(name, data.toString(), text);
  }
}
