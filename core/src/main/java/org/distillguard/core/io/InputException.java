package org.distillguard.core.io;

/** An input that cannot be used at all (missing file, directory, unreadable). */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message, null, false, false);
  }
}
