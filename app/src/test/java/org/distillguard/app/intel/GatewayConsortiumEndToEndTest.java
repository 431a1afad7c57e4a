package org.distillguard.app.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.distillguard.app.Main;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.io.ExchangeParser;
import org.distillguard.core.io.LineSource;
import org.distillguard.gateway.Gateway;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.standin.StandInUpstream;
import org.distillguard.intel.IntelConfig;
import org.distillguard.intel.IntelNode;
import org.distillguard.intel.sanitize.ConsortiumKey;
import org.distillguard.intel.stix.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consortium of issue #6 with real gateways: member A analyses the shipped simulated traffic
 * (examples/small.jsonl.gz), exports and publishes over TAXII; members B and C each run a real
 * {@link Gateway} (loopback, stand-in upstream) whose {@code intel:} section polls A every second.
 * The accounts of the log exist at B and C too (same payment instruments and e-mail domains, the
 * requests arrive from the same addresses, the operator reusing its infrastructure), and customers
 * call through the official OpenAI SDK. After A publishes, the hydra campaign's requests are
 * refused at B and C with 403 and benign accounts are not. Then propagation from A's publish to the
 * first refused request at B and C is measured over repeated publishes, and the gateways' sightings
 * reach A as confirmations.
 */
@Tag("slow")
class GatewayConsortiumEndToEndTest {
  static final int TRIALS = 50;
  static final int PER_ACCOUNT = 8;

  @TempDir Path tmp;

  record Member(String name, int port, String publicKey) {}

