package org.distillguard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.distillguard.gateway.Gateway;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.limits.LimitSpec;
import org.distillguard.gateway.limits.Limiter;
import org.distillguard.gateway.limits.RateLimits;
import org.distillguard.gateway.limits.Scope;
import org.distillguard.gateway.limits.redis.SharedLimits;
import org.distillguard.gateway.limits.redis.SharedSettings;
import org.distillguard.gateway.standin.StandInUpstream;

/**
 * What sharing the rate limits through Redis adds to a request, against local limits, in one run on
 * loopback with a real {@code redis-server} (Debian's package) started for the purpose:
 *
 * <ol>
 *   <li>the limiter alone: {@code N} sequential admissions of a request with the gateway's default
 *       scopes (key, account and IP prefix: five requests/tokens buckets), local vs Redis;
 *   <li>the whole gateway at a fixed rate (default 2,000 requests/s, open loop, as {@link
 *       GatewayLoad}): two gateways in front of one stand-in upstream, identical but for {@code
 *       limits.shared}, with limits that are on but never reached; measured in alternating rounds
 *       so that the machine's load falls on both alike.
 * </ol>
 *
 * Usage: {@code SharedLimitsLoad [SECONDS] [RATE] [ROUNDS] [TIMEOUT_MS]}; the time-out (default 50
 * ms, as in production) is how long a request waits for Redis before it is decided locally.
 */
public final class SharedLimitsLoad {
  private SharedLimitsLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int timeoutMs = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    Path work = Files.createTempDirectory("dg-shared-bench");
    Process redis = startRedis(work);
    try {
      run(work, redisUri(work), seconds, rate, rounds, timeoutMs);
    } finally {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void run(
      Path work, String redisUri, int seconds, int rate, int rounds, int timeoutMs)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "SharedLimitsLoad: redis %s, time-out %d ms, %d s per measurement, %d req/s, %d round(s),"
            + " %d cores%n",
        redisUri,
        timeoutMs,
        seconds,
        rate,
        rounds,
        Runtime.getRuntime().availableProcessors());

