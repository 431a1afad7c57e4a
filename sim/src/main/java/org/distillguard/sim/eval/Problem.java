package org.distillguard.sim.eval;

/**
 * An input line that could not be used, and why.
 *
 * @param file the file name as given by the user
 * @param line 1-based line number
 * @param reason what is wrong, readable by the user
 */
public record Problem(String file, long line, String reason) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
