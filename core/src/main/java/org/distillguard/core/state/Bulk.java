package org.distillguard.core.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Arrays and strings to and from {@link DataOutput}/{@link DataInput} in bulk: one write call per
 * array instead of one per element, because state snapshots hold arrays of millions of entries (a
 * campaign stage of a million accounts writes about 40 of them) and any {@code DataOutput} — a byte
 * stream, a Flink output view — is fastest fed large chunks. Big-endian, like {@code DataOutput}
 * itself.
 */
public final class Bulk {
  private Bulk() {}

  // Arrays go through a byte[] of at most this many bytes at a time.
  private static final int CHUNK = 1 << 16;

  public static void writeInts(DataOutput out, int[] a, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.min(CHUNK, Math.max(4, n * 4)));
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, b.capacity() / 4);
      b.clear();
      b.asIntBuffer().put(a, i, m);
      out.write(b.array(), 0, m * 4);
      i += m;
    }
  }

  public static int[] readInts(DataInput in, int n, int capacity) throws IOException {
    int[] a = new int[Math.max(n, capacity)];
    byte[] buf = new byte[Math.min(CHUNK, Math.max(4, n * 4))];
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, buf.length / 4);
      in.readFully(buf, 0, m * 4);
      ByteBuffer.wrap(buf, 0, m * 4).asIntBuffer().get(a, i, m);
      i += m;
    }
    return a;
  }

  public static void writeLongs(DataOutput out, long[] a, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.min(CHUNK, Math.max(8, n * 8)));
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, b.capacity() / 8);
      b.clear();
      b.asLongBuffer().put(a, i, m);
      out.write(b.array(), 0, m * 8);
      i += m;
    }
  }

  public static long[] readLongs(DataInput in, int n, int capacity) throws IOException {
    long[] a = new long[Math.max(n, capacity)];
    byte[] buf = new byte[Math.min(CHUNK, Math.max(8, n * 8))];
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, buf.length / 8);
      in.readFully(buf, 0, m * 8);
      ByteBuffer.wrap(buf, 0, m * 8).asLongBuffer().get(a, i, m);
      i += m;
    }
    return a;
  }

  public static void writeFloats(DataOutput out, float[] a, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.min(CHUNK, Math.max(4, n * 4)));
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, b.capacity() / 4);
      b.clear();
      b.asFloatBuffer().put(a, i, m);
      out.write(b.array(), 0, m * 4);
      i += m;
    }
  }

  public static float[] readFloats(DataInput in, int n, int capacity) throws IOException {
    float[] a = new float[Math.max(n, capacity)];
    byte[] buf = new byte[Math.min(CHUNK, Math.max(4, n * 4))];
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, buf.length / 4);
      in.readFully(buf, 0, m * 4);
      ByteBuffer.wrap(buf, 0, m * 4).asFloatBuffer().get(a, i, m);
      i += m;
    }
    return a;
  }

  public static void writeDoubles(DataOutput out, double[] a, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.min(CHUNK, Math.max(8, n * 8)));
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, b.capacity() / 8);
      b.clear();
      b.asDoubleBuffer().put(a, i, m);
      out.write(b.array(), 0, m * 8);
      i += m;
    }
  }

  public static double[] readDoubles(DataInput in, int n, int capacity) throws IOException {
    double[] a = new double[Math.max(n, capacity)];
    byte[] buf = new byte[Math.min(CHUNK, Math.max(8, n * 8))];
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, buf.length / 8);
      in.readFully(buf, 0, m * 8);
      ByteBuffer.wrap(buf, 0, m * 8).asDoubleBuffer().get(a, i, m);
      i += m;
    }
    return a;
  }

  public static void writeBytes(DataOutput out, byte[] a, int n) throws IOException {
    out.write(a, 0, n);
  }

  public static byte[] readBytes(DataInput in, int n, int capacity) throws IOException {
    byte[] a = new byte[Math.max(n, capacity)];
    in.readFully(a, 0, n);
    return a;
  }

  public static void writeBooleans(DataOutput out, boolean[] a, int n) throws IOException {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (a[i] ? 1 : 0);
    }
    out.write(b);
  }

  public static boolean[] readBooleans(DataInput in, int n, int capacity) throws IOException {
    byte[] b = new byte[n];
    in.readFully(b);
    boolean[] a = new boolean[Math.max(n, capacity)];
    for (int i = 0; i < n; i++) {
      a[i] = b[i] != 0;
    }
    return a;
  }

  /**
   * A string or null, exactly: Latin-1 strings as one byte a character, others as UTF-16 code
   * units, so that a string cut between the halves of a surrogate pair comes back as cut.
   */
  public static void writeString(DataOutput out, @Nullable String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    int n = s.length();
    boolean latin1 = true;
    for (int i = 0; i < n && latin1; i++) {
      latin1 = s.charAt(i) < 256;
    }
    if (latin1) {
      out.writeInt(n << 1);
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    } else {
      out.writeInt(n << 1 | 1);
      ByteBuffer b = ByteBuffer.allocate(n * 2);
      for (int i = 0; i < n; i++) {
        b.putChar(s.charAt(i));
      }
      out.write(b.array());
    }
  }

  /** A string {@link #writeString} wrote. */
  public static @Nullable String readString(DataInput in) throws IOException {
    int h = in.readInt();
    if (h == -1) {
      return null;
    }
    if (h < 0) {
      throw new IOException("bad string header " + h);
    }
    int n = h >>> 1;
    if ((h & 1) == 0) {
      byte[] b = new byte[n];
      in.readFully(b);
      return new String(b, StandardCharsets.ISO_8859_1);
    }
    byte[] b = new byte[n * 2];
    in.readFully(b);
    char[] c = new char[n];
    ByteBuffer.wrap(b).asCharBuffer().get(c);
    return new String(c);
  }

  public static void writeStrings(DataOutput out, @Nullable String[] a, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      writeString(out, a[i]);
    }
  }

  public static @Nullable String[] readStrings(DataInput in, int n, int capacity)
      throws IOException {
    @Nullable String[] a = new String[Math.max(n, capacity)];
    for (int i = 0; i < n; i++) {
      a[i] = readString(in);
    }
    return a;
  }
}
