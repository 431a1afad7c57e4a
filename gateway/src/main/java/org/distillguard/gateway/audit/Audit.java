package org.distillguard.gateway.audit;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.distillguard.gateway.store.AuditEntry;
import org.distillguard.gateway.store.Store;
import org.jspecify.annotations.Nullable;

/**
 * Writes the audit log. Ids are time-ordered ({@code DG-} + milliseconds in base 36 + a random
 * tail), short enough for a customer to read out to support, and they are the references that
 * refusals quote. Blocking: call from worker threads.
 */
public final class Audit {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();
  private static final char[] B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private final Store store;
  private final Clock clock;

  public Audit(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A new time-ordered reference such as {@code DG-MI5ZK3Q2A-7KQ}. */
  public static String newId(long nowMillis) {
    long t = LAST.updateAndGet(prev -> Math.max(prev + 1, nowMillis));
    String time = Long.toString(t, 36).toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder("DG-");
    for (int i = time.length(); i < 9; i++) {
      sb.append('0');
    }
    sb.append(time).append('-');
    for (int i = 0; i < 3; i++) {
      sb.append(B36[RANDOM.nextInt(36)]);
    }
    return sb.toString();
  }

  /** Records an action and returns the entry (its id is the reference). */
  public AuditEntry record(
      String actor,
      String action,
      String subject,
      @Nullable String reason,
      @Nullable String detail) {
    long now = clock.millis();
    AuditEntry e = new AuditEntry(newId(now), now, actor, action, subject, reason, detail);
    store.appendAudit(e);
    return e;
  }

  public Store store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }
}
