package org.distillguard.gateway.wire;

/** The two wire formats the gateway speaks. */
public enum Api {
  OPENAI,
  ANTHROPIC;

  /** Parses the configuration's {@code api} value. */
  public static Api of(String id) {
    return id.equals("anthropic") ? ANTHROPIC : OPENAI;
  }
}
