package org.distillguard.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.MasterKey;
import org.distillguard.mark.Scope;
import org.distillguard.mark.canary.CanaryLedger;
import org.distillguard.mark.canary.CanaryTest;
import org.distillguard.mark.probe.EndpointProbe;
import org.distillguard.mark.probe.Probe;
import org.distillguard.mark.probe.ProbeReport;
import org.distillguard.mark.probe.SuspectOutput;
import org.distillguard.mark.probe.SuspectOutputs;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code distillguard probe}: tests a suspect model, or its outputs, for our watermark and
 * canaries.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = {
      "Test a suspect model for DistillGuard's watermark and canaries.",
      "Give either --outputs (a file of the suspect's outputs) or --endpoint with --prompts.",
      "Writes probe.json and probe.html into --out.",
      "",
      "Example: distillguard probe --master-key-file master.hex --key campaign:c-17 \\",
      "           --outputs suspect.jsonl --ledger canaries.jsonl"
    })
public final class ProbeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--master-key-file",
      required = true,
      description = "File holding the master key in hexadecimal (at least 16 bytes).")
  Path masterKeyFile;

  @Option(
      names = "--key",
      description =
          "Key to test, as scope:id with scope member, campaign or account"
              + " (repeatable; default member:default). p-values are corrected for their number.")
  List<String> keys = new ArrayList<>();

  @Option(
      names = "--outputs",
      description =
          "Suspect outputs: JSON Lines with \"output\" (and \"prompt\", \"id\"), or plain text.")
  @Nullable Path outputs;

  @Option(
      names = "--endpoint",
      description = "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1.")
  @Nullable URI endpoint;

  @Option(
      names = "--prompts",
      description = "Prompt set to send (JSON Lines with \"prompt\", \"id\").")
  @Nullable Path prompts;

  @Option(
      names = "--model",
      defaultValue = "suspect",
      description = "Model name sent to the endpoint.")
  String model = "suspect";

  @Option(
      names = "--api-key-env",
      description =
          "Environment variable holding the endpoint's API key (never on the command line).")
  @Nullable String apiKeyEnv;

  @Option(
      names = "--rate",
      defaultValue = "1",
      description = "Requests per second at most (default 1).")
  double rate = 1;

  @Option(names = "--limit", defaultValue = "1000", description = "Prompts to send at most.")
  int limit = 1000;

  @Option(names = "--max-tokens", defaultValue = "512", description = "max_tokens of each request.")
  int maxTokens = 512;

  @Option(
      names = "--decoys",
      defaultValue = "100",
      description = "Decoy keys for the calibration check.")
  int decoys = 100;

  @Option(names = "--ledger", description = "Canary ledger (JSON Lines of canaries served).")
  @Nullable Path ledger;

  @Option(names = "--out", defaultValue = "distillguard-probe", description = "Output folder.")
  Path out = Path.of("distillguard-probe");

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((outputs == null) == (endpoint == null) || (endpoint != null && prompts == null)) {
      err.println("probe: give either --outputs FILE, or --endpoint URL with --prompts FILE");
      return Main.EXIT_USAGE;
    }
    MasterKey master;
    try {
      master = MasterKey.fromHex(Files.readString(masterKeyFile, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      err.println("probe: cannot read the master key: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    List<MarkKey> tested = new ArrayList<>();
    for (String k : keys.isEmpty() ? List.of("member:default") : keys) {
      int c = k.indexOf(':');
      Scope scope;
      try {
        scope = c > 0 ? Scope.valueOf(k.substring(0, c).toUpperCase(Locale.ROOT)) : Scope.DECOY;
      } catch (IllegalArgumentException e) {
        scope = Scope.DECOY;
      }
      if (scope == Scope.DECOY || c == k.length() - 1) {
        err.println("probe: --key must be member:ID, campaign:ID or account:ID, not " + k);
        return Main.EXIT_USAGE;
      }
      tested.add(master.derive(scope, k.substring(c + 1)));
    }
    List<MarkKey> decoyKeys = new ArrayList<>();
    for (int i = 0; i < decoys; i++) {
      decoyKeys.add(master.decoy(i));
    }
    Files.createDirectories(out);
    List<SuspectOutput> texts;
    String source;
    Path in = outputs;
    if (in != null) {
      if (!Files.isReadable(in)) {
        err.println("probe: cannot read " + in);
        return Main.EXIT_USAGE;
      }
      texts = SuspectOutputs.read(in);
      source = in.toString();
    } else {
      Path ps = java.util.Objects.requireNonNull(prompts);
      URI ep = java.util.Objects.requireNonNull(endpoint);
      List<SuspectOutput> all = SuspectOutputs.readPrompts(ps);
      List<SuspectOutput> asked = all.subList(0, Math.min(limit, all.size()));
      String env = apiKeyEnv;
      EndpointProbe probe =
          new EndpointProbe(
              new EndpointProbe.Options(
                  ep, model, env == null ? null : System.getenv(env), rate, maxTokens, 0.7),
              HttpClient.newHttpClient(),
              Thread::sleep);
      Path progress = out.resolve("outputs.jsonl");
      err.println(
          "probe: "
              + asked.size()
              + " prompts; answers go to "
              + progress
              + " (prompts already answered there are not asked again)");
      texts =
          probe.run(
              asked,
              progress,
              n -> {
                if (n % 50 == 0) {
                  err.println("probe: " + n + " answers");
                }
              });
      source = ep + " (" + ps.getFileName() + ")";
    }
    CanaryLedger l = null;
    Path lp = ledger;
    if (lp != null) {
      l = CanaryLedger.read(lp);
    }
    Probe.Result r = Probe.run(source, texts, tested, decoyKeys, l);
    try (Writer w = Files.newBufferedWriter(out.resolve("probe.json"), StandardCharsets.UTF_8)) {
      Probe.writeJson(r, w);
    }
    try (Writer w = Files.newBufferedWriter(out.resolve("probe.html"), StandardCharsets.UTF_8)) {
      ProbeReport.write(r, "distillguard probe", w);
    }
    o.printf(
        Locale.ROOT,
        "DistillGuard probe: %,d outputs, %,d words, %,d distinct units%n",
        r.outputs(),
        r.words(),
        r.distinctUnits());
    o.printf(
        Locale.ROOT,
        "watermark: %s (best corrected log10 p = %.2f over %d key(s); decoy check %s)%n",
        r.detected() ? "DETECTED" : "not detected",
        r.bestCorrectedLog10P(),
        r.watermark().tested(),
        r.watermark().calibration().passed() ? "passed" : "FAILED");
    CanaryTest.Result cr = r.canaries();
    if (cr != null) {
      for (CanaryTest.Hit h : cr.hits()) {
        o.printf(
            Locale.ROOT,
            "canary: %s %s reproduced %d of %d served (log10 p = %.1f)%n",
            h.scope(),
            h.subject(),
            h.hits(),
            h.served(),
            h.log10P());
      }
    }
    o.println("wrote " + out.resolve("probe.json") + " and " + out.resolve("probe.html"));
    o.flush();
    return Main.EXIT_OK;
  }
}
