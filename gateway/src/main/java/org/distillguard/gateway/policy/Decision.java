package org.distillguard.gateway.policy;

import org.jspecify.annotations.Nullable;

/**
 * The policy's answer for one request.
 *
 * @param reason why, for the audit log and metrics (not shown to the client)
 * @param ref the audit reference a refused customer can quote, or null
 */
public record Decision(Action action, String reason, @Nullable String ref) {
  public static final Decision ALLOW = new Decision(Action.ALLOW, "default", null);
}
