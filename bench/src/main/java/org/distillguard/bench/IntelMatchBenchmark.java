package org.distillguard.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Indicator matching in the gateway's request path (issue 6: ≤ 2 µs per request with 1 million
 * imported IP ranges and fingerprints): one request's address (IPv4 text, half of them inside an
 * imported block) plus one fingerprint lookup, against a matcher of {@code indicators} entries.
 *
 * <pre>
 * java -Xmx6g -jar bench/target/benchmarks.jar IntelMatchBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx6g"})
public class IntelMatchBenchmark {
  @Param({"1000000"})
  public int indicators;

  private IndicatorMatcher matcher = IndicatorMatcher.of(List.of());
  private String[] ips = new String[0];
  private String[] ipv6 = new String[0];
  private String[] fps = new String[0];
  private int i;

  @Setup
  public void setUp() {
    List<ActiveIndicator> all = IntelIndicators.generate(indicators, 11);
    matcher = IndicatorMatcher.of(all);
    SplittableRandom r = new SplittableRandom(3);
    ips = new String[4096];
    fps = new String[4096];
    ipv6 = new String[4096];
    int hitsV4 = 0;
    for (int k = 0; k < ips.length; k++) {
      ActiveIndicator a = all.get(r.nextInt(all.size()));
      if (k % 2 == 0 && a.match() instanceof Match.IpBlock b && !b.cidr().contains(":")) {
        String base =
            b.cidr().contains("/") ? b.cidr().substring(0, b.cidr().indexOf('/')) : b.cidr();
        ips[k] = base;
        hitsV4++;
      } else {
        ips[k] =
            r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
      }
      fps[k] =
          a.match() instanceof Match.Fingerprint f ? f.value() : "00000000000000000000000000000000";
      ipv6[k] =
          String.format("2001:%x:%x:%x::1", r.nextInt(65536), r.nextInt(65536), r.nextInt(65536));
    }
    if (hitsV4 == 0) {
      throw new IllegalStateException("no hits generated");
    }
  }

  @Benchmark
  public void ipv4AndFingerprint(Blackhole bh) {
    int k = (i++) & 4095;
    bh.consume(matcher.matchIp(ips[k]));
    bh.consume(matcher.matchFingerprint("payment_fp", fps[k]));
  }

  @Benchmark
  public void ipv6Address(Blackhole bh) {
    bh.consume(matcher.matchIp(ipv6[(i++) & 4095]));
  }
}
