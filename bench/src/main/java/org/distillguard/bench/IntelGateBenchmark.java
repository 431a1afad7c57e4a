package org.distillguard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.distillguard.gateway.intel.IntelGate;
import org.distillguard.gateway.intel.IntelSnapshot;
import org.distillguard.gateway.intel.Sightings;
import org.distillguard.gateway.keys.Directory;
import org.distillguard.gateway.keys.Identity;
import org.distillguard.gateway.policy.Decision;
import org.distillguard.gateway.store.Account;
import org.distillguard.gateway.store.JdbcStore;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.gateway.wire.Json;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.sanitize.PromptSketcher;
import org.distillguard.intel.sanitize.TemplateSketch;
import org.distillguard.intel.stix.Tlp;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's whole intelligence check per request ({@code IntelGate.decide}: snapshot read,
 * client address, keyed account, key, payment and e-mail fingerprints from the per-account cache,
 * the combination with the local decision, sightings count, audit reference), against 1 million
 * imported indicators (issue 6: ≤ 2 µs). Half the requests come from an imported block, half the
 * accounts' payment instruments are imported. {@code withTemplates} adds 100 campaign template
 * sketches and a 60-word prompt that matches none (the template check's full cost).
 *
 * <pre>
 * java -Xmx6g -jar bench/target/benchmarks.jar IntelGateBenchmark -wi 3 -i 5 -w 2 -r 2 -f 1
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
public class IntelGateBenchmark {
  @Param({"1000000"})
  public int indicators;

  private static final int ACCOUNTS = 4096;

  private IntelGate gate = IntelGate.OFF;
  private IntelGate gateWithTemplates = IntelGate.OFF;
  private Identity[] who = new Identity[0];
  private String[] ips = new String[0];
  private @org.jspecify.annotations.Nullable ApiRequest prompt;
  private @org.jspecify.annotations.Nullable JdbcStore store;
  private int i;

  @Setup
  public void setUp() throws Exception {
    byte[] secret = new byte[32];
    new SplittableRandom(5).nextBytes(secret);
    ConsortiumKey key = new ConsortiumKey(secret);
    Fingerprints fp = new Fingerprints(key);
    List<ActiveIndicator> all = new ArrayList<>(IntelIndicators.generate(indicators, 11));
    List<Account> accounts = new ArrayList<>();
    who = new Identity[ACCOUNTS];
    for (int k = 0; k < ACCOUNTS; k++) {
      String pay = "pm_card_" + k;
      accounts.add(
          new Account("acct-" + k, null, 0, null, null, null, null, pay, "mail" + k + ".example"));
      who[k] = new Identity("key" + k, "acct-" + k, null, null);
      if (k % 2 == 0) {
        all.add(
            new ActiveIndicator(
                "indicator--pay-" + k,
                "provider-a",
                "payment_fp",
                new Match.Fingerprint("payment_fp", fp.of(Kind.PAYMENT, pay)),
                Tlp.AMBER,
                Action.BLOCK,
                90,
                Long.MAX_VALUE));
      }
    }
    IndicatorMatcher matcher = IndicatorMatcher.of(all);
    SplittableRandom r = new SplittableRandom(3);
    ips = new String[ACCOUNTS];
    for (int k = 0; k < ips.length; k++) {
      ActiveIndicator a = all.get(r.nextInt(indicators));
      if (k % 2 == 0 && a.match() instanceof Match.IpBlock b && !b.cidr().contains(":")) {
        ips[k] = b.cidr().contains("/") ? b.cidr().substring(0, b.cidr().indexOf('/')) : b.cidr();
      } else {
        ips[k] =
            r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
      }
    }
    Directory directory = new Directory(false);
    directory.load(List.of(), accounts);
    Path dir = Files.createTempDirectory("intel-gate-bench");
    JdbcStore store = JdbcStore.open("jdbc:sqlite:" + dir.resolve("audit.db"), "", "");
    this.store = store;
    IntelSnapshot plain = IntelSnapshot.of(matcher, null);
    gate =
        IntelGate.create(
            () -> plain, fp, directory, new Sightings(), store, Runnable::run, Clock.systemUTC());

    PromptSketcher sketcher = new PromptSketcher(key);
    List<ActiveIndicator> withTemplates = new ArrayList<>();
    for (int t = 0; t < 100; t++) {
      List<String> prompts = new ArrayList<>();
      for (int p = 0; p < 20; p++) {
        prompts.add(
            "campaign "
                + t
                + " template: you are expert number "
                + t
                + ", explain in detail the topic "
                + p
                + " with worked examples and a final summary of the key points for reviewers");
      }
      TemplateSketch s = sketcher.templateSketch(prompts, 0.05, 3);
      withTemplates.add(
          new ActiveIndicator(
              "campaign--" + t,
              "provider-a",
              "template",
              new Match.Template(s.keyId(), s.hex(), s.shingles()),
              Tlp.AMBER,
              Action.BLOCK,
              90,
              Long.MAX_VALUE));
    }
    withTemplates.addAll(all);
    IntelSnapshot templated = IntelSnapshot.of(IndicatorMatcher.of(withTemplates), sketcher);
    gateWithTemplates =
        IntelGate.create(
            () -> templated,
            fp,
            directory,
            new Sightings(),
            store,
            Runnable::run,
            Clock.systemUTC());
    StringBuilder words = new StringBuilder();
    for (int w = 0; w < 60; w++) {
      words.append("word").append(w % 17).append(w % 5 == 0 ? ". " : " ");
    }
    prompt =
        ApiRequest.of(
            Endpoint.CHAT_COMPLETIONS,
            Json.parse(
                ("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + words
                        + "\"}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @TearDown
  public void tearDown() {
    if (store != null) {
      store.close();
    }
  }

  @Benchmark
  public void decide(Blackhole bh) {
    int k = (i++) & (ACCOUNTS - 1);
    bh.consume(gate.decide(Decision.ALLOW, null, who[k], ips[k], null));
  }

  @Benchmark
  public void decideWithTemplates(Blackhole bh) {
    int k = (i++) & (ACCOUNTS - 1);
    // an odd account from an address outside the blocks: nothing else matches, the template is
    // compared in full
    bh.consume(gateWithTemplates.decide(Decision.ALLOW, null, who[k | 1], "192.0.2.1", prompt));
  }
}
