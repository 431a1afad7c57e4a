package org.distillguard.core.detect;

import java.util.Locale;

/** What the detector concludes about an account, in increasing severity. */
public enum Verdict {
  BENIGN,
  SUSPICIOUS,
  DISTILLATION;

  /** The lower-case name used in every output format. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #id()}. */
  public static Verdict fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
