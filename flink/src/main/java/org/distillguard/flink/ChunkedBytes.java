package org.distillguard.flink;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A large snapshot as a list of fixed-size byte arrays, for Flink list state: a campaign stage of a
 * million accounts is a few hundred megabytes, and as chunks it needs no single giant array (no
 * humongous allocation, no copy to trim a buffer) on the way into a checkpoint or out of one.
 */
final class ChunkedBytes extends OutputStream {
  static final int CHUNK = 1 << 20;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current = new byte[CHUNK];
  private int used;

  /** A data output that fills chunks. */
  static DataOutputStream output(ChunkedBytes bytes) {
    return new DataOutputStream(bytes);
  }

  /** A data input over {@code chunks}, in order. */
  static DataInputStream input(Iterable<byte[]> chunks) {
    List<InputStream> streams = new ArrayList<>();
    for (byte[] c : chunks) {
      streams.add(new ByteArrayInputStream(c));
    }
    return new DataInputStream(new SequenceInputStream(Collections.enumeration(streams)));
  }

  @Override
  public void write(int b) {
    if (used == current.length) {
      next();
    }
    current[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (used == current.length) {
        next();
      }
      int n = Math.min(len, current.length - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  private void next() {
    chunks.add(current);
    current = new byte[CHUNK];
    used = 0;
  }

  /** The bytes written, as chunks (the last one trimmed). */
  List<byte[]> chunks() throws IOException {
    flush();
    List<byte[]> out = new ArrayList<>(chunks);
    if (used > 0) {
      out.add(used == current.length ? current : java.util.Arrays.copyOf(current, used));
    }
    return out;
  }
}
