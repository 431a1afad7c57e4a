package org.distillguard.gateway.limits.redis;

import java.time.Duration;

/**
 * How to reach the shared buckets and what to do without them.
 *
 * @param uri {@code redis://host:port}
 * @param timeout the longest a request waits for Redis before it is decided locally
 * @param connectTimeout the longest a connection attempt may take
 * @param probeInterval how often Redis is checked, and a lost connection retried
 * @param expectedInstances gateways serving the same clients: while Redis is away, each allows
 *     {@code 1/expectedInstances} of every requests- and tokens-per-minute limit
 * @param keyPrefix prefix of every Redis key
 */
public record SharedSettings(
    String uri,
    Duration timeout,
    Duration connectTimeout,
    Duration probeInterval,
    int expectedInstances,
    String keyPrefix) {
  public SharedSettings {
    if (expectedInstances < 1) {
      throw new IllegalArgumentException("expectedInstances must be at least 1");
    }
  }
}
