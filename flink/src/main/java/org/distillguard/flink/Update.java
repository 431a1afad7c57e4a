package org.distillguard.flink;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
    Traits t = traits;
    String prompt = t == null ? "" : affixes(t.prompt());
    byte[] s = snapshot;
    int size = 64 + chars(account) + (s == null ? 0 : s.length);
    if (t != null) {
      size +=
          96
              + chars(t.paymentFp())
              + chars(t.emailDomain())
              + chars(t.ip())
              + chars(t.userAgent())
              + chars(t.endpoint())
              + chars(prompt);
    }
    // A plain heap buffer, sized up front: no stream and no lock per field on the hot path.
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) VERSION);
    out.put((byte) (fin ? 1 : 0));
    putString(out, account);
    out.putLong(timeMillis);
    out.putLong(requests);
    out.putLong(lastSeen);
    out.put((byte) own.ordinal());
    out.putDouble(peakScore);
    out.put((byte) (t != null ? 1 : 0));
    if (t != null) {
      putNullable(out, t.paymentFp());
      putNullable(out, t.emailDomain());
      out.putLong(t.createdMillis());
      putNullable(out, t.ip());
      putNullable(out, t.userAgent());
      putNullable(out, t.endpoint());
      Params p = t.params();
      Integer maxTokens = p.maxTokens();
      Double temperature = p.temperature();
      Double topP = p.topP();
      out.putInt(maxTokens == null ? Integer.MIN_VALUE : maxTokens);
      out.put((byte) (temperature != null ? 1 : 0));
      out.putDouble(temperature == null ? 0 : temperature);
      out.put((byte) (topP != null ? 1 : 0));
      out.putDouble(topP == null ? 0 : topP);
      out.putLong(t.system());
      putString(out, prompt);
      out.putLong(t.inputTokens());
      out.putLong(t.outputTokens());
    }
    out.putInt(s == null ? -1 : s.length);
    if (s != null) {
      out.put(s);
    }
    return Arrays.copyOf(out.array(), out.position());
  }

  static Update decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int version = Byte.toUnsignedInt(in.get());
    if (version != VERSION) {
      throw new IllegalArgumentException("update format " + version + ", expected " + VERSION);
    }
    boolean fin = in.get() != 0;
    String account = getString(in);
    long time = in.getLong();
    long requests = in.getLong();
    long lastSeen = in.getLong();
    Verdict own = Verdict.ofOrdinal(Byte.toUnsignedInt(in.get()));
    double peak = in.getDouble();
    Traits traits = null;
    if (in.get() != 0) {
      String pay = getNullable(in);
      String email = getNullable(in);
      long created = in.getLong();
      String ip = getNullable(in);
      String ua = getNullable(in);
      String endpoint = getNullable(in);
      int maxTokens = in.getInt();
      boolean hasTemp = in.get() != 0;
      double temp = in.getDouble();
      boolean hasTopP = in.get() != 0;
      double topP = in.getDouble();
      Params p =
          Params.NONE
              .withMaxTokens(maxTokens == Integer.MIN_VALUE ? null : maxTokens)
              .withTemperature(hasTemp ? temp : null)
              .withTopP(hasTopP ? topP : null);
      long system = in.getLong();
      String prompt = getString(in);
      long inTok = in.getLong();
      long outTok = in.getLong();
      traits = new Traits(pay, email, created, ip, ua, endpoint, p, system, prompt, inTok, outTok);
    }
    int n = in.getInt();
    byte[] snapshot = null;
    if (n >= 0) {
      snapshot = new byte[n];
      in.get(snapshot);
    }
    return new Update(fin, account, time, requests, lastSeen, own, peak, traits, snapshot);
  }

  private static int chars(@Nullable String s) {
    return s == null ? 1 : 5 + 2 * s.length();
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
  private static void putString(ByteBuffer out, String s) {
    out.putInt(s.length());
    for (int i = 0; i < s.length(); i++) {
      out.putChar(s.charAt(i));
    }
  }

  private static String getString(ByteBuffer in) {
    int n = in.getInt();
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = in.getChar();
    }
    return new String(c);
  }

  private static void putNullable(ByteBuffer out, @Nullable String s) {
    out.put((byte) (s != null ? 1 : 0));
    if (s != null) {
      putString(out, s);
    }
  }

  private static @Nullable String getNullable(ByteBuffer in) {
    return in.get() != 0 ? getString(in) : null;
  }
}
