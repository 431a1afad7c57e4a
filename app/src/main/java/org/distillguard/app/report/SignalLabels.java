package org.distillguard.app.report;

import java.util.Map;

/**
 * Human labels for signal ids ({@code snake_case}), the one place the report names them. An id
 * without a label is shown as it is, so a new signal never breaks the report.
 */
final class SignalLabels {
  private SignalLabels() {}

  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("request_rate", "High request rate (last hour)"),
          Map.entry("daily_volume", "High daily volume"),
          Map.entry("active_hours", "Active most hours of the day"),
          Map.entry("around_the_clock", "Activity spread around the clock"),
          Map.entry("timing_regularity", "Machine-regular timing"),
          Map.entry("burst_share", "Requests in bursts (< 1 s apart)"),
          Map.entry("single_turn", "Single-turn requests, no conversation"),
          Map.entry("template_prefix", "Prompts open with a shared template"),
          Map.entry("template_suffix", "Prompts close with a shared template"),
          Map.entry("template_skeleton", "Prompts share a template skeleton"),
          Map.entry("shared_system_prompt", "Same system prompt reused"),
          Map.entry("exact_repeats", "Exact prompt repeats"),
          Map.entry("capability_sweep", "Sweeps across capability domains"),
          Map.entry("domains_covered", "Many capability domains covered"),
          Map.entry("instruction_style", "Instruction-dataset prompt style"),
          Map.entry("reasoning_elicitation", "Asks for step-by-step reasoning"),
          Map.entry("max_tokens_large", "Requests very long outputs (max_tokens)"),
          Map.entry("multi_sample", "Several samples per prompt (n > 1)"),
          Map.entry("logprobs", "Requests log-probabilities"),
          Map.entry("long_outputs", "Long answers received"),
          Map.entry("young_account", "Account created just before use"),
          Map.entry("grader_prompts", "Uses the model as a grader"),
          Map.entry("safe_rewrite", "Probes refusals with 'safe' rewrites"),
          Map.entry("new_model_shift", "Moved to a newly released model"),
          Map.entry("temperature_zero", "Temperature 0 (benchmark/pipeline-like)"),
          Map.entry("shared_ip", "Shares IP addresses with other accounts"),
          Map.entry("shared_payment", "Shares a payment fingerprint"),
          Map.entry("shared_templates", "Shares prompt templates with other accounts"),
          Map.entry("campaign", "Member of a linked campaign"));

  /** The label of {@code signal}, or the id itself if it has none. */
  static String label(String signal) {
    return LABELS.getOrDefault(signal, signal);
  }
}
