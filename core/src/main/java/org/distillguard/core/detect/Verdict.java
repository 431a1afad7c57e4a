package org.distillguard.core.detect;

import java.util.Locale;

/** What the detector concludes about an account, in increasing severity. */
public enum Verdict {
  BENIGN,
  SUSPICIOUS,
  DISTILLATION;

  private static final Verdict[] BY_ORDINAL = values(); // values() clones; this is per request

  /** The lower-case name used in every output format. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The verdict with this {@link #ordinal()}. */
  public static Verdict ofOrdinal(int ordinal) {
    return BY_ORDINAL[ordinal];
  }

  /** Parses {@link #id()}. */
  public static Verdict fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
