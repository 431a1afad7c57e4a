package org.distillguard.sim.eval;

import java.util.ArrayList;
import java.util.List;

/** Counts unusable input lines and keeps the first few for the report. */
public final class Problems {
  /** How many problems are kept verbatim; the rest are only counted. */
  public static final int KEPT = 100;

  private final List<Problem> kept = new ArrayList<>();
  private long count;

  /** Records a problem on {@code file} line {@code line}. */
  public void add(String file, long line, String reason) {
    count++;
    if (kept.size() < KEPT) {
      kept.add(new Problem(file, line, reason));
    }
  }

  public long count() {
    return count;
  }

  /** The first {@link #KEPT} problems, in input order. */
  public List<Problem> kept() {
    return List.copyOf(kept);
  }
}