  @Test
  void aCampaignPublishedByAIsRefusedByTheGatewaysOfBAndC() throws Exception {
    Path log = ConsortiumEndToEndTest.repoRoot().resolve("examples/small.jsonl.gz");
    Path out = tmp.resolve("out-a");
    ConsortiumEndToEndTest.CommandLine.run(
        Main.newCommandLine(), "analyze", "--out", out.toString(), log.toString());
    List<Exchange> events = new ArrayList<>();
    long end = 0;
    ExchangeParser parser = new ExchangeParser();
    try (LineSource src = LineSource.open(log.toString(), LineSource.DEFAULT_MAX_LINE_BYTES)) {
      while (src.next()) {
        Exchange x = parser.parse(src.buffer(), 0, src.length());
        events.add(x);
        end = Math.max(end, x.timeMillis());
      }
    }
    // Every member's clock stands a minute after the log's end, and moves.
    Clock clock =
        Clock.offset(
            Clock.systemUTC(), Duration.ofMillis(end + 60_000 - System.currentTimeMillis()));
    Map<String, JsonNode> labels = new HashMap<>();
    for (String line :
        Files.readAllLines(
            ConsortiumEndToEndTest.repoRoot().resolve("examples/small-labels.jsonl"),
            StandardCharsets.UTF_8)) {
      JsonNode l = Json.MAPPER.readTree(line);
      labels.put(l.get("account").asText(), l);
    }

    writeMembers(List.of("provider-a", "provider-b", "provider-c"));
    List<Running> gateways = new ArrayList<>();
    try (IntelNode a = IntelNode.open(IntelConfig.read(tmp.resolve("provider-a.json")), clock)) {
      a.serve();
      for (String m : List.of("provider-b", "provider-c")) {
        gateways.add(Running.start(tmp, m, clock, events));
      }
      // The last requests of every account, as they will arrive at B and C.
      Map<String, List<Exchange>> byAccount = new LinkedHashMap<>();
      for (Exchange x : events) {
        byAccount.computeIfAbsent(x.account(), k -> new ArrayList<>()).add(x);
      }
      List<Exchange> sample = new ArrayList<>();
      byAccount
          .values()
          .forEach(l -> sample.addAll(l.subList(Math.max(0, l.size() - PER_ACCOUNT), l.size())));
      String hydraAccount =
          byAccount.keySet().stream()
              .filter(
                  acc ->
                      "hydra"
                          .equals(Objects.requireNonNull(labels.get(acc)).path("class").asText()))
              .findFirst()
              .orElseThrow();
      List<Exchange> hydraRequests = Objects.requireNonNull(byAccount.get(hydraAccount));
      Exchange hydraProbe = hydraRequests.get(hydraRequests.size() - 1);
      for (Running g : gateways) {
        assertThat(g.send(hydraProbe))
            .as("before A publishes, %s lets it through", g.member)
            .isEqualTo(200);
      }

      JsonNode status = a.publish(a.export(out, List.of(log.toString()), null, a.exportOptions()));
      long published = System.nanoTime();
      assertThat(status.get("failure_count").asInt()).isZero();
      for (Running g : gateways) {
        long ms = g.awaitRefused(hydraProbe, published);
        assertThat(ms).as("%s refuses the campaign after A's publish", g.member).isNotNegative();
      }

      StringBuilder figures = new StringBuilder();
      for (Running g : gateways) {
        int hydra = 0;
        int hydraRefused = 0;
        int benign = 0;
        int benignRefused = 0;
        int otherDistill = 0;
        int otherRefused = 0;
        for (Exchange x : sample) {
          JsonNode l = Objects.requireNonNull(labels.get(x.account()));
          boolean refused = g.send(x) == 403;
          if ("hydra".equals(l.path("class").asText())) {
            hydra++;
            hydraRefused += refused ? 1 : 0;
          } else if (!l.path("distill").asBoolean()) {
            benign++;
            benignRefused += refused ? 1 : 0;
          } else {
            otherDistill++;
            otherRefused += refused ? 1 : 0;
          }
        }
        String f =
            String.format(
                "%s (real gateway, OpenAI SDK): refused %d/%d hydra-campaign requests,"
                    + " %d/%d requests of benign accounts, %d/%d of other distillers",
                g.member, hydraRefused, hydra, benignRefused, benign, otherRefused, otherDistill);
        figures.append(f).append(System.lineSeparator());
        assertThat(hydraRefused).as(f).isEqualTo(hydra);
        assertThat(benignRefused).as(f + "; why: " + g.refusedBenign(labels)).isZero();
      }

      // Propagation: A publishes a new indicator, B and C are probed until they refuse it.
      long[][] lat = new long[gateways.size()][TRIALS];
      ExecutorService probes = Executors.newFixedThreadPool(gateways.size());
      java.util.Random jitter = new java.util.Random(6);
      try {
        for (int t = 0; t < TRIALS; t++) {
          String ip = "100.64." + (t / 200) + "." + (t % 200 + 1);
          Exchange probe = probeFrom(hydraProbe, ip);
          // Publishes must not be phase-locked to the gateways' polls (the previous trial ended
          // right after one): start each at a random point of the interval.
          for (Running g : gateways) {
            assertThat(g.send(probe))
                .as("trial %d: %s before the publish", t, g.member)
                .isEqualTo(200);
          }
          Thread.sleep(jitter.nextInt(1_000));
          long t0 = System.nanoTime();
          JsonNode st =
              a.publish(
                  a.signedBundle(
                      List.of(
                          a.indicator(
                              "[ipv4-addr:value = '" + ip + "']",
                              "ip_prefix",
                              90,
                              Duration.ofDays(1)))));
          assertThat(st.get("failure_count").asInt()).isZero();
          List<Future<Long>> fs = new ArrayList<>();
          for (Running g : gateways) {
            fs.add(probes.submit(() -> g.awaitRefused(probe, t0)));
          }
          for (int i = 0; i < fs.size(); i++) {
            lat[i][t] = fs.get(i).get();
            assertThat(lat[i][t]).as("trial %d at %s", t, gateways.get(i).member).isNotNegative();
          }
        }
      } finally {
        probes.shutdownNow();
      }
      for (int i = 0; i < gateways.size(); i++) {
        long[] s = lat[i].clone();
        Arrays.sort(s);
        figures.append(
            String.format(
                "propagation A -> %s first refused request (%d publishes, poll interval 1 s):"
                    + " p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                gateways.get(i).member,
                TRIALS,
                s[TRIALS / 2],
                s[(int) Math.ceil(TRIALS * 0.9) - 1],
                s[(int) Math.ceil(TRIALS * 0.99) - 1],
                s[TRIALS - 1]));
      }

      // The gateways report their matches back; A counts B and C as two confirmations.
      long deadline = System.nanoTime() + 30_000_000_000L;
      int confirmations = 0;
      String probeId =
          a.indicator("[ipv4-addr:value = '100.64.0.1']", "ip_prefix", 90, Duration.ofDays(1))
              .get("id")
              .asText();
      while (System.nanoTime() < deadline && confirmations < 2) {
        a.poller().pollAll(a.config().peers());
        confirmations = a.store().confirmations(probeId, a.config().identity());
        Thread.sleep(200);
      }
      assertThat(confirmations).as("sightings of B and C at A").isEqualTo(2);
      figures
          .append("sightings: A holds ")
          .append(confirmations)
          .append(" confirmations of a probed indicator")
          .append(System.lineSeparator());
      System.out.print(figures);
      if (Files.isDirectory(Path.of("target"))) {
        Files.writeString(
            Path.of("target", "intel-gateway-e2e.txt"),
            figures,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } finally {
      for (Running g : gateways) {
        g.close();
      }
    }
  }

  /**
   * The same request, sent by an account nothing is known against ({@link Running#PROBE}) from
   * another address: refused only once the new indicator for that address applies.
   */
  static Exchange probeFrom(Exchange x, String ip) {
    return new Exchange(
        x.id(),
        x.timeMillis(),
        Running.PROBE,
        null,
        null,
        ip,
        x.userAgent(),
        x.endpoint(),
        x.model(),
        x.params(),
        List.of(new Message(Message.USER, "Summarize tomorrow's weather report in two sentences.")),
        null,
        x.usage(),
        null,
        x.status(),
        org.distillguard.core.event.AccountMeta.NONE);
  }

  void writeMembers(List<String> names) throws Exception {
    SecureRandom rnd = new SecureRandom();
    Files.writeString(tmp.resolve("consortium.key"), ConsortiumKey.generate(rnd));
    Map<String, Member> members = new LinkedHashMap<>();
    for (String m : names) {
      try (ServerSocket s = new ServerSocket(0)) {
        members.put(
            m,
            new Member(
                m, s.getLocalPort(), IntelNode.writeSigningKey(tmp.resolve(m + ".key"), rnd)));
      }
    }
    for (Member m : members.values()) {
      List<String> peers = new ArrayList<>();
      List<String> tokens = new ArrayList<>();
      for (Member p : members.values()) {
        if (p != m) {
          peers.add(
              String.format(
                  "{\"name\":\"%s\",\"public_key\":\"%s\",\"taxii\":{\"url\":"
                      + "\"http://127.0.0.1:%d/taxii2/\",\"token\":\"%s-reads-%s\"}}",
                  p.name(), p.publicKey(), p.port(), m.name(), p.name()));
          tokens.add(String.format("\"%s\":\"%s-reads-%s\"", p.name(), p.name(), m.name()));
        }
      }
      Files.writeString(
          tmp.resolve(m.name() + ".json"),
          String.format(
              "{\"member\":\"%s\",\"signing_key\":\"%s.key\",\"consortium_key\":\"consortium.key\","
                  + "\"state_dir\":\"state-%s\",\"server\":{\"port\":%d,\"publisher_token\":"
                  + "\"%s-publishes\",\"tokens\":{%s}},\"peers\":[%s],"
                  + "\"policy\":{\"rules\":[{\"min_confidence\":30,\"action\":\"block\"}]}}",
              m.name(),
              m.name(),
              m.name(),
              m.port(),
              m.name(),
              String.join(",", tokens),
              String.join(",", peers)));
    }
  }

  /** One member's gateway, its stand-in upstream, and SDK clients per account. */
  static final class Running implements AutoCloseable {
    static final String PROBE = "acct-probe";
    final String member;
    final StandInUpstream upstream;
    final Gateway gateway;
    final OpenAIClient sdk;
    final Map<String, OpenAIClient> byAccount = new HashMap<>();

    private Running(String member, StandInUpstream upstream, Gateway gateway, OpenAIClient sdk) {
      this.member = member;
      this.upstream = upstream;
      this.gateway = gateway;
      this.sdk = sdk;
    }

    static Running start(Path tmp, String member, Clock clock, List<Exchange> events)
        throws Exception {
      Path dir = Files.createDirectories(tmp.resolve("gateway-" + member));
      StandInUpstream upstream = StandInUpstream.standalone().start("127.0.0.1", 0);
      String yaml =
          """
          listen: {host: 127.0.0.1, port: 0}
          admin: {port: -1}
          upstreams:
            - {name: openai, api: openai, url: "${URL}", api_key: sk-upstream}
          client_ip_header: X-Forwarded-For
          limits:
            key: {rpm: 0, tpm: 0, concurrency: 0}
            account: {rpm: 0, tpm: 0, concurrency: 0}
            ip: {rpm: 0, tpm: 0, concurrency: 0}
          detector: {enabled: false}
          journal: {enabled: false}
          event_loops: 1
          shutdown_grace_seconds: 2
          intel:
            config: "${INTEL}"
            poll_interval_ms: 1000
            sightings_interval_ms: 1000
          """;
      GatewayConfig c =
          ConfigLoader.parse(
              yaml,
              Map.of("URL", upstream.baseUrl(), "INTEL", tmp.resolve(member + ".json").toString()),
              dir);
      Gateway g = Gateway.start(c, clock);
      OpenAIClient sdk =
          OpenAIOkHttpClient.builder()
              .apiKey("none")
              .baseUrl("http://127.0.0.1:" + g.port() + "/v1")
              .maxRetries(0)
              .build();
      Running r = new Running(member, upstream, g, sdk);
      Map<String, Exchange> first = new LinkedHashMap<>();
      events.forEach(x -> first.putIfAbsent(x.account(), x));
      first.put(PROBE, probeFrom(events.get(0), "192.0.2.1"));
      for (Exchange x : first.values()) {
        g.operations()
            .putAccount(
                "test",
                x.account(),
                x.org(),
                null,
                null,
                null,
                null,
                x.accountMeta().paymentFp(),
                x.accountMeta().emailDomain());
        String secret = g.operations().createKey("test", x.account(), x.org(), "e2e").secret();
        r.byAccount.put(x.account(), sdk.withOptions(o -> o.apiKey(secret)));
      }
      g.refresh();
      return r;
    }

    /** The audit entries of intelligence decisions against accounts the labels call benign. */
    List<String> refusedBenign(Map<String, JsonNode> labels) {
      List<String> out = new ArrayList<>();
      for (var e : gateway.store().audit("account:", null, 100_000)) {
        JsonNode l = labels.get(e.subject().substring("account:".length()));
        if (e.actor().equals("intel") && l != null && !l.path("distill").asBoolean()) {
          out.add(e.subject() + " " + e.action() + " " + e.detail());
        }
      }
      return out;
    }

    /** Sends the exchange's last prompt as its account, from its address; returns the status. */
    int send(Exchange x) {
      ChatCompletionCreateParams p =
          ChatCompletionCreateParams.builder()
              .model(x.model() == null ? "m-large" : x.model())
              .addUserMessage(x.lastUserPrompt().isEmpty() ? "hello" : x.lastUserPrompt())
              .maxCompletionTokens(16)
              .putAdditionalHeader("X-Forwarded-For", Objects.requireNonNull(x.ip()))
              .build();
      try {
        Objects.requireNonNull(byAccount.get(x.account())).chat().completions().create(p);
        return 200;
      } catch (PermissionDeniedException e) {
        assertThat(e.getMessage()).contains("Reference: DG-");
        return 403;
      }
    }

    /** Milliseconds from {@code since} (nanoTime) to the first 403, or -1 after 15 s. */
    long awaitRefused(Exchange x, long since) throws InterruptedException {
      long deadline = since + 15_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (send(x) == 403) {
          return (System.nanoTime() - since) / 1_000_000;
        }
        Thread.sleep(5);
      }
      return -1;
    }

    @Override
    public void close() {
      sdk.close();
      gateway.close();
      upstream.close();
    }
  }
}
