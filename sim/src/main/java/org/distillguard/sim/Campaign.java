package org.distillguard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.core.event.Params;
import org.distillguard.sim.PromptCorpus.Purpose;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * What the accounts of one hydra campaign share, because one operator set them up: a few payment
 * instruments, one or a few address ranges (a cloud /24 or residential-proxy /24s), one client, one
 * prompt template and a prompt set partitioned between the accounts so that no account's volume
 * stands out. Some of its prefixes may be busy ones shared with benign customers. Linking accounts
 * through these shared traces is how a campaign is caught.
 */
final class Campaign {
  private static final String[] SYSTEM_PROMPTS = {
    "You are a world-class expert. Give complete, detailed, high-quality answers.",
    "You are a helpful assistant. Always answer thoroughly and explain your reasoning.",
    "Answer as an expert teacher would, with examples and a summary at the end.",
  };
  private static final String[][] TEMPLATES = {
    {"### Instruction:\n", "\n\n### Response:"},
    {"Task: ", "\nProvide a comprehensive answer."},
    {"", "\n\nAnswer in detail, step by step."},
    {"Please respond to the following request as helpfully as possible.\n\n", ""},
  };

  final String id;
  final int size;
  final long launch;
  final long spreadMillis;
  final List<String> prefixes;
  final List<String> paymentFps;
  final String emailDomain;
  final @Nullable String system;
  final String before;
  final String after;
  final Purpose pool;
  final int poolSize;
  final int step;
  final int offset;
  final Params params;
  final String userAgent;
  final double perHourMin;
  final double perHourMax;
  final double ageDaysMin;
  final double ageDaysMax;

  /** Start of each member's slice of the partitioned prompt walk, and its length. */
  private final int[] sliceStart;

  private final int[] sliceLength;

  Campaign(String id, SplittableRandom r, World w, PopulationSpec spec) {
    this.id = id;
    this.size = Math.max(1, Rng.uniformInt(r, spec.param("accounts")));
    long period = w.end() - w.start();
    this.launch = w.start() + r.nextLong(Math.max(1, period / 2));
    this.spreadMillis = Math.round(Rng.uniform(r, spec.param("launch_spread_hours")) * World.HOUR);
    boolean residential = Rng.chance(r, spec.param("residential_proxy_probability").min());
    List<String> ps = new ArrayList<>();
    if (residential) {
      int n = 2 + r.nextInt(5);
      for (int i = 0; i < n; i++) {
        ps.add(Infra.residentialPrefix(r));
      }
    } else {
      ps.add(Infra.cloudPrefix(r));
    }
    List<String> fps = new ArrayList<>();
    int nfp = Math.max(1, Rng.uniformInt(r, spec.param("payment_fingerprints")));
    for (int i = 0; i < nfp; i++) {
      fps.add("pf-" + Rng.hex(r, 8));
    }
    this.paymentFps = List.copyOf(fps);
    this.emailDomain = Rng.pick(r, Infra.THROWAWAY_EMAIL);
    boolean useSystem = Rng.chance(r, spec.param("system_prompt_probability").min());
    this.system = useSystem ? Rng.pick(r, SYSTEM_PROMPTS) : null;
    String[] tpl = useSystem ? new String[] {"", ""} : TEMPLATES[r.nextInt(TEMPLATES.length)];
    this.before = tpl[0];
    this.after = tpl[1];
    this.pool =
        Rng.pick(
            r,
            List.of(
                Purpose.DISTILL,
                Purpose.DISTILL,
                Purpose.REASONING,
                Purpose.CODE,
                Purpose.ORGANIC));
    this.poolSize = w.corpus().pool(pool).size();
    this.step = Rng.coprimeStep(r, poolSize);
    this.offset = r.nextInt(poolSize);
    this.params =
        Params.NONE
            .withMaxTokens(Rng.tokenBudget(r, spec.param("max_tokens")))
            .withTemperature(Rng.pick(r, List.of(0.7, 1.0)));
    this.userAgent = Rng.pick(r, Infra.SCRIPT_CLIENTS);
    var rate = spec.param("requests_per_hour");
    this.perHourMin = rate.min();
    this.perHourMax = rate.max();
    var age = spec.param("account_age_days");
    this.ageDaysMin = age.min();
    this.ageDaysMax = age.max();
    this.sliceStart = new int[size];
    this.sliceLength = new int[size];
    var quota = spec.param("requests_per_account");
    int at = 0;
    for (int i = 0; i < size; i++) {
      sliceStart[i] = at;
      sliceLength[i] = Math.max(1, Rng.uniformInt(r, quota));
      at += sliceLength[i];
    }
    // Drawn last, after the draws of earlier versions: some of the campaign's prefixes are busy
    // ones shared with unrelated customers (mobile proxies exit through carrier CGNAT, cloud VMs
    // through the region's NAT gateways), where an address says little about who is behind it.
    double busy = spec.param("busy_prefix_probability").min();
    for (int i = 0; i < ps.size(); i++) {
      if (Rng.chance(r, busy)) {
        ps.set(i, residential ? Infra.cgnatPrefix(r) : Infra.busyCloudPrefix(r));
      }
    }
    this.prefixes = List.copyOf(ps);
  }

  int sliceStart(int member) {
    return sliceStart[member];
  }

  int sliceLength(int member) {
    return sliceLength[member];
  }
}
