package org.distillguard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distillguard.gateway.Gateway;
import org.distillguard.gateway.admin.Operations;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.standin.StandInUpstream;

/**
 * Gateway overhead, measured in one run against the same stand-in upstream three ways: direct,
 * behind nginx (if installed) and behind DistillGuard. Three measurements, each on every path:
 *
 * <ol>
 *   <li>throughput: a closed loop of {@code C} connections sending non-streaming chat completions
 *       as fast as answers come back, for {@code SECONDS};
 *   <li>latency at a fixed rate (default 2,000 requests/s, open loop: latency is measured from each
 *       request's scheduled time, so a stall is not hidden by fewer requests being sent);
 *   <li>time to the first byte of a streamed answer, sequential requests.
 * </ol>
 *
 * Everything runs on loopback; the gateway has its detector, journal, limits and policy on (no
 * limit is reached). Usage: {@code GatewayLoad [SECONDS] [RATE] [CONNECTIONS] [EVENT_LOOPS]}.
 */
public final class GatewayLoad {
  private static final String BODY =
      "{\"model\":\"gpt-bench\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
          + "\"content\":\"Explain in two sentences why the sky is blue.\"}]}";
  private static final String STREAM_BODY =
      "{\"model\":\"gpt-bench\",\"stream\":true,\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
          + "\"content\":\"Explain in two sentences why the sky is blue.\"}]}";

  private GatewayLoad() {}

