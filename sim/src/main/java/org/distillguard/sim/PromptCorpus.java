package org.distillguard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The real prompts simulated accounts send, read from a folder of prompt sets ({@code *.jsonl.gz},
 * one {@code {"id","source","class","prompt","turns"?,"meta"?}} per line).
 *
 * <p>Prompts are sorted into pools by purpose (organic questions, code, reasoning, tool use, ...)
 * so that each population draws what its real counterpart would send. A pool that the folder cannot
 * fill falls back to a broader one, so the small shipped sample still drives every population.
 *
 * <p>The {@link Split} keeps the detector honest: it is calibrated on traffic built from the {@code
 * train} sets and reported on traffic built from the {@code holdout} sets, which it has never seen.
 */
public final class PromptCorpus {
  /**
   * Which prompt sets to use. Files are matched by base name; unknown files belong to every split.
   */
  public enum Split {
    TRAIN,
    HOLDOUT,
    ALL;

    /** Parses {@code train}, {@code holdout} or {@code all}. */
    public static Split parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** The sets the detector may be calibrated on. */
  public static final Set<String> TRAIN_SETS =
      Set.of(
          "stanford_alpaca",
          "gpteacher_codegen",
          "gpteacher_roleplay",
          "dolly_open_qa",
          "msmarco_queries",
          "hh_rlhf_harmless_test",
          "oasst1_en_validation",
          "awesome_chatgpt_prompts");

  /** The sets the detector is reported on. */
  public static final Set<String> HOLDOUT_SETS =
      Set.of(
          "t0_templated_prompts",
          "gpteacher_toolformer",
          "alpaca_zh_translated",
          "nq_open",
          "sharegpt_sample_1003",
          "instructionwild_v2_users",
          "oasst_prompt_lottery_250",
          "trec_session_2013");

  /** Prompts longer than this are cut: a few huge role prompts would otherwise dominate the log. */
  static final int MAX_PROMPT_CHARS = 6000;

  /** What a pool of prompts is for. */
  enum Purpose {
    ORGANIC,
    ORGANIC_MULTI_TURN,
    ORGANIC_CODE,
    DISTILL,
    CODE,
    REASONING,
    QUESTIONS,
    TASK_TEMPLATES,
    TOOL_USE,
    ROLEPLAY,
    CHINESE,
    SAFETY
  }

  /** One prompt; {@code turns} holds every user turn (the prompt alone when there is one). */
  record Prompt(String set, String id, String text, List<String> turns, boolean distill) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CODE =
      Pattern.compile(
          "(?i)\\b(python|java(script)?|c\\+\\+|sql|function|code|program|regex|bash|compile|html|css|api|json|class|typescript|rust|golang)\\b");
  private static final Pattern MATH =
      Pattern.compile(
          "(?i)(\\b(calculate|compute|solve|equations?|math|probability|how many|prove|logic|puzzle|percent(age)?|average|sum of|reasoning|riddle)\\b|\\d+\\s*[-+*/x^]\\s*\\d+)");
  private static final Pattern CJK = Pattern.compile("[\\u4e00-\\u9fff]");

  private final Path dir;
  private final List<String> sets;
  private final int size;
  private final EnumMap<Purpose, List<Prompt>> pools;

  private PromptCorpus(Path dir, List<String> sets, int size, EnumMap<Purpose, List<Prompt>> p) {
    this.dir = dir;
    this.sets = List.copyOf(sets);
    this.size = size;
    this.pools = p;
  }

