package org.distillguard.core.io;

/**
 * A log line that is not a valid exchange. The message names the problem in words a user can act on
 * (the field, what was expected, what was found); the caller adds file and line number.
 */
public final class MalformedExchangeException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedExchangeException(String reason) {
    super(reason, null, false, false); // no stack trace: this is an expected outcome, not a bug
  }
}
