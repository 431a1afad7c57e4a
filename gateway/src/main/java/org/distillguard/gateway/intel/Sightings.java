package org.distillguard.gateway.intel;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Matches of imported indicators, per indicator: how many requests matched, first and last time.
 * Counts are cumulative (a re-published sighting is a new version of the same STIX object, whose
 * {@code count} covers everything since {@code first_seen}); only indicators matched since the last
 * report are reported again. Nothing about the request is kept: no address, account or prompt.
 * Thread-safe; {@link #record} costs a map lookup and a short lock on one indicator's tally.
 */
public final class Sightings {
  private static final class Tally {
    long count;
    long first = Long.MAX_VALUE;
    long last;
    boolean changed;
  }

  private final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();

  /** One request matched {@code indicatorId} at {@code now} (epoch millis). */
  public void record(String indicatorId, long now) {
    Tally t = tallies.computeIfAbsent(indicatorId, k -> new Tally());
    synchronized (t) {
      t.count++;
      t.first = Math.min(t.first, now);
      t.last = Math.max(t.last, now);
      t.changed = true;
    }
  }

  /**
   * The indicators matched since the last call, as {@code id -> [count, first, last]} (what {@code
   * IntelNode.sightings} takes), and marks them reported.
   */
  public Map<String, long[]> takeChanged() {
    Map<String, long[]> out = new HashMap<>();
    tallies.forEach(
        (id, t) -> {
          synchronized (t) {
            if (t.changed) {
              t.changed = false;
              out.put(id, new long[] {t.count, t.first, t.last});
            }
          }
        });
    return out;
  }

  /** Marks indicators to be reported again (their report failed). */
  public void unreported(Collection<String> ids) {
    for (String id : ids) {
      Tally t = tallies.get(id);
      if (t != null) {
        synchronized (t) {
          t.changed = true;
        }
      }
    }
  }

  /** Total matches of {@code indicatorId} so far. */
  public long count(String indicatorId) {
    Tally t = tallies.get(indicatorId);
    if (t == null) {
      return 0;
    }
    synchronized (t) {
      return t.count;
    }
  }
}
