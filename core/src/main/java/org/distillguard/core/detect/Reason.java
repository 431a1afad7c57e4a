package org.distillguard.core.detect;

/**
 * One signal's part in an account's score.
 *
 * @param signal stable signal name, e.g. {@code capability_sweep}
 * @param value the signal's value in its own unit (a share, a rate, a count)
 * @param contribution what the signal added to the score's log-odds; negative values pull the score
 *     towards benign
 */
public record Reason(String signal, double value, double contribution) {}
