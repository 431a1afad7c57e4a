package org.distillguard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * CPU time spent during a measurement: this JVM's (every thread), one helper process's (nginx, read
 * from {@code /proc}), and the busiest JVM thread's. Unlike requests per second, CPU per request
 * hardly depends on what else the shared machine is doing, so it is what a change is judged by when
 * the machine is busy; throughput ratios are taken on a quiet machine.
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  /** CPU time at one moment. */
  record Snapshot(
      long processNanos,
      long childNanos,
      Map<Long, Long> threadNanos,
      long allocatedBytes,
      long gcMillis,
      long gcCount,
      long jitMillis) {}

  /** CPU used between two snapshots, per request, in microseconds. */
  record Usage(
      double processMicros,
      double childMicros,
      double hottestThreadMicros,
      String hottest,
      String threads,
      double allocatedBytes,
      long jitMillis) {
    double totalMicros() {
      return processMicros + childMicros;
    }
  }

  private CpuMeter() {}

  static Snapshot snapshot(@Nullable Process child) {
    Map<Long, Long> threads = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) {
        threads.put(id, t);
      }
    }
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long allocated = 0;
    if (THREADS instanceof com.sun.management.ThreadMXBean sun) {
      for (long id : THREADS.getAllThreadIds()) {
        allocated += Math.max(0, sun.getThreadAllocatedBytes(id));
      }
    }
    long gcMillis = 0;
    long gcCount = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
      gcCount += Math.max(0, gc.getCollectionCount());
    }
    var jit = ManagementFactory.getCompilationMXBean();
    return new Snapshot(
        process,
        child == null ? 0 : treeNanos(child.toHandle()),
        threads,
        allocated,
        gcMillis,
        gcCount,
        jit == null ? 0 : jit.getTotalCompilationTime());
  }

  static Usage between(Snapshot a, Snapshot b, long requests) {
    long best = 0;
    long bestId = -1;
    for (var e : b.threadNanos().entrySet()) {
      long d = e.getValue() - a.threadNanos().getOrDefault(e.getKey(), 0L);
      if (d > best) {
        best = d;
        bestId = e.getKey();
      }
    }
    var info = bestId < 0 ? null : THREADS.getThreadInfo(bestId);
    double n = Math.max(1, requests);
    // Per thread name (numbers folded: GC and compiler threads add up), busiest first.
    Map<String, Long> byName = new HashMap<>();
    for (var e : b.threadNanos().entrySet()) {
      long d = e.getValue() - a.threadNanos().getOrDefault(e.getKey(), 0L);
      var ti = THREADS.getThreadInfo(e.getKey());
      if (d > 0 && ti != null) {
        byName.merge(
            ti.getThreadName().replaceAll("[0-9]+", "N")
                + "#"
                + (ti.getThreadName().startsWith("vert.x") ? e.getKey() : ""),
            d,
            Long::sum);
      }
    }
    StringBuilder top = new StringBuilder();
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(8)
        .forEach(
            e ->
                top.append(
                    String.format(
                        java.util.Locale.ROOT, " %s %.1f", e.getKey(), e.getValue() / 1e3 / n)));
    return new Usage(
        (b.processNanos() - a.processNanos()) / 1e3 / n,
        (b.childNanos() - a.childNanos()) / 1e3 / n,
        best / 1e3 / n,
        info == null ? "-" : info.getThreadName() + "#" + bestId,
        top.toString()
            + String.format(
                java.util.Locale.ROOT,
                "; GC %d collections, %d ms; JIT %d ms",
                b.gcCount() - a.gcCount(),
                b.gcMillis() - a.gcMillis(),
                b.jitMillis() - a.jitMillis()),
        (b.allocatedBytes() - a.allocatedBytes()) / n,
        b.jitMillis() - a.jitMillis());
  }

  /** utime + stime of a process and its children (nginx's master and workers). */
  private static long treeNanos(ProcessHandle p) {
    long total = procNanos(p.pid());
    for (ProcessHandle c : p.children().toList()) {
      total += treeNanos(c);
    }
    return total;
  }

  private static long procNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
