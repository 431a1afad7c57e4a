package org.distillguard.intel.ingest;

import java.util.Locale;

/** What an imported indicator makes the gateway do, weakest first. */
public enum Action {
  /** Nothing enforced: the indicator is known but not acted on (allow-listed, expired, decayed). */
  NONE,
  /** Log and report matches (as sightings), change nothing for the client. */
  WATCH,
  /** Lower rate limits. */
  THROTTLE,
  /** Serve degraded answers (no reasoning, capped output). */
  DEGRADE,
  /** Refuse. */
  BLOCK;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Action parse(String s) {
    return valueOf(s.strip().toUpperCase(Locale.ROOT));
  }
}
