package org.distillguard.core.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.core.event.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * The streaming per-account detector. Not thread-safe: one thread feeds one detector (runtimes that
 * need more partition accounts over several detectors; per-account results do not change).
 */
public final class Detector {
  private final DetectorConfig config;
  private final Map<String, long[]> accounts = new HashMap<>();

  public Detector(DetectorConfig config) {
    this.config = config;
  }

  /** Updates the account of {@code e} and returns its assessment after this request. */
  public Assessment observe(Exchange e) {
    long[] s = accounts.computeIfAbsent(e.account(), k -> new long[] {0, e.timeMillis(), 0});
    s[0]++;
    s[2] = e.timeMillis();
    return toAssessment(e.account(), s);
  }

  /** The account's current assessment, or null if it was never seen. */
  public @Nullable Assessment assessment(String account) {
    long[] s = accounts.get(account);
    return s == null ? null : toAssessment(account, s);
  }

  /** Every account seen, in no particular order. */
  public List<Assessment> assessments() {
    List<Assessment> out = new ArrayList<>(accounts.size());
    accounts.forEach((k, v) -> out.add(toAssessment(k, v)));
    return out;
  }

  public int accountCount() {
    return accounts.size();
  }

  public DetectorConfig config() {
    return config;
  }

  private static Assessment toAssessment(String account, long[] s) {
    return new Assessment(
        account, Verdict.BENIGN, 0, s[0], -1, Exchange.NO_TIME, s[1], s[2], List.of());
  }
}
