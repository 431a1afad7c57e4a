package org.distillguard.app.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distillguard.app.Main;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.ingest.Action;
import org.distillguard.intel.ingest.ActiveIndicator;
import org.distillguard.intel.ingest.IndicatorMatcher;
import org.distillguard.intel.sanitize.Fingerprints;
import org.distillguard.intel.sanitize.Fingerprints.Kind;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.taxii.Poller;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consortium of the issue, three members on loopback, up to the matcher the gateway applies:
 * member A analyses the shipped simulated traffic (examples/small.jsonl.gz), exports and publishes
 * over TAXII; B and C poll A, verify and import; then every request a flagged account sent after A
 * flagged it is checked against B's and C's matchers as their gateways would (client address and
 * keyed payment fingerprint). The gateway itself is not on this branch.
 */
@Tag("slow")
class ConsortiumEndToEndTest {
  @TempDir Path tmp;

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    return Files.isDirectory(p.resolve("examples")) ? p : Objects.requireNonNull(p.getParent());
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aCampaignFlaggedAtAIsRefusedAtBAndC() throws Exception {
    Path log = repoRoot().resolve("examples/small.jsonl.gz");
    Path out = tmp.resolve("out-a");
    CommandLine.run(Main.newCommandLine(), "analyze", "--out", out.toString(), log.toString());

    // The log's end: every member's clock stands a minute after it.
    long end = 0;
    List<Exchange> events = new ArrayList<>();
    ExchangeParser parser = new ExchangeParser();
    try (LineSource src = LineSource.open(log.toString(), LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (src.next()) {
        Exchange x = parser.parse(src.buffer(), 0, src.length());
        events.add(x);
        end = Math.max(end, x.timeMillis());
      }
    }
    Clock clock = Clock.fixed(Instant.ofEpochMilli(end + 60_000), ZoneOffset.UTC);

    SecureRandom rnd = new SecureRandom();
    Files.writeString(
        tmp.resolve("consortium.key"), org.distillguard.intel.sanitize.ConsortiumKey.generate(rnd));
    Map<String, String> pub = new HashMap<>();
    Map<String, Integer> port = new HashMap<>();
    for (String m : List.of("a", "b", "c")) {
      pub.put(m, IntelNode.writeSigningKey(tmp.resolve(m + ".key"), rnd));
      port.put(m, freePort());
    }
    for (String m : List.of("a", "b", "c")) {
      StringBuilder peers = new StringBuilder();
      StringBuilder tokens = new StringBuilder();
      for (String p : List.of("a", "b", "c")) {
        if (p.equals(m)) {
          continue;
        }
        if (peers.length() > 0) {
          peers.append(',');
          tokens.append(',');
        }
        peers
            .append("{\"name\":\"provider-")
            .append(p)
            .append("\",\"public_key\":\"")
            .append(pub.get(p))
            .append("\",\"taxii\":{\"url\":\"http://127.0.0.1:")
            .append(port.get(p))
            .append("/taxii2/\",\"token\":\"")
            .append(m)
            .append("-reads-")
            .append(p)
            .append("\"}}");
        tokens
            .append("\"provider-")
            .append(p)
            .append("\":\"")
            .append(p)
            .append("-reads-")
            .append(m)
            .append('"');
      }
      Files.writeString(
          tmp.resolve(m + ".json"),
          "{\"member\":\"provider-"
              + m
              + "\",\"signing_key\":\""
              + m
              + ".key\",\"consortium_key\":\"consortium.key\","
              + "\"state_dir\":\"state-"
              + m
              + "\",\"server\":{\"port\":"
              + port.get(m)
              + ",\"publisher_token\":\""
              + m
              + "-publishes\",\"tokens\":{"
              + tokens
              + "}},\"peers\":["
              + peers
              + "],"
              + "\"policy\":{\"rules\":[{\"min_confidence\":30,\"action\":\"block\"}]}}");
    }

    try (IntelNode a = IntelNode.open(IntelConfig.read(tmp.resolve("a.json")), clock);
        IntelNode b = IntelNode.open(IntelConfig.read(tmp.resolve("b.json")), clock);
        IntelNode c = IntelNode.open(IntelConfig.read(tmp.resolve("c.json")), clock)) {
      a.serve();
      b.serve();
      c.serve();
      ObjectNode bundle = a.export(out, List.of(log.toString()), null, a.exportOptions());
      JsonNode status = a.publish(bundle);
      assertThat(status.get("failure_count").asInt()).isZero();
      for (IntelNode n : List.of(b, c)) {
        List<Poller.Result> rs = n.poller().pollAll(n.config().peers());
        Poller.Result fromA =
            rs.stream().filter(r -> r.peer().equals("provider-a")).findFirst().orElseThrow();
        assertThat(fromA.error()).isNull();
        assertThat(fromA.report().rejected()).isEmpty();
        assertThat(fromA.report().accepted()).isPositive();
      }

      // The next requests of every account A flagged, as B's and C's gateways would see them.
      Map<String, Long> flaggedAt = new HashMap<>();
      for (String line :
          Files.readAllLines(out.resolve("verdicts.jsonl"), StandardCharsets.UTF_8)) {
        JsonNode v = Json.MAPPER.readTree(line);
        if ("distillation".equals(v.path("verdict").asText()) && v.path("flagged_at").isTextual()) {
          flaggedAt.put(
              v.get("account").asText(), Rfc3339.parseMillis(v.get("flagged_at").asText()));
        }
      }
      assertThat(flaggedAt).isNotEmpty();
      // Ground truth of the simulation: which accounts are benign, which belong to the hydra.
      Map<String, JsonNode> labels = new HashMap<>();
      for (String line :
          Files.readAllLines(
              repoRoot().resolve("examples/small-labels.jsonl"), StandardCharsets.UTF_8)) {
        JsonNode l = Json.MAPPER.readTree(line);
        labels.put(l.get("account").asText(), l);
      }
      long firstHydraFlag = Long.MAX_VALUE;
      for (Map.Entry<String, Long> e : flaggedAt.entrySet()) {
        JsonNode l = labels.get(e.getKey());
        if (l != null && "hydra".equals(l.path("class").asText())) {
          firstHydraFlag = Math.min(firstHydraFlag, e.getValue());
        }
      }
      Fingerprints fp = b.fingerprints();
      for (IntelNode n : List.of(b, c)) {
        IndicatorMatcher m = n.matcher();
        int after = 0;
        int refused = 0;
        int benign = 0;
        int benignRefused = 0;
        int hydra = 0;
        int hydraRefused = 0;
        for (Exchange x : events) {
          ActiveIndicator hit = x.ip() == null ? null : m.matchIp(x.ip());
          String pay = x.accountMeta().paymentFp();
          if (hit == null && pay != null) {
            hit = m.matchFingerprint("payment_fp", fp.of(Kind.PAYMENT, pay));
          }
          boolean blocked = hit != null && hit.action() == Action.BLOCK;
          Long t = flaggedAt.get(x.account());
          if (t != null && x.timeMillis() > t) {
            after++;
            refused += blocked ? 1 : 0;
          }
          JsonNode label = labels.get(x.account());
          if (label != null && !label.path("distill").asBoolean()) {
            benign++;
            benignRefused += blocked ? 1 : 0;
          }
          if (label != null
              && "hydra".equals(label.path("class").asText())
              && x.timeMillis() > firstHydraFlag) {
            hydra++;
            hydraRefused += blocked ? 1 : 0;
          }
        }
        String who = n.config().member();
        assertThat(after).as(who).isPositive();
        assertThat(refused)
            .as(who + ": refused next requests of flagged accounts")
            .isEqualTo(after);
        String figures =
            String.format(
                "%s refused %d/%d next requests of flagged accounts, %d/%d hydra requests after"
                    + " the first hydra flag, %d/%d requests of benign accounts",
                who, refused, after, hydraRefused, hydra, benignRefused, benign);
        assertThat(hydraRefused / (double) hydra).as(figures).isGreaterThan(0.8);
        assertThat(benignRefused / (double) benign).as(figures).isLessThan(0.01);
        if (Files.isDirectory(Path.of("target"))) {
          // The measured figures, for docs/INTEL.md: target/intel-e2e.txt.
          Files.writeString(
              Path.of("target", "intel-e2e.txt"),
              figures + System.lineSeparator(),
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
        }
      }
    }
  }

  /** Runs a command with its output discarded, failing on a non-zero exit. */
  static final class CommandLine {
    static void run(picocli.CommandLine cl, String... args) {
      StringWriter w = new StringWriter();
      cl.setOut(new PrintWriter(w));
      cl.setErr(new PrintWriter(w));
      int code = cl.execute(args);
      if (code != 0) {
        throw new AssertionError("exit " + code + ": " + w);
      }
    }
  }
}
