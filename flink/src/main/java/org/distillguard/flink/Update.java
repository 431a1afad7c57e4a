package org.distillguard.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Traits;
import org.jspecify.annotations.Nullable;

/**
 * What the per-account stage tells the campaign stage about one request of an account: the
 * account's own standing after it and what linking compares across accounts. Travels between the
 * two stages as bytes ({@link #encode}), so Flink needs no serializer of its own for it.
 *
 * <p>The traits carry only what {@link org.distillguard.core.link.CampaignLinker} reads: the prompt
 * is cut to its first and last {@link Traits#AFFIX_CHARS} characters and the parameters to those of
 * the client fingerprint. A {@code FINAL} update is sent once per account when a bounded input
 * ends; it carries no request.
 *
 * @param snapshot the account's state after the request ({@link
 *     org.distillguard.core.detect.AccountDetector#snapshot}), when the campaign stage should write
 *     the account's verdict line; null otherwise
 */
record Update(
    boolean fin,
    String account,
    long timeMillis,
    long requests,
    long lastSeen,
    Verdict own,
    double peakScore,
    @Nullable Traits traits,
    byte @Nullable [] snapshot) {

  private static final int VERSION = 1;

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeBoolean(fin);
      writeString(out, account);
      out.writeLong(timeMillis);
      out.writeLong(requests);
      out.writeLong(lastSeen);
      out.writeByte(own.ordinal());
      out.writeDouble(peakScore);
      Traits t = traits;
      out.writeBoolean(t != null);
      if (t != null) {
        writeNullable(out, t.paymentFp());
        writeNullable(out, t.emailDomain());
        out.writeLong(t.createdMillis());
        writeNullable(out, t.ip());
        writeNullable(out, t.userAgent());
        writeNullable(out, t.endpoint());
        Params p = t.params();
        out.writeInt(p.maxTokens() == null ? Integer.MIN_VALUE : p.maxTokens());
        out.writeBoolean(p.temperature() != null);
        out.writeDouble(p.temperature() == null ? 0 : p.temperature());
        out.writeBoolean(p.topP() != null);
        out.writeDouble(p.topP() == null ? 0 : p.topP());
        out.writeLong(t.system());
        writeString(out, affixes(t.prompt()));
        out.writeLong(t.inputTokens());
        out.writeLong(t.outputTokens());
      }
      byte[] s = snapshot;
      out.writeInt(s == null ? -1 : s.length);
      if (s != null) {
        out.write(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Update decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("update format " + version + ", expected " + VERSION);
      }
      boolean fin = in.readBoolean();
      String account = readString(in);
      long time = in.readLong();
      long requests = in.readLong();
      long lastSeen = in.readLong();
      Verdict own = Verdict.ofOrdinal(in.readUnsignedByte());
      double peak = in.readDouble();
      Traits traits = null;
      if (in.readBoolean()) {
        String pay = readNullable(in);
        String email = readNullable(in);
        long created = in.readLong();
        String ip = readNullable(in);
        String ua = readNullable(in);
        String endpoint = readNullable(in);
        int maxTokens = in.readInt();
        boolean hasTemp = in.readBoolean();
        double temp = in.readDouble();
        boolean hasTopP = in.readBoolean();
        double topP = in.readDouble();
        Params p =
            Params.NONE
                .withMaxTokens(maxTokens == Integer.MIN_VALUE ? null : maxTokens)
                .withTemperature(hasTemp ? temp : null)
                .withTopP(hasTopP ? topP : null);
        long system = in.readLong();
        String prompt = readString(in);
        long inTok = in.readLong();
        long outTok = in.readLong();
        traits =
            new Traits(pay, email, created, ip, ua, endpoint, p, system, prompt, inTok, outTok);
      }
      int n = in.readInt();
      byte[] snapshot = null;
      if (n >= 0) {
        snapshot = new byte[n];
        in.readFully(snapshot);
      }
      return new Update(fin, account, time, requests, lastSeen, own, peak, traits, snapshot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The prompt's first and last {@link Traits#AFFIX_CHARS} characters: all linking reads. */
  static String affixes(String prompt) {
    int n = Traits.AFFIX_CHARS;
    return prompt.length() <= 2 * n
        ? prompt
        : prompt.substring(0, n) + prompt.substring(prompt.length() - n);
  }

  // UTF-16 code units, not UTF-8: a prompt cut between the halves of a surrogate pair must come
  // back exactly as cut.
  private static void writeString(DataOutputStream out, String s) throws IOException {
    out.writeInt(s.length());
    out.writeChars(s);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = in.readChar();
    }
    return new String(c);
  }

  private static void writeNullable(DataOutputStream out, @Nullable String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static @Nullable String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }
}
