package org.distillguard.sim;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.distillguard.sim.Scenario.Range;
import org.jspecify.annotations.Nullable;

/**
 * The kinds of account the simulator knows, with their class label and default parameters. Every
 * parameter is documented, with why its default is plausible, in {@code docs/SIMULATOR.md}.
 */
@SuppressWarnings("ImmutableEnumChecker") // defaults is an unmodifiable map of records
enum Population {
  PERSON(
      "person",
      false,
      p("sessions_per_day", 1, 4),
      p("active_day_probability", 0.4, 0.9),
      p("conversations_per_session", 1, 3),
      p("follow_up_probability", 0.35),
      p("think_seconds", 20, 240),
      p("wake_hour", 7, 9),
      p("sleep_hour", 22, 24),
      p("high_volume_day_fraction", 0.03),
      p("max_tokens_probability", 0.1),
      p("ipv6_probability", 0.15),
      p("web_client_probability", 0.5),
      p("cgnat_probability", 0.15)),
  DEVELOPER(
      "developer",
      false,
      coding(p("system_prompt_probability", 0.4), p("generic_system_prompt_probability", 0.3))),
  APP(
      "app",
      false,
      p("peak_requests_per_hour", 60, 300),
      p("open_conversations", 16),
      p("follow_up_probability", 0.45),
      p("users_utc_offset_hours", -8, 9),
      p("ip_count", 2, 4),
      p("templated_system_prompt_fraction", 0.25),
      p("busy_cloud_prefix_probability", 0.4)),
  PIPELINE(
      "pipeline",
      false,
      p("requests_per_night", 800, 3000),
      p("window_start_hour", 0, 3),
      p("window_hours", 2, 4),
      p("skip_night_probability", 0.05),
      p("temperature", 0, 0.2)),
  BENCHMARK(
      "benchmark",
      false,
      p("requests", 300, 3000),
      p("runs", 1, 2),
      p("requests_per_second", 0.5, 4),
      p("logprobs_probability", 0.3)),
  TEAM(
      "team",
      false,
      coding(
          p("accounts", 3, 12),
          p("company_age_days", 90, 1500),
          p("onboarding_accounts", 2, 4),
          p("new_account_probability", 0.1),
          p("office_ips", 1, 4),
          p("remote_session_probability", 0.2),
          p("system_prompt_probability", 0.7),
          p("generic_system_prompt_probability", 0.5))),
  BULK(
      "bulk",
      true,
      p("requests_per_hour", 300, 900),
      p("active_hours", 24, 72),
      p("account_age_days", 0, 5),
      p("max_tokens", 4096, 8192),
      p("logprobs_probability", 0.3),
      p("new_model_switch_probability", 0.5)),
  COT(
      "cot",
      true,
      p("requests_per_hour", 100, 300),
      p("active_hours", 24, 72),
      p("account_age_days", 0, 10),
      p("max_tokens", 16000, 32000),
      p("new_model_switch_probability", 0.6)),
  SWEEP(
      "sweep",
      true,
      p("requests_per_hour", 100, 300),
      p("active_hours", 24, 72),
      p("account_age_days", 0, 10),
      p("max_tokens", 2048, 8192),
      p("new_model_switch_probability", 0.5)),
  HUMAN_PROMPTS(
      "human_prompts",
      true,
      p("requests_per_hour", 100, 300),
      p("active_hours", 24, 72),
      p("account_age_days", 0, 10),
      p("max_tokens", 2048, 4096),
      p("new_model_switch_probability", 0.4)),
  HYDRA(
      "hydra",
      true,
      p("accounts", 80, 300),
      p("requests_per_account", 20, 300),
      p("requests_per_hour", 30, 200),
      p("payment_fingerprints", 2, 6),
      p("account_age_days", 1, 10),
      p("launch_spread_hours", 6, 48),
      p("residential_proxy_probability", 0.5),
      p("system_prompt_probability", 0.5),
      p("max_tokens", 2048, 8192),
      p("busy_prefix_probability", 0.25)),
  STEALTH(
      "stealth",
      true,
      p("sessions_per_day", 6, 12),
      p("requests_per_session", 10, 30),
      p("think_seconds", 15, 90),
      p("active_day_probability", 0.9, 1),
      p("account_age_days", 20, 200)),
  TURNCOAT(
      "turncoat",
      true,
      p("switch_fraction", 0.3, 0.7),
      p("requests_per_hour", 30, 150),
      p("account_age_days", 180, 900),
      p("developer_history_probability", 0.5),
      p("keeps_infrastructure_probability", 0.5));