  record Target(String name, int port, String key) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    // Event loops of the gateway and of the stand-in: on a 2-core machine that also runs the
    // driver and the upstream, one each keeps runnable threads near the core count.
    int loops = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    Path work = Files.createTempDirectory("dg-bench");
    StandInUpstream upstream = StandInUpstream.standalone(loops).start("127.0.0.1", 0);
    GatewayConfig cfg =
        ConfigLoader.parse(
            """
            listen: {host: 127.0.0.1, port: 0}
            admin: {port: -1}
            event_loops: LOOPS
            upstreams: [{api: openai, url: "URL", api_key: sk-bench}]
            # Every limit is on (token buckets per key, account and /24, concurrency counted) but
            # set far above what the bench sends, so the limiter's work is measured, not its 429s.
            limits:
              key: {rpm: 1000000000, tpm: 60000000000, concurrency: 100000}
              account: {rpm: 1000000000, tpm: 60000000000, concurrency: 100000}
              ip: {rpm: 1000000000, tpm: 60000000000, concurrency: 100000}
            # Measure the whole path (detector, journal, policy lookups) without refusals: the
            # bench account's rapid-fire traffic would otherwise be throttled.
            policy: {suspicious: allow, distillation: allow, campaign: allow, campaign_confirmed: allow}
            EXTRA
            """
                .replace("URL", upstream.baseUrl())
                .replace("LOOPS", Integer.toString(loops))
                // -Dextra='detector: {enabled: false}' etc.: what one part costs, by difference.
                .replace("EXTRA", System.getProperty("extra", "")),
            Map.of(),
            work);
    Gateway gateway = Gateway.start(cfg, Clock.systemUTC());
    Operations.CreatedKey key = gateway.operations().createKey("bench", "acct-bench", null, null);
    gateway.refresh();
    Process nginx = startNginx(work, upstream.port(), loops);
    if (nginx != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(nginx::destroy));
    }
    List<Target> targets = new ArrayList<>();
    targets.add(new Target("direct", upstream.port(), "sk-direct"));
    if (nginx != null) {
      targets.add(new Target("nginx", nginxPort(work), "sk-direct"));
    }
    PassThroughProxy floor = PassThroughProxy.start(upstream.port(), loops);
    targets.add(new Target("vertx-floor", floor.port(), "sk-direct"));
    targets.add(new Target("distillguard", gateway.port(), key.secret()));
    // -Dtargets=distillguard (comma list) measures only those paths, e.g. under a profiler.
    String only = System.getProperty("targets", "");
    if (!only.isBlank()) {
      List<String> wanted = Arrays.asList(only.split(","));
      targets.removeIf(t -> !wanted.contains(t.name()));
    }

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(Math.max(connections, 256)));
    System.out.printf(
        Locale.ROOT,
        "GatewayLoad: %d s per measurement, fixed rate %d/s, %d connections, %d event loop(s)"
            + " for gateway and stand-in, %d cores%n",
        seconds,
        rate,
        connections,
        loops,
        Runtime.getRuntime().availableProcessors());
    var detection = java.util.Objects.requireNonNull(gateway.detection());
    // Warm-up: JIT, connection pools. The gateway's path has far more code to compile than the
    // others (the JIT was still busy for seconds into a 5 s warm-up); -Dwarmup=SECONDS per path.
    int warmup = Integer.getInteger("warmup", Math.max(3, seconds));
    for (Target t : targets) {
      closedLoop(client, t, connections, warmup);
      firstByte(vertx, client, t, 200);
      detection.awaitProcessed(detection.submitted(), 120_000);
    }
    System.out.println();
    System.out.println(
        "throughput (closed loop, "
            + connections
            + " connections; for DistillGuard also counting the time its detector needs"
            + " afterwards to catch up with what the loop sent)");
    for (int round = 0; round < 2; round++) {
      for (Target t : targets) {
        CpuMeter.Snapshot before = CpuMeter.snapshot(nginx);
        double rps = closedLoop(client, t, connections, seconds);
        double sustained = rps;
        if (t.name().equals("distillguard")) {
          // The closed loop outruns the detector (one thread, off the request path). Its backlog
          // is worked off here, not during the next path's measurement, and the time it takes is
          // charged to DistillGuard: requests / (window + catch-up) is the rate it sustains with
          // every exchange analysed. Its CPU is charged too.
          long t0 = System.nanoTime();
          detection.awaitProcessed(detection.submitted(), 120_000);
          double catchUp = (System.nanoTime() - t0) / 1e9;
          sustained = rps * seconds / (seconds + catchUp);
        }
        CpuMeter.Usage cpu =
            CpuMeter.between(before, CpuMeter.snapshot(nginx), Math.round(rps * seconds));
        System.out.printf(
            Locale.ROOT,
            "  %-13s %,10.0f req/s   CPU per request: %6.1f µs (JVM %.1f + nginx %.1f),"
                + " busiest JVM thread %.1f µs (%s), JVM allocation %,.0f B, JIT %,d ms%s%n",
            t.name(),
            sustained,
            cpu.totalMicros(),
            cpu.processMicros(),
            cpu.childMicros(),
            cpu.hottestThreadMicros(),
            cpu.hottest(),
            cpu.allocatedBytes(),
            cpu.jitMillis(),
            sustained < rps
                ? String.format(Locale.ROOT, "; %,.0f req/s before the detector's catch-up", rps)
                : "");
        if (Boolean.getBoolean("threads")) {
          System.out.println("      threads (µs per request):" + cpu.threads());
        }
      }
    }
    System.out.println(
        "  (detector: "
            + detection.processed()
            + " processed, "
            + detection.dropped()
            + " dropped while the closed loop outran it)");
    System.out.println();
    System.out.println(
        "latency at " + rate + " req/s (ms)      p50     p90     p99   p99.9   errors");
    for (Target t : targets) {
      long[] lat = fixedRate(vertx, client, t, rate, seconds);
      System.out.printf(
          Locale.ROOT,
          "  %-13s %,9d req  %7.3f %7.3f %7.3f %7.3f  %d%n",
          t.name(),
          lat.length - 1,
          pct(lat, 0.50),
          pct(lat, 0.90),
          pct(lat, 0.99),
          pct(lat, 0.999),
          lat[lat.length - 1]);
    }
    System.out.println();
    detection.awaitProcessed(detection.submitted(), 120_000);
    System.out.println("streamed answer, time to first byte (ms)   p50     p99");
    for (Target t : targets) {
      long[] lat = firstByte(vertx, client, t, 2000);
      System.out.printf(
          Locale.ROOT, "  %-13s %7.3f %7.3f%n", t.name(), pct(lat, 0.50), pct(lat, 0.99));
    }
    client.close().await();
    vertx.close().await();
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
    floor.close();
    gateway.close();
    upstream.close();
    System.out.println();
    System.out.println(
        "detector processed "
            + java.util.Objects.requireNonNull(gateway.detection()).processed()
            + " exchanges");
  }

  private static RequestOptions post(Target t, boolean stream) {
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost("127.0.0.1")
        .setPort(t.port())
        .setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json")
        .putHeader("authorization", "Bearer " + t.key());
  }

  /** Requests per second with {@code c} requests always outstanding. */
  static double closedLoop(HttpClient client, Target t, int c, int seconds)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong done = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(c);
    Buffer body = Buffer.buffer(BODY);
    for (int i = 0; i < c; i++) {
      loop(client, t, body, end, done, finished);
    }
    finished.await();
    return done.get() / (double) seconds;
  }

  private static void loop(
      HttpClient client, Target t, Buffer body, long end, AtomicLong done, CountDownLatch fin) {
    if (System.nanoTime() >= end) {
      fin.countDown();
      return;
    }
    client
        .request(post(t, false))
        .compose(r -> r.send(body))
        .compose(r -> r.statusCode() == 200 ? r.body() : r.body().map(b -> (Buffer) null))
        .onComplete(
            x -> {
              if (x.succeeded() && x.result() != null) {
                done.incrementAndGet();
              }
              loop(client, t, body, end, done, fin);
            });
  }

  /** Latencies in nanoseconds, sorted, with the error count as the last element. */
  static long[] fixedRate(Vertx vertx, HttpClient client, Target t, int rate, int seconds)
      throws InterruptedException {
    int total = rate * seconds;
    long[] lat = new long[total];
    AtomicLong errors = new AtomicLong();
    CountDownLatch all = new CountDownLatch(total);
    Buffer body = Buffer.buffer(BODY);
    long start = System.nanoTime() + 5_000_000;
    long interval = 1_000_000_000L / rate;
    int[] next = {0};
    vertx.runOnContext(
        v ->
            vertx.setPeriodic(
                1,
                id -> {
                  long now = System.nanoTime();
                  while (next[0] < total && start + next[0] * interval <= now) {
                    int i = next[0]++;
                    long scheduled = start + i * interval;
                    client
                        .request(post(t, false))
                        .compose(r -> r.send(body))
                        .compose(
                            r ->
                                r.statusCode() == 200 ? r.body() : r.body().map(b -> (Buffer) null))
                        .onComplete(
                            x -> {
                              lat[i] = System.nanoTime() - scheduled;
                              if (x.failed() || x.result() == null) {
                                errors.incrementAndGet();
                              }
                              all.countDown();
                            });
                  }
                  if (next[0] >= total) {
                    vertx.cancelTimer(id);
                  }
                }));
    all.await(seconds + 60L, TimeUnit.SECONDS);
    Arrays.sort(lat);
    long[] out = Arrays.copyOf(lat, total + 1);
    out[total] = errors.get();
    return out;
  }

  /** Sequential streamed requests: nanoseconds to the first body byte, sorted. */
  static long[] firstByte(Vertx vertx, HttpClient client, Target t, int n)
      throws InterruptedException {
    long[] lat = new long[n];
    Buffer body = Buffer.buffer(STREAM_BODY);
    for (int i = 0; i < n; i++) {
      CountDownLatch one = new CountDownLatch(1);
      long t0 = System.nanoTime();
      int idx = i;
      // On the event loop, so the response's handlers are set before its first bytes arrive.
      vertx.runOnContext(
          go ->
              client
                  .request(post(t, true))
                  .compose(r -> r.send(body))
                  .onComplete(
                      x -> {
                        if (x.failed()) {
                          lat[idx] = Long.MAX_VALUE;
                          one.countDown();
                          return;
                        }
                        boolean[] first = {true};
                        x.result()
                            .handler(
                                b -> {
                                  if (first[0]) {
                                    first[0] = false;
                                    lat[idx] = System.nanoTime() - t0;
                                  }
                                });
                        x.result().endHandler(v -> one.countDown());
                      }));
      one.await(30, TimeUnit.SECONDS);
    }
    Arrays.sort(lat);
    return lat;
  }

  static double pct(long[] sortedWithTrailer, double p) {
    int n = sortedWithTrailer.length;
    int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    return sortedWithTrailer[idx] / 1e6;
  }

  private static @org.jspecify.annotations.Nullable Process startNginx(
      Path work, int upstreamPort, int workers) throws IOException {
    Path bin = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(bin)) {
      System.out.println("nginx not installed (apt-get install nginx); comparing with direct only");
      return null;
    }
    int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    Files.writeString(work.resolve("nginx.port"), Integer.toString(port));
    Path conf = work.resolve("nginx.conf");
    Files.writeString(
        conf,
        """
        worker_processes WORKERS;
        daemon off;
        pid PREFIX/nginx.pid;
        error_log stderr error;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path PREFIX/body;
          proxy_temp_path PREFIX/proxy;
          fastcgi_temp_path PREFIX/fastcgi;
          uwsgi_temp_path PREFIX/uwsgi;
          scgi_temp_path PREFIX/scgi;
          upstream standin { server 127.0.0.1:UPSTREAM; keepalive 256; }
          server {
            listen 127.0.0.1:PORT;
            location / {
              proxy_pass http://standin;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
            }
          }
        }
        """
            .replace("PREFIX", work.toString())
            .replace("UPSTREAM", Integer.toString(upstreamPort))
            .replace("PORT", Integer.toString(port))
            .replace("WORKERS", Integer.toString(workers)),
        StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(bin.toString(), "-c", conf.toString(), "-p", work.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("nginx.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    System.out.println("nginx did not start; see " + work.resolve("nginx.log"));
    p.destroy();
    return null;
  }

  private static int nginxPort(Path work) throws IOException {
    return Integer.parseInt(Files.readString(work.resolve("nginx.port")).trim());
  }
}
