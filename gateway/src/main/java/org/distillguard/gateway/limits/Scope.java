package org.distillguard.gateway.limits;

import java.util.Locale;

/** What a limit applies to. */
public enum Scope {
  KEY,
  ACCOUNT,
  ORG,
  IP,
  /** The tighter limits of an account the policy throttles. */
  THROTTLE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
