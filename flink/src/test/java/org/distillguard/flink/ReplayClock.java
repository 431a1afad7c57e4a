package org.distillguard.flink;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test sets to each logged exchange's time before sending it through a gateway, so the
 * gateways stamp exchanges (and account creations) with the log's times: the detector then sees the
 * log's pacing, not the test's speed.
 */
final class ReplayClock extends Clock {
  private volatile long millis;

  ReplayClock(long millis) {
    this.millis = millis;
  }

  void set(long millis) {
    this.millis = millis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
