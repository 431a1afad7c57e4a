package org.distillguard.sim;

/**
 * What every account of one run shares: the simulated period, the release time of the new model,
 * and the prompts.
 */
record World(long start, long end, long newModelTime, PromptCorpus corpus) {
  static final long HOUR = 3_600_000L;
  static final long DAY = 86_400_000L;
  static final String LARGE = "m-large";
  static final String SMALL = "m-small";
  static final String NEW = "m-large-2";

  /** Days since the start of the period (0-based) for time {@code t} shifted to local time. */
  static long localDay(long t, int utcOffsetMinutes) {
    return Math.floorDiv(t + utcOffsetMinutes * 60_000L, DAY);
  }

  /** Local hour of day as a fraction, 0 to 24. */
  static double localHour(long t, int utcOffsetMinutes) {
    return Math.floorMod(t + utcOffsetMinutes * 60_000L, DAY) / (double) HOUR;
  }

  /** Local day of week, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
  static int localWeekday(long t, int utcOffsetMinutes) {
    return Math.floorMod(localDay(t, utcOffsetMinutes) + 3, 7);
  }
}
