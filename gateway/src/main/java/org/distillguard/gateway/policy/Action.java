package org.distillguard.gateway.policy;

import java.util.Locale;

/** What the gateway does with a request, in increasing severity. */
public enum Action {
  /** Forward as asked. */
  ALLOW,
  /** Forward under the tighter {@code limits.throttled} limits. */
  THROTTLE,
  /** Forward with output capped, no extra samples or logprobs, reasoning stripped. */
  DEGRADE,
  /** Refuse with 403 and a reference the customer can quote. */
  BLOCK;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Action of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }

  public Action max(Action o) {
    return o.ordinal() > ordinal() ? o : this;
  }
}