    // 1. The limiter alone.
    SharedSettings settings =
        new SharedSettings(
            redisUri,
            Duration.ofMillis(timeoutMs),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            1,
            "bench:");
    List<Limiter.Key> keys =
        List.of(
            new Limiter.Key(
                Scope.KEY, "key-1", new LimitSpec(1_000_000_000, 10_000_000_000L, 1_000_000)),
            new Limiter.Key(
                Scope.ACCOUNT, "acct-1", new LimitSpec(1_000_000_000, 10_000_000_000L, 1_000_000)),
            new Limiter.Key(Scope.IP, "127.0.0.0/24", new LimitSpec(1_000_000_000, 0, 1_000_000)));
    int n = 20_000;
    try (SharedLimits shared = SharedLimits.start(settings)) {
      if (!shared.up()) {
        throw new IllegalStateException("redis unavailable: " + shared.degraded());
      }
      Limiter local = new Limiter();
      redisCli(redisUri, "config", "resetstat");
      System.out.println();
      System.out.println(
          "limiter alone, " + n + " sequential admissions (µs)   p50     p90     p99");
      for (int round = 0; round < rounds; round++) {
        for (RateLimits l : List.of(local, shared)) {
          long[] lat = sequential(l, keys, n);
          System.out.printf(
              Locale.ROOT,
              "  %-8s%32s %7.1f %7.1f %7.1f%n",
              l == local ? "local" : "redis",
              "",
              pct(lat, 0.50) * 1e3,
              pct(lat, 0.90) * 1e3,
              pct(lat, 0.99) * 1e3);
        }
      }
      commandStats(redisUri, rounds * (long) n);
      System.out.println();
      System.out.println(
          "limiter alone at " + rate + "/s, open loop (µs)           p50     p90     p99   p99.9");
      for (int round = 0; round < rounds; round++) {
        for (RateLimits l : List.of(local, shared)) {
          long[] lat = fixedRate(l, keys, rate, seconds);
          System.out.printf(
              Locale.ROOT,
              "  %-8s%32s %7.1f %7.1f %7.1f %7.1f%n",
              l == local ? "local" : "redis",
              "",
              pct(lat, 0.50) * 1e3,
              pct(lat, 0.90) * 1e3,
              pct(lat, 0.99) * 1e3,
              pct(lat, 0.999) * 1e3);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "  (redis: %d shared decisions, %d local fallbacks)%n",
          shared.sharedDecisions(),
          shared.fallbacks());
    }

    // 2. The whole gateway at a fixed rate.
    StandInUpstream upstream = StandInUpstream.standalone(1).start("127.0.0.1", 0);
    Gateway plain = gateway(work.resolve("local"), upstream, null, timeoutMs);
    Gateway sharing = gateway(work.resolve("shared"), upstream, redisUri, timeoutMs);
    String plainKey = plain.operations().createKey("bench", "acct-bench", null, null).secret();
    plain.refresh();
    String sharingKey = sharing.operations().createKey("bench", "acct-bench", null, null).secret();
    sharing.refresh();
    GatewayLoad.Target[] targets = {
      new GatewayLoad.Target("local", plain.port(), plainKey),
      new GatewayLoad.Target("redis", sharing.port(), sharingKey)
    };
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(256));
    for (GatewayLoad.Target t : targets) { // warm-up
      GatewayLoad.fixedRate(vertx, client, t, rate, Math.max(3, seconds / 2));
    }
    System.out.println();
    System.out.println(
        "gateway at " + rate + " req/s (ms)              p50     p90     p99   p99.9   errors");
    for (int round = 0; round < rounds; round++) {
      for (GatewayLoad.Target t : targets) {
        long[] lat = GatewayLoad.fixedRate(vertx, client, t, rate, seconds);
        System.out.printf(
            Locale.ROOT,
            "  %-8s %,9d req        %7.3f %7.3f %7.3f %7.3f  %d%n",
            t.name(),
            lat.length - 1,
            GatewayLoad.pct(lat, 0.50),
            GatewayLoad.pct(lat, 0.90),
            GatewayLoad.pct(lat, 0.99),
            GatewayLoad.pct(lat, 0.999),
            lat[lat.length - 1]);
      }
    }
    System.out.println(
        "  (redis gateway: "
            + sample(sharing, "distillguard_limits_shared_fallbacks_total")
            + " requests decided locally after a time-out; shared up = "
            + sample(sharing, "distillguard_limits_shared_up")
            + ")");
    client.close().await();
    vertx.close().await();
    sharing.close();
    plain.close();
    upstream.close();
  }

  /** Microseconds-as-milliseconds per admission, sorted. */
  private static long[] sequential(RateLimits l, List<Limiter.Key> keys, int n) throws Exception {
    long[] lat = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Limiter.Admission a = l.check(keys, 20, t0).toCompletableFuture().get(10, TimeUnit.SECONDS);
      lat[i] = System.nanoTime() - t0;
      if (a instanceof Limiter.Permit p) {
        p.finish(30);
      } else {
        throw new IllegalStateException("refused: " + a);
      }
    }
    Arrays.sort(lat);
    return lat;
  }

  /**
   * Admissions scheduled at a fixed rate from one thread (as requests arrive), each measured from
   * its scheduled time to its answer; sorted nanoseconds.
   */
  private static long[] fixedRate(RateLimits l, List<Limiter.Key> keys, int rate, int seconds)
      throws Exception {
    int total = rate * seconds;
    long[] lat = new long[total];
    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(total);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 1_000_000;
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * interval;
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      int idx = i;
      l.check(keys, 20, System.nanoTime())
          .whenComplete(
              (a, err) -> {
                lat[idx] = System.nanoTime() - scheduled;
                if (a instanceof Limiter.Permit p) {
                  p.finish(30);
                }
                all.countDown();
              });
    }
    all.await(seconds + 60L, TimeUnit.SECONDS);
    Arrays.sort(lat);
    return lat;
  }

  private static double pct(long[] sorted, double p) {
    int idx = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[idx] / 1e6;
  }

  private static Gateway gateway(
      Path dir,
      StandInUpstream upstream,
      @org.jspecify.annotations.Nullable String redisUri,
      int timeoutMs)
      throws Exception {
    Files.createDirectories(dir);
    String shared =
        redisUri == null
            ? ""
            : "  shared: {backend: redis, uri: \""
                + redisUri
                + "\", key_prefix: \"gw:\", timeout_ms: "
                + timeoutMs
                + "}\n";
    GatewayConfig cfg =
        ConfigLoader.parse(
            """
            listen: {host: 127.0.0.1, port: 0}
            admin: {port: -1}
            event_loops: 1
            upstreams: [{api: openai, url: "URL", api_key: sk-bench}]
            limits:
              key: {rpm: 1000000000, tpm: 10000000000, concurrency: 10000}
              account: {rpm: 1000000000, tpm: 10000000000, concurrency: 10000}
              ip: {rpm: 1000000000, tpm: 0, concurrency: 10000}
            SHARED
            # Only the limits differ between the two gateways; the detector and journal are off
            # to keep the comparison's noise down.
            detector: {enabled: false}
            journal: {enabled: false}
            policy: {suspicious: allow, distillation: allow, campaign: allow, campaign_confirmed: allow}
            """
                .replace("URL", upstream.baseUrl())
                .replace("SHARED\n", shared),
            Map.of(),
            dir);
    return Gateway.start(cfg, Clock.systemUTC());
  }

  /** What Redis did per admission: commands and its own CPU time (INFO commandstats). */
  private static void commandStats(String redisUri, long admissions) throws Exception {
    long calls = 0;
    long usec = 0;
    StringBuilder by = new StringBuilder();
    for (String line : redisCli(redisUri, "info", "commandstats").split("\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      String name = line.substring(8, line.indexOf(':'));
      long c = field(line, "calls=");
      long u = field(line, "usec=");
      calls += c;
      usec += u;
      by.append(String.format(Locale.ROOT, " %s %.2f", name, c / (double) admissions));
    }
    System.out.printf(
        Locale.ROOT,
        "  (redis per admission: %.2f commands (%s), %.1f µs of Redis CPU)%n",
        calls / (double) admissions,
        by.toString().trim(),
        usec / (double) admissions);
  }

  private static long field(String line, String key) {
    int i = line.indexOf(key) + key.length();
    int j = i;
    while (j < line.length() && Character.isDigit(line.charAt(j))) {
      j++;
    }
    return Long.parseLong(line.substring(i, j));
  }

  private static String redisCli(String redisUri, String... command) throws Exception {
    java.net.URI u = java.net.URI.create(redisUri);
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("redis-cli", "-h", u.getHost(), "-p", Integer.toString(u.getPort())));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private static String sample(Gateway g, String name) {
    for (String line : g.metrics().scrape().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return line.substring(line.lastIndexOf(' ') + 1);
      }
    }
    return "?";
  }

  private static Process startRedis(Path work) throws IOException, InterruptedException {
    Path bin = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "redis-server is not installed (apt-get install redis-server)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(work.resolve("redis.port"), Integer.toString(port));
    Process p =
        new ProcessBuilder(
                bin.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                work.toString(),
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return p;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    p.destroy();
    throw new IOException("redis-server did not start; see " + work.resolve("redis.log"));
  }

  private static String redisUri(Path work) throws IOException {
    return "redis://127.0.0.1:" + Files.readString(work.resolve("redis.port")).trim();
  }
}
