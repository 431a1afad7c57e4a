package org.distillguard.core.event;

/**
 * Token counts of an exchange; {@code -1} where the source did not report a count.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens, reasoning included when the provider counts it so
 * @param reasoningTokens hidden reasoning tokens
 */
public record Usage(long inputTokens, long outputTokens, long reasoningTokens) {
  public static final long UNKNOWN = -1;
  public static final Usage NONE = new Usage(UNKNOWN, UNKNOWN, UNKNOWN);
}
