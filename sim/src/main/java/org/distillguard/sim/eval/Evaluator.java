package org.distillguard.sim.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.io.Rfc3339;
import org.jspecify.annotations.Nullable;

/**
 * Scores a detector's verdicts against the simulator's ground truth.
 *
 * <p>Verdicts are streamed: memory grows with the number of accounts, never with the number of
 * lines or requests. Use it once: construct with the labels, optionally {@link #readCampaigns},
 * {@link #readVerdicts}, then {@link #finish}. Or call {@link #evaluate(Path, Path, Path)}.
 *
 * <p>Only accounts present in both the labels and the verdicts are counted; the others are reported
 * in {@link Evaluation#missingVerdicts()} and {@link Evaluation#unlabelledVerdicts()}.
 */
public final class Evaluator {
  /** Classes whose distillers work through one account each. */
  public static final Set<String> SINGLE_ACCOUNT_CLASSES =
      Set.of("bulk", "cot", "sweep", "human_prompts", "stealth");

  /**
   * Benign classes driven by people: a false positive here hurts a customer directly. A {@code
   * team} is a company's developers on several accounts sharing one card, domain and office.
   */
  public static final Set<String> PEOPLE_AND_APPS = Set.of("person", "developer", "team", "app");

  /** Benign classes that are machine-like by nature and so legitimately resemble distillers. */
  public static final Set<String> PIPELINES_AND_BENCHMARKS = Set.of("pipeline", "benchmark");

  private static final int EXAMPLES = 10;

  private final Map<String, GroundTruth> truth;
  private final Problems problems;
  private final Set<String> evaluated = new HashSet<>();
  private final Map<String, String> verdictCampaign = new HashMap<>();
  private final Map<String, String> fileCampaign = new HashMap<>();
  private final Map<String, Long> confirmedAt = new HashMap<>();
  private final Map<String, long[]> campaignMember = new HashMap<>(); // {first_seen, rtf}
  private final Map<String, Acc> classes = new HashMap<>();
  private final Acc distillers = new Acc("distillers", true);
  private final Acc single = new Acc("single_account_distillers", true);
  private final Acc benign = new Acc("benign", false);
  private final Acc peopleApps = new Acc("people_and_apps", false);
  private final Acc pipelines = new Acc("pipelines_and_benchmarks", false);
  private final Set<String> seen = new HashSet<>();
  private long unlabelled;
  private final List<String> unlabelledExamples = new ArrayList<>();

  /**
   * @param truth the labels by account, as read by {@link GroundTruth#read}
   * @param problems where unusable lines are recorded (shared with the label reading)
   */
  public Evaluator(Map<String, GroundTruth> truth, Problems problems) {
    this.truth = truth;
    this.problems = problems;
  }

  /**
   * Reads the three files and evaluates. {@code .gz} files are decompressed.
   *
   * @throws EvalInputException if a file cannot be opened
   */
  public static Evaluation evaluate(Path labels, Path verdicts, @Nullable Path campaigns)
      throws IOException, EvalInputException {
    Problems problems = new Problems();
    Map<String, GroundTruth> truth;
    try (BufferedReader in = open(labels)) {
      truth = GroundTruth.read(in, labels.toString(), problems);
    }
    Evaluator ev = new Evaluator(truth, problems);
    if (campaigns != null) {
      try (BufferedReader in = open(campaigns)) {
        ev.readCampaigns(in, campaigns.toString());
      }
    }
    try (BufferedReader in = open(verdicts)) {
      ev.readVerdicts(in, verdicts.toString());
    }
    return ev.finish();
  }

