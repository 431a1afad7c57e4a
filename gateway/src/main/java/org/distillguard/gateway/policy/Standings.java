package org.distillguard.gateway.policy;

import org.jspecify.annotations.Nullable;

/** Where the proxy looks up what is held against an account (read on every request). */
@FunctionalInterface
public interface Standings {
  Standings NONE = account -> null;

  /** The account's standing, or null when nothing is held against it. */
  @Nullable Standing standing(String account);
}
