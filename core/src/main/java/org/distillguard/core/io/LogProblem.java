package org.distillguard.core.io;

/**
 * A line or an input that could not be used.
 *
 * @param source the file name, or {@code <stdin>}
 * @param line the 1-based line number, or 0 when the problem concerns the input as a whole
 * @param reason what is wrong, in words a user can act on
 */
public record LogProblem(String source, long line, String reason) {
  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ": " + reason : source + ": " + reason;
  }
}