  /**
   * Opens a UTF-8 text file, gunzipping {@code .gz}.
   *
   * @throws EvalInputException if it does not exist or is not a readable file
   */
  public static BufferedReader open(Path file) throws IOException, EvalInputException {
    if (!Files.isRegularFile(file)) {
      throw new EvalInputException(file + ": no such file");
    }
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new EvalInputException(file + ": no such file");
    } catch (IOException e) {
      throw new EvalInputException(file + ": cannot be read (" + e.getMessage() + ")");
    }
    if (file.getFileName() != null && file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /** Reads {@code campaigns.jsonl}: lines with {@code id} and {@code accounts}. */
  public void readCampaigns(BufferedReader in, String file) throws IOException {
    JsonLines.read(
        in,
        file,
        problems,
        (o, line) -> {
          String id = JsonLines.text(o, "id");
          JsonNode accounts = o.get("accounts");
          if (id == null) {
            problems.add(file, line, "\"id\" missing or not a non-empty string");
            return;
          }
          if (accounts == null || !accounts.isArray()) {
            problems.add(file, line, "\"accounts\" missing or not an array");
            return;
          }
          if (!JsonLines.absent(o, "confirmed_at")) {
            String at = JsonLines.text(o, "confirmed_at");
            long t = at == null ? Long.MIN_VALUE : parseTime(at);
            if (t == Long.MIN_VALUE) {
              problems.add(file, line, "\"confirmed_at\" is neither null nor an RFC 3339 time");
            } else {
              confirmedAt.put(id, t);
            }
          }
          for (JsonNode a : accounts) {
            if (!a.isTextual()) {
              problems.add(file, line, "\"accounts\" holds a value that is not a string");
              continue;
            }
            String prev = fileCampaign.putIfAbsent(a.asText(), id);
            if (prev != null && !prev.equals(id)) {
              problems.add(
                  file, line, "account " + a.asText() + " already in campaign " + prev + "; kept");
            }
          }
        });
  }

  /** Streams {@code verdicts.jsonl} (Contract 2). */
  public void readVerdicts(BufferedReader in, String file) throws IOException {
    JsonLines.read(in, file, problems, (o, line) -> verdict(o, file, line));
  }

  private void verdict(JsonNode o, String file, long line) {
    String account = JsonLines.text(o, "account");
    if (account == null) {
      problems.add(file, line, "\"account\" missing or not a non-empty string");
      return;
    }
    String v = JsonLines.text(o, "verdict");
    Verdict verdict;
    try {
      verdict = v == null ? null : Verdict.fromId(v);
    } catch (IllegalArgumentException e) {
      verdict = null;
    }
    if (verdict == null) {
      problems.add(file, line, "\"verdict\" is not one of benign, suspicious, distillation");
      return;
    }
    long requests = JsonLines.whole(o, "requests");
    if (requests < 0) {
      problems.add(file, line, "\"requests\" missing or not a whole number >= 0");
      return;
    }
    long flaggedAfter = -1;
    if (!JsonLines.absent(o, "flagged_after")) {
      flaggedAfter = JsonLines.whole(o, "flagged_after");
      if (flaggedAfter < 1 || flaggedAfter > requests) {
        problems.add(
            file, line, "\"flagged_after\" is neither null nor a whole number in 1..requests");
        return;
      }
    }
    String campaign = null;
    if (!JsonLines.absent(o, "campaign")) {
      campaign = JsonLines.text(o, "campaign");
      if (campaign == null) {
        problems.add(file, line, "\"campaign\" is neither null nor a non-empty string");
        return;
      }
    }
    if (!seen.add(account)) {
      problems.add(file, line, "account " + account + " has a second verdict; kept the first");
      return;
    }
    GroundTruth g = truth.get(account);
    if (g == null) {
      unlabelled++;
      if (unlabelledExamples.size() < EXAMPLES) {
        unlabelledExamples.add(account);
      }
      return;
    }
    evaluated.add(account);
    if (campaign != null) {
      verdictCampaign.put(account, campaign);
    }
    Acc cls =
        classes.computeIfAbsent(
            g.cls() + (g.distill() ? "" : "\u0000benign"), k -> new Acc(g.cls(), g.distill()));
    Outcome out = Outcome.of(g, verdict, requests, flaggedAfter);
    cls.add(out);
    if (g.campaign() != null) {
      long firstSeen = Long.MIN_VALUE;
      if (!JsonLines.absent(o, "first_seen")) {
        String first = JsonLines.text(o, "first_seen");
        firstSeen = first == null ? Long.MIN_VALUE : parseTime(first);
        if (firstSeen == Long.MIN_VALUE) {
          // Kept as an evaluated account; only its late-head timing is unknown.
          problems.add(
              file, line, "\"first_seen\" is not an RFC 3339 time; not counted as a late head");
        }
      }
      campaignMember.put(account, new long[] {firstSeen, out.requestsToFlag()});
    }
    if (g.distill()) {
      distillers.add(out);
      if (SINGLE_ACCOUNT_CLASSES.contains(g.cls())) {
        single.add(out);
      }
    } else {
      benign.add(out);
      if (PEOPLE_AND_APPS.contains(g.cls())) {
        peopleApps.add(out);
      } else if (PIPELINES_AND_BENCHMARKS.contains(g.cls())) {
        pipelines.add(out);
      }
    }
  }

  /** The figures of everything read so far. */
  public Evaluation finish() {
    long missing = 0;
    List<String> missingExamples = new ArrayList<>();
    for (String a : truth.keySet()) {
      if (!seen.contains(a)) {
        missing++;
        if (missingExamples.size() < EXAMPLES) {
          missingExamples.add(a);
        }
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Acc a : classes.values()) {
      groups.add(a.group());
    }
    groups.sort(
        Comparator.comparing((Group x) -> !x.distill())
            .thenComparing(Group::name)
            .thenComparing(Group::distill));
    return new Evaluation(
        truth.size(),
        seen.size(),
        evaluated.size(),
        missing,
        missingExamples,
        unlabelled,
        unlabelledExamples,
        problems.count(),
        problems.kept(),
        distillers.group(),
        single.group(),
        peopleApps.group(),
        pipelines.group(),
        benign.group(),
        groups,
        campaigns());
  }

  private static long parseTime(String s) {
    try {
      return Rfc3339.parseMillis(s);
    } catch (IllegalArgumentException e) {
      return Long.MIN_VALUE;
    }
  }

  private CampaignFigures campaigns() {
    Map<String, String> detected = new HashMap<>();
    Set<String> withDistiller = new HashSet<>();
    for (String a : evaluated) {
      String d = verdictCampaign.getOrDefault(a, fileCampaign.get(a));
      if (d != null) {
        detected.put(a, d);
        GroundTruth g = truth.get(a);
        if (g != null && g.distill()) {
          withDistiller.add(d);
        }
      }
    }
    long benignInDistillerCampaigns = 0;
    // true campaign -> detected campaign -> members; TreeMaps for a deterministic order
    Map<String, Map<String, Long>> byTrue = new TreeMap<>();
    Map<String, Long> trueSize = new LinkedHashMap<>();
    for (String a : evaluated) {
      GroundTruth g = truth.get(a);
      if (g == null) {
        continue;
      }
      String d = detected.get(a);
      if (!g.distill() && d != null && withDistiller.contains(d)) {
        benignInDistillerCampaigns++;
      }
      String t = g.campaign();
      if (t != null) {
        trueSize.merge(t, 1L, Long::sum);
        Map<String, Long> counts = byTrue.computeIfAbsent(t, k -> new TreeMap<>());
        if (d != null) {
          counts.merge(d, 1L, Long::sum);
        }
      }
    }
    List<CampaignFigures.Coverage> per = new ArrayList<>();
    double sum = 0;
    double min = Double.NaN;
    for (Map.Entry<String, Map<String, Long>> e : byTrue.entrySet()) {
      String best = null;
      long bestCount = 0;
      for (Map.Entry<String, Long> c : e.getValue().entrySet()) {
        if (c.getValue() > bestCount) { // ties: the smallest id, as the map is sorted
          best = c.getKey();
          bestCount = c.getValue();
        }
      }
      CampaignFigures.Coverage cov =
          new CampaignFigures.Coverage(
              e.getKey(), trueSize.getOrDefault(e.getKey(), 0L), best, bestCount);
      per.add(cov);
      sum += cov.coverage();
      min = Double.isNaN(min) ? cov.coverage() : Math.min(min, cov.coverage());
    }
    double mean = per.isEmpty() ? Double.NaN : sum / per.size();
    // Late heads: accounts of a true campaign that first appear after the campaign (its largest
    // detected campaign) was confirmed; how fast they are flagged is what linking is for.
    Map<String, Long> confirmedOfTrue = new HashMap<>();
    for (CampaignFigures.Coverage cov : per) {
      String best = cov.largestDetected();
      Long at = best == null ? null : confirmedAt.get(best);
      if (at != null) {
        confirmedOfTrue.put(cov.id(), at);
      }
    }
    long late = 0;
    long lateFlagged = 0;
    List<Long> lateRtf = new ArrayList<>();
    for (Map.Entry<String, long[]> e : campaignMember.entrySet()) {
      GroundTruth g = truth.get(e.getKey());
      Long at = g == null || g.campaign() == null ? null : confirmedOfTrue.get(g.campaign());
      long[] m = e.getValue();
      if (at == null || m[0] == Long.MIN_VALUE || m[0] <= at) {
        continue;
      }
      late++;
      if (m[1] > 0) {
        lateFlagged++;
        lateRtf.add(m[1]);
      }
    }
    lateRtf.sort(null);
    return new CampaignFigures(
        per.size(),
        new HashSet<>(detected.values()).size(),
        mean,
        min,
        benignInDistillerCampaigns,
        per,
        late,
        lateFlagged,
        lateRtf);
  }

  /** What one evaluated account contributes to the figures. */
  private record Outcome(
      Verdict verdict,
      long requests,
      long exposed,
      long leaked,
      long requestsToFlag,
      boolean flaggedBeforeSwitch) {

    static Outcome of(GroundTruth g, Verdict verdict, long requests, long flaggedAfter) {
      if (!g.distill()) {
        return new Outcome(verdict, requests, 0, 0, -1, false);
      }
      long start = g.turncoat() ? g.switchAt() : 1;
      long exposed = Math.max(0, requests - start + 1);
      if (flaggedAfter < 1) {
        return new Outcome(verdict, requests, exposed, exposed, -1, false);
      }
      if (flaggedAfter < start) {
        return new Outcome(verdict, requests, exposed, 0, -1, true);
      }
      long toFlag = flaggedAfter - start + 1;
      return new Outcome(verdict, requests, exposed, Math.min(exposed, toFlag), toFlag, false);
    }
  }

  /** Mutable counterpart of {@link Group}. */
  private static final class Acc {
    final String name;
    final boolean distill;
    long accounts;
    long distillation;
    long suspicious;
    long requests;
    long exposed;
    long leaked;
    long flaggedBeforeSwitch;
    final List<Long> toFlag = new ArrayList<>();

    Acc(String name, boolean distill) {
      this.name = name;
      this.distill = distill;
    }

    void add(Outcome o) {
      accounts++;
      if (o.verdict() == Verdict.DISTILLATION) {
        distillation++;
      } else if (o.verdict() == Verdict.SUSPICIOUS) {
        suspicious++;
      }
      requests += o.requests();
      exposed += o.exposed();
      leaked += o.leaked();
      if (o.flaggedBeforeSwitch()) {
        flaggedBeforeSwitch++;
      }
      if (o.requestsToFlag() > 0) {
        toFlag.add(o.requestsToFlag());
      }
    }

    Group group() {
      List<Long> sorted = new ArrayList<>(toFlag);
      sorted.sort(null);
      return new Group(
          name,
          distill,
          accounts,
          distillation,
          suspicious,
          requests,
          exposed,
          leaked,
          flaggedBeforeSwitch,
          sorted);
    }
  }
}
