package org.distillguard.sim.eval;

/**
 * An input the evaluation cannot use at all (unreadable file, invalid bounds); the message says
 * why.
 */
public final class EvalInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public EvalInputException(String message) {
    super(message);
  }
}
