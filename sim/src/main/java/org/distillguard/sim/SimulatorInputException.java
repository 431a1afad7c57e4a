package org.distillguard.sim;

/**
 * A scenario or prompt folder the simulator cannot use. The message is written for the person who
 * ran the command: it names the file and says what to change.
 */
public final class SimulatorInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public SimulatorInputException(String message) {
    super(message);
  }
}
