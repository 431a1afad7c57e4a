package org.distillguard.gateway.limits.redis;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The connection to Redis and Bucket4j's view of it. One multiplexed connection serves every
 * request (Lettuce pipelines commands from all threads over it). Commands fail at once while it is
 * disconnected instead of queueing, and time out after the configured wait, so that a request never
 * waits on Redis for longer than that; Lettuce reconnects a lost connection by itself, and {@link
 * #probe} opens the first one when Redis was not there at start.
 */
final class RedisBuckets implements AutoCloseable {
  /** A bucket's key outlives its last write by this much once it has refilled to full. */
  private static final Duration KEEP_FULL_BUCKETS = Duration.ofSeconds(10);

  private record Connected(
      StatefulRedisConnection<byte[], byte[]> connection, AsyncProxyManager<byte[]> buckets) {}

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private volatile @Nullable Connected connected;
  private @Nullable CompletableFuture<Void> connecting;

  RedisBuckets(SharedSettings settings) {
    // Two I/O threads and one computation thread are plenty for one connection; the defaults
    // (one per core, at least 2 + 2) would compete with the gateway's event loops.
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(1)
            .reconnectDelay(Delay.constant(settings.probeInterval()))
            .build();
    this.uri = RedisURI.create(settings.uri());
    // The URI's time-out bounds the connection handshake, which on a cold JVM includes loading
    // the client's classes; requests have their own, short one (TimeoutOptions below).
    uri.setTimeout(settings.connectTimeout());
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(settings.connectTimeout())
                    .tcpNoDelay(true)
                    .keepAlive(true)
                    .build())
            .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
            .build());
  }

  /** Bucket4j's asynchronous buckets over the connection, or null before it was first opened. */
  @Nullable AsyncProxyManager<byte[]> buckets() {
    Connected c = connected;
    return c == null ? null : c.buckets();
  }

  /**
   * One health check: opens the connection if there is none yet, then PINGs. Completes normally
   * when Redis answered in time, exceptionally otherwise.
   */
  CompletableFuture<Void> probe() {
    Connected c = connected;
    if (c == null) {
      return connect();
    }
    return c.connection().async().ping().toCompletableFuture().thenApply(pong -> null);
  }

  private synchronized CompletableFuture<Void> connect() {
    CompletableFuture<Void> pending = connecting;
    if (pending != null && !pending.isDone()) {
      return pending;
    }
    CompletableFuture<Void> f =
        client
            .connectAsync(ByteArrayCodec.INSTANCE, uri)
            .toCompletableFuture()
            .thenApply(
                conn -> {
                  AsyncProxyManager<byte[]> buckets =
                      Bucket4jLettuce.casBasedBuilder(conn)
                          .expirationAfterWrite(
                              ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                  KEEP_FULL_BUCKETS))
                          .build()
                          .asAsync();
                  connected = new Connected(conn, buckets);
                  return null;
                });
    connecting = f;
    return f;
  }

  @Override
  public void close() {
    Connected c = connected;
    connected = null;
    if (c != null) {
      c.connection().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
