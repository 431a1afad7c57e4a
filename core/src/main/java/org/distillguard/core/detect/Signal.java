package org.distillguard.core.detect;

/**
 * The per-account signals the score is made of. Each is computed incrementally by {@link
 * AccountState} in constant memory; its value is in the unit its description gives.
 *
 * <p>Every signal says what it catches and what it must not catch. Signals that benign heavy users
 * also show (volume, templating) are weighted to need corroboration: an enterprise batch job
 * running one template, a B2B app relaying its users, and a benchmark run at temperature 0 are the
 * hard negatives every weight was checked against.
 */
public enum Signal {
  REQUEST_RATE("request_rate", "requests in the last hour (decayed), log10(1+x)"),
  DAILY_VOLUME("daily_volume", "requests in the last day (decayed), log10(1+x)"),
  ACTIVE_HOURS("active_hours", "share of the day's hours with activity, over recent days"),
  AROUND_THE_CLOCK("around_the_clock", "entropy of the hour-of-day histogram, 0 focused .. 1 flat"),
  TIMING_REGULARITY(
      "timing_regularity", "1 - spread of log inter-arrival times: 1 metronome, 0 human"),
  BURST_SHARE("burst_share", "share of requests under a second after the previous one"),
  SINGLE_TURN("single_turn", "share of single-turn requests without a conversation"),
  TEMPLATE_PREFIX("template_prefix", "share of prompts opening like a recent prompt"),
  TEMPLATE_SUFFIX("template_suffix", "share of prompts closing like a recent prompt"),
  TEMPLATE_SKELETON("template_skeleton", "share of prompts whose skeleton is near a recent one"),
  SHARED_SYSTEM_PROMPT("shared_system_prompt", "share of requests with the recent system prompt"),
  EXACT_REPEATS("exact_repeats", "share of prompts repeating a recent prompt exactly"),
  CAPABILITY_SWEEP("capability_sweep", "entropy of capability domains, 0 focused .. 1 sweeping"),
  DOMAINS_COVERED("domains_covered", "capability domains with at least 5% of recent prompts"),
  MULTILINGUAL("multilingual", "share of prompts mostly in non-Latin scripts"),
  INSTRUCTION_STYLE("instruction_style", "mean instruction-likeness of prompts (style model)"),
  REASONING_ELICITATION(
      "reasoning_elicitation", "share asking for step-by-step reasoning or high effort"),
  MAX_TOKENS_LARGE("max_tokens_large", "share requesting max_tokens of 2048 or more"),
  MULTI_SAMPLE("multi_sample", "share requesting n > 1"),
  LOGPROBS("logprobs", "share requesting logprobs"),
  LONG_OUTPUTS("long_outputs", "mean log10(1 + output tokens) / 4"),
  YOUNG_ACCOUNT("young_account", "1 for an account created just before its first request, decays"),
  GRADER_PROMPTS("grader_prompts", "share using the model as a grader (rubrics, pairwise)"),
  SAFE_REWRITE("safe_rewrite", "share asking for 'safe' rewrites that probe refusals"),
  NEW_MODEL_SHIFT("new_model_shift", "share moved to a model released in the last 14 days"),
  TEMPERATURE_ZERO("temperature_zero", "share at temperature 0 (benchmarks, pipelines)"),
  EVIDENCE("evidence", "log10(requests seen): how much there is to judge");

  public static final int COUNT = values().length;
  private static final Signal[] VALUES = values();

  private final String id;
  private final String description;

  Signal(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** Stable snake_case name used in outputs and weight files. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  public static Signal byIndex(int i) {
    return VALUES[i];
  }

  /** Looks a signal up by {@link #id()}, or returns null. */
  public static @org.jspecify.annotations.Nullable Signal byId(String id) {
    for (Signal s : VALUES) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    return null;
  }
}
