#!/usr/bin/env python3
"""Where a JVM's time goes, per thread, from a JFR recording (no async-profiler needed).

    jfr print --stack-depth 40 --events jdk.ExecutionSample rec.jfr > rec.txt
    python3 jfr-threads.py rec.txt [WINDOW_THREAD] [TOP] [THREAD ...]

Counts execution samples per thread (task names with their subtask suffix removed); with
WINDOW_THREAD, only samples between the first and last sample of a thread whose name contains
it (e.g. "core AccountDetector) (1/1)" for the parallelism-1 run of the job); for each THREAD
substring, the top frames and the inclusive counts of project (and Flink state/serializer)
frames. Used for the Flink job's profile in docs/PERFORMANCE.md.
"""
import collections
import re
import sys


def samples(path):
    cur = None
    for line in open(path, encoding="utf-8", errors="replace"):
        s = line.strip()
        if line.startswith("jdk.ExecutionSample"):
            cur = {"frames": [], "thread": "?", "t": ""}
        elif cur is not None:
            if s.startswith("startTime ="):
                cur["t"] = s.split("=", 1)[1].strip()
            elif s.startswith("sampledThread ="):
                m = re.match(r'sampledThread = "(.*)" \(', s)
                cur["thread"] = m.group(1) if m else s
            elif s == "}":
                yield cur
                cur = None
            elif s and not s.startswith(("state", "stackTrace", "]", "...")):
                cur["frames"].append(re.sub(r"\s+line:.*$", "", s))


def norm(thread):
    t = re.sub(r" \(\d+/\d+\)#\d+", "", thread)
    return re.sub(r"\d+", "N", t) if "kafka" in t.lower() or "pool" in t.lower() else t


def main():
    path = sys.argv[1]
    window = sys.argv[2] if len(sys.argv) > 2 else ""
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    events = list(samples(path))
    if window:
        times = [e["t"] for e in events if window in e["thread"]]
        lo, hi = min(times), max(times)
        events = [e for e in events if lo <= e["t"] <= hi]
        print("window", lo, hi)
    print("samples", len(events))
    for t, n in collections.Counter(norm(e["thread"]) for e in events).most_common(20):
        print(f"{n:6d} {t}")
    for sel in sys.argv[4:]:
        sub = [e for e in events if sel in e["thread"]]
        print(f"\n== threads ~ {sel}: {len(sub)} samples; top frames")
        tops = collections.Counter(e["frames"][0] if e["frames"] else "?" for e in sub)
        for f, n in tops.most_common(top):
            print(f"{n:6d} {f}")
        inclusive = collections.Counter()
        for e in sub:
            for m in {re.sub(r"\(.*$", "", f) for f in e["frames"]}:
                inclusive[m] += 1
        print("-- inclusive (project, serializers, state, output)")
        for f, n in inclusive.most_common():
            if "distillguard" in f or "Serializer" in f or "State" in f or "collect" in f:
                print(f"{n:6d} {f}")


if __name__ == "__main__":
    main()
