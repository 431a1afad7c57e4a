package org.distillguard.core.link;

/**
 * Settings of campaign linking.
 *
 * @param linkThreshold points of shared evidence (see {@link Evidence}) at which two accounts are
 *     linked
 * @param youngMillis an account is young when its first request comes less than this after its
 *     creation
 * @param burstMillis young accounts created within this of each other were created together
 * @param campaignMinRequests requests an account must have sent before its campaign's evidence can
 *     flag it: one request is too little to act on even with strong links
 * @param confirmMinSize accounts a campaign needs before it can be confirmed
 */
public record LinkerConfig(
    double linkThreshold,
    long youngMillis,
    long burstMillis,
    int campaignMinRequests,
    int confirmMinSize)
    implements java.io.Serializable {

  private static final long HOUR = 3_600_000L;

  public LinkerConfig {
    if (!(linkThreshold > 0)) {
      throw new IllegalArgumentException("linkThreshold must be positive, got " + linkThreshold);
    }
    if (youngMillis < 0 || burstMillis < 0) {
      throw new IllegalArgumentException("youngMillis and burstMillis must not be negative");
    }
    if (campaignMinRequests < 1) {
      throw new IllegalArgumentException(
          "campaignMinRequests must be at least 1, got " + campaignMinRequests);
    }
    if (confirmMinSize < 2) {
      throw new IllegalArgumentException(
          "confirmMinSize must be at least 2, got " + confirmMinSize);
    }
  }

  /** Link at 4 points; young = under 30 days; created together = within 2 hours. */
  public static LinkerConfig defaults() {
    return new LinkerConfig(4.0, 30 * 24 * HOUR, 2 * HOUR, 3, 3);
  }
}