  private final String label;
  private final boolean distill;
  private final SortedMap<String, Range> defaults;

  Population(String label, boolean distill, Object[]... params) {
    this.label = label;
    this.distill = distill;
    TreeMap<String, Range> m = new TreeMap<>();
    for (Object[] kv : params) {
      m.put((String) kv[0], (Range) kv[1]);
    }
    this.defaults = Collections.unmodifiableSortedMap(m);
  }

  /**
   * The work-hours coding behaviour shared by developers and the members of a team (both are driven
   * by {@link DeveloperTraffic}), followed by {@code own} parameters.
   */
  private static Object[][] coding(Object[]... own) {
    Object[][] common = {
      p("sessions_per_day", 2, 6),
      p("weekend_day_probability", 0.1),
      p("conversations_per_session", 1, 4),
      p("follow_up_probability", 0.5),
      p("think_seconds", 15, 180),
      p("work_start_hour", 8, 10),
      p("work_hours", 8, 10),
      p("organic_code_share", 0.6),
      p("tool_prompt_probability", 0.15)
    };
    Object[][] all = java.util.Arrays.copyOf(common, common.length + own.length);
    System.arraycopy(own, 0, all, common.length, own.length);
    return all;
  }

  private static Object[] p(String key, double v) {
    return new Object[] {key, Range.of(v)};
  }

  private static Object[] p(String key, double min, double max) {
    return new Object[] {key, Range.of(min, max)};
  }

  /** The class name used in scenario files and labels. */
  String label() {
    return label;
  }

  boolean distill() {
    return distill;
  }

  SortedMap<String, Range> defaults() {
    return defaults;
  }

  /** Parameters counting things that must exist at least once (a team of zero accounts, ...). */
  private static final java.util.Set<String> AT_LEAST_ONE =
      java.util.Set.of("accounts", "office_ips", "onboarding_accounts", "ip_count");

  /** Parameters that are an hour of the local day or a span within one day. */
  private static final java.util.Set<String> HOURS_OF_DAY =
      java.util.Set.of(
          "wake_hour",
          "sleep_hour",
          "work_start_hour",
          "work_hours",
          "window_start_hour",
          "window_hours");

  /**
   * Why {@code value} is not a valid value for parameter {@code key}, or null when it is. Shares
   * ({@code _probability}, {@code _fraction}, {@code _share}) lie in [0, 1], hours of the day in
   * [0, 24], counts of things that must exist are at least 1, time zones in [-12, 14]; everything
   * else (rates, counts, days, seconds, tokens, temperature) is at least 0.
   */
  static @Nullable String invalid(String key, Range value) {
    double lo = 0;
    double hi = Double.POSITIVE_INFINITY;
    if (key.endsWith("_probability") || key.endsWith("_fraction") || key.endsWith("_share")) {
      hi = 1;
    } else if (HOURS_OF_DAY.contains(key)) {
      hi = 24;
    } else if (key.equals("users_utc_offset_hours")) {
      lo = -12;
      hi = 14;
    } else if (AT_LEAST_ONE.contains(key)) {
      lo = 1;
    }
    if (value.min() >= lo && value.max() <= hi && !Double.isInfinite(value.max())) {
      return null;
    }
    return hi == Double.POSITIVE_INFINITY
        ? "must be at least " + fmt(lo)
        : "must lie in [" + fmt(lo) + ", " + fmt(hi) + "]";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static @Nullable Population byName(String name) {
    for (Population p : values()) {
      if (p.label.equals(name)) {
        return p;
      }
    }
    return null;
  }

  static String names() {
    StringBuilder sb = new StringBuilder();
    for (Population p : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.label);
    }
    return sb.toString();
  }
}