  /**
   * Reads every {@code *.jsonl.gz} file of {@code dir} that belongs to {@code split}.
   *
   * @throws SimulatorInputException when the folder is missing, holds no usable prompt, or a line
   *     is malformed
   */
  public static PromptCorpus load(Path dir, Split split) throws SimulatorInputException {
    if (!Files.isDirectory(dir)) {
      throw new SimulatorInputException("prompt sets not found at " + dir + ": pass --prompts DIR");
    }
    TreeSet<Path> files = new TreeSet<>(); // sorted: the corpus order, hence the output, is stable
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl.gz")) {
      for (Path f : ds) {
        if (inSplit(setName(f), split)) {
          files.add(f);
        }
      }
    } catch (IOException e) {
      throw new SimulatorInputException("cannot list prompt sets at " + dir + ": " + e);
    }
    List<Prompt> all = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path f : files) {
      names.add(setName(f));
      read(f, all);
    }
    if (all.isEmpty()) {
      throw new SimulatorInputException(
          "prompt sets not found at "
              + dir
              + ": no *.jsonl.gz file with prompts for split "
              + split.name().toLowerCase(Locale.ROOT)
              + "; pass --prompts DIR");
    }
    return new PromptCorpus(dir, names, all.size(), classify(all));
  }

  /** The folder the prompts came from. */
  public Path dir() {
    return dir;
  }

  /** Base names of the files read, sorted. */
  public List<String> sets() {
    return sets;
  }

  /** Number of prompts read. */
  public int size() {
    return size;
  }

  /** The pool for a purpose; never empty (falls back to broader pools). */
  List<Prompt> pool(Purpose p) {
    return bucket(pools, p);
  }

  private static List<Prompt> bucket(EnumMap<Purpose, List<Prompt>> m, Purpose p) {
    return java.util.Objects.requireNonNull(m.get(p), "pool");
  }

  /** Every prompt of one set file ({@code dir/set.jsonl.gz}), in file order. */
  static List<Prompt> readSet(Path dir, String set) throws SimulatorInputException {
    List<Prompt> out = new ArrayList<>();
    read(dir.resolve(set + ".jsonl.gz"), out);
    return out;
  }

  static boolean inSplit(String set, Split split) {
    return switch (split) {
      case ALL -> true;
      case TRAIN -> TRAIN_SETS.contains(set) || !HOLDOUT_SETS.contains(set);
      case HOLDOUT -> HOLDOUT_SETS.contains(set) || !TRAIN_SETS.contains(set);
    };
  }

  static String setName(Path f) {
    String n = f.getFileName().toString();
    return n.endsWith(".jsonl.gz") ? n.substring(0, n.length() - ".jsonl.gz".length()) : n;
  }

  private static void read(Path f, List<Prompt> out) throws SimulatorInputException {
    String fileSet = setName(f);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f), 1 << 16);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw new SimulatorInputException(f + ":" + lineNo + ": not valid JSON");
        }
        String text = n.path("prompt").asText("");
        if (text.isBlank()) {
          continue;
        }
        List<String> turns = new ArrayList<>();
        for (JsonNode t : n.path("turns")) {
          if (!t.asText("").isBlank()) {
            turns.add(cut(t.asText()));
          }
        }
        if (turns.isEmpty()) {
          turns.add(cut(text));
        }
        // The shipped sample mixes several sets in one file and records each line's set.
        String set = n.path("set").asText(fileSet);
        boolean distill = "distill".equals(n.path("class").asText());
        out.add(new Prompt(set, n.path("id").asText(""), cut(text), List.copyOf(turns), distill));
      }
    } catch (IOException e) {
      throw new SimulatorInputException("cannot read prompt set " + f + ": " + e.getMessage());
    }
  }

  private static String cut(String s) {
    return s.length() <= MAX_PROMPT_CHARS ? s : s.substring(0, MAX_PROMPT_CHARS);
  }

  private static EnumMap<Purpose, List<Prompt>> classify(List<Prompt> all) {
    EnumMap<Purpose, List<Prompt>> m = new EnumMap<>(Purpose.class);
    for (Purpose p : Purpose.values()) {
      m.put(p, new ArrayList<>());
    }
    for (Prompt p : all) {
      String s = p.set();
      if (p.distill()) {
        bucket(m, Purpose.DISTILL).add(p);
      } else {
        bucket(m, Purpose.ORGANIC).add(p);
        if (p.turns().size() > 1) {
          bucket(m, Purpose.ORGANIC_MULTI_TURN).add(p);
        }
        if (CODE.matcher(p.text()).find()) {
          bucket(m, Purpose.ORGANIC_CODE).add(p);
        }
      }
      if (s.contains("codegen")) {
        bucket(m, Purpose.CODE).add(p);
      }
      if (s.contains("toolformer")) {
        bucket(m, Purpose.TOOL_USE).add(p);
      }
      if (s.contains("roleplay") || s.contains("awesome_chatgpt")) {
        bucket(m, Purpose.ROLEPLAY).add(p);
      }
      if (s.contains("_zh") || CJK.matcher(p.text()).find()) {
        bucket(m, Purpose.CHINESE).add(p);
      }
      if (s.contains("hh_rlhf")) {
        bucket(m, Purpose.SAFETY).add(p);
      }
      if (s.startsWith("t0_")) {
        bucket(m, Purpose.TASK_TEMPLATES).add(p);
      }
      if (s.contains("nq_open")
          || s.contains("msmarco")
          || s.contains("trec")
          || s.contains("dolly")) {
        bucket(m, Purpose.QUESTIONS).add(p);
      }
      if (p.distill() && !s.contains("codegen") && MATH.matcher(p.text()).find()) {
        bucket(m, Purpose.REASONING).add(p);
      }
    }
    // Fallbacks, broadest last, so every population has something to send from any folder.
    fallback(m, Purpose.ORGANIC, all);
    fallback(m, Purpose.DISTILL, all);
    fallback(m, Purpose.ORGANIC_MULTI_TURN, bucket(m, Purpose.ORGANIC));
    fallback(m, Purpose.CODE, bucket(m, Purpose.DISTILL));
    fallback(m, Purpose.ORGANIC_CODE, bucket(m, Purpose.CODE));
    fallback(m, Purpose.REASONING, bucket(m, Purpose.DISTILL));
    fallback(m, Purpose.QUESTIONS, bucket(m, Purpose.ORGANIC));
    fallback(m, Purpose.TASK_TEMPLATES, bucket(m, Purpose.QUESTIONS));
    fallback(m, Purpose.TOOL_USE, bucket(m, Purpose.DISTILL));
    fallback(m, Purpose.ROLEPLAY, bucket(m, Purpose.DISTILL));
    fallback(m, Purpose.CHINESE, bucket(m, Purpose.DISTILL));
    fallback(m, Purpose.SAFETY, bucket(m, Purpose.ORGANIC));
    EnumMap<Purpose, List<Prompt>> frozen = new EnumMap<>(Purpose.class);
    for (Map.Entry<Purpose, List<Prompt>> e : m.entrySet()) {
      frozen.put(e.getKey(), List.copyOf(e.getValue()));
    }
    return frozen;
  }

  private static void fallback(
      EnumMap<Purpose, List<Prompt>> m, Purpose p, List<Prompt> otherwise) {
    if (bucket(m, p).isEmpty()) {
      m.put(p, new ArrayList<>(otherwise));
    }
  }
}
